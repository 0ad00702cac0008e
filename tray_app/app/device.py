"""Who this client is in a shared session: a holder id that stays the same across runs, and the
name other devices show for it."""

from __future__ import annotations

import getpass
import logging
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from tray_app.app.private_files import private_dir, write_private

log = logging.getLogger(__name__)
DEVICE_ID = "device-id"
CLI_SUFFIX = "/cli"


@dataclass(frozen=True)
class Identity:
    """A holder id and a human name."""

    holder: str
    name: str


def device_id(state_dir: Path) -> str:
    """This device's id: made once and kept in the state directory, so that a restarted tray
    finds its own hold again and each user of each machine is a holder of its own."""
    path = state_dir / DEVICE_ID
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    except FileNotFoundError:
        pass
    except OSError as err:
        log.warning("cannot read %s (%s): using an id made from the host and user", path, err)
        return _fallback_id()
    made = uuid.uuid4().hex[:12]
    try:
        private_dir(state_dir)
        write_private(path, made + "\n")
    except OSError as err:
        log.warning("cannot save %s (%s): using an id made from the host and user", path, err)
        return _fallback_id()
    return made


def _fallback_id() -> str:
    # Stable without a state dir: the same host and user always get the same id.
    return uuid.uuid5(uuid.NAMESPACE_DNS, f"{getpass.getuser()}@{socket.gethostname()}").hex[:12]


def tray_identity(state_dir: Path, name: str | None) -> Identity:
    """The tray's holder: the device itself."""
    return Identity(device_id(state_dir), name or socket.gethostname())


def cli_identity(state_dir: Path, name: str | None) -> Identity:
    """The CLI's holder: its own, on the same device (so it shares the device's clock)."""
    base = name or socket.gethostname()
    return Identity(device_id(state_dir) + CLI_SUFFIX, f"{base} (cli)")
