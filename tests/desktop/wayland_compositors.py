"""Real headless compositors for the Wayland idle tests: sway 1.7 and KWin 5.27, each run as an
unprivileged user (sway refuses root) in a folder of its own; clients reach them by the
socket's absolute path in WAYLAND_DISPLAY (../shared/design/WAYLAND.md has the facts)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.required_tools import require_tools

NOBODY = 65534
SWAY_CONFIG = "output HEADLESS-1 resolution 800x600\n"
SOCKET = "wayland-test"


def require_wayland(*tools: str) -> None:
    """Skip (or, under CI, fail) when a compositor or input tool is not installed."""
    require_tools(tools, "Wayland tools", "scripts/system-packages lists them")


@dataclass
class Compositor:
    """A running compositor: its process, the socket clients connect to, its private folder."""

    name: str
    proc: subprocess.Popen[bytes]
    socket: Path
    home: Path

    @property
    def env(self) -> dict[str, str]:
        """What a client needs: the socket, and no X display to fall back on."""
        return {"WAYLAND_DISPLAY": str(self.socket)}

    def type_key(self, text: str = "a") -> None:
        """Type `text` on the seat through the virtual keyboard protocol (wtype)."""
        subprocess.run(
            ["wtype", text],
            env={**_without_display(), **self.env},
            check=True,
            timeout=10,
            capture_output=True,
        )

    def kill(self) -> None:
        """Kill the compositor (and what it started) at once, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self.proc.wait(timeout=10)


def _without_display() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def _private_home(prefix: str) -> Path:
    """A folder the unprivileged user owns, reachable by it (pytest's tmp_path is root-only)."""
    home = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    home.chmod(0o700)
    os.chown(home, NOBODY, NOBODY)
    return home


@contextlib.contextmanager
def _running(name: str, argv: list[str], home: Path, env: dict[str, str]) -> Iterator[Compositor]:
    log = (home / f"{name}.log").open("wb")
    proc = subprocess.Popen(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv],
        env={**_without_display(), "HOME": str(home), "XDG_RUNTIME_DIR": str(home), **env},
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill() takes dbus-run-session's too
    )
    try:
        end = time.monotonic() + 30
        while not (sockets := [p for p in home.glob("wayland-*") if p.suffix != ".lock"]):
            if proc.poll() is not None or time.monotonic() > end:
                log.close()
                output = (home / f"{name}.log").read_text(errors="replace")[-2000:]
                raise AssertionError(f"{name} did not open its socket: {output}")
            time.sleep(0.05)
        yield Compositor(name, proc, sockets[0], home)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def sway() -> Iterator[Compositor]:
    """Headless sway (wlroots, pixman renderer, no input devices), as nobody."""
    require_wayland("sway", "setpriv")
    home = _private_home("pt-sway-")
    config = home / "config"
    config.write_text(SWAY_CONFIG)
    os.chown(config, NOBODY, NOBODY)
    env = {
        "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
    }
    with _running("sway", ["sway", "-c", str(config)], home, env) as compositor:
        yield compositor


@contextlib.contextmanager
def kwin() -> Iterator[Compositor]:
    """`kwin_wayland --virtual` as nobody, from a plain copy (the installed binary carries a file
    capability this container refuses to execute)."""
    require_wayland("kwin_wayland", "dbus-run-session", "setpriv")
    home = _private_home("pt-kwin-")
    binary = home / "kwin_wayland"
    shutil.copy("/usr/bin/kwin_wayland", binary)  # a copy has no capability attached
    os.chown(binary, NOBODY, NOBODY)
    argv = [
        "dbus-run-session",
        "--",
        str(binary),
        "--virtual",
        "--no-lockscreen",
        "--no-global-shortcuts",
        "--no-kactivities",
        "--socket",
        SOCKET,
    ]
    env = {"KWIN_COMPOSE": "Q", "QT_QPA_PLATFORM": "offscreen"}
    with _running("kwin", argv, home, env) as compositor:
        yield compositor
