"""R10: the state directory cannot be written, or the disk is full: the rule still goes off."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import notifications
from tests.faults.fault_proxy import FaultProxy, network_down
from tests.tray_process import Tray, eventually, rule, start_session

pytestmark = pytest.mark.functional

# The tray runs in a mount namespace of its own whose state directory is a 32 KiB tmpfs, filled
# up before the app starts: a real ENOSPC, gone with the process, nothing left mounted.
FULL_DISK = (
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    'mount -t tmpfs -o size=32k tmpfs "$1" && mkdir "$1/pipeline-tray" && '
    '{ head -c 1048576 /dev/zero > "$1/filler" 2>/dev/null; shift; exec "$@"; }',
    "full-disk",
)
CAN_MOUNT = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") is not None


def stop_with_one_failed_attempt(tray: Tray, proxy: FaultProxy) -> None:
    """Stop the session while DisableRule fails, so the pending stop must be saved; then heal."""
    blocked = proxy.inject(network_down("DisableRule"))
    pressed = tray.key("s")
    tray.wait_line("[pipeline-tray could not save] the pending stop", after=pressed)
    proxy.faults.remove(blocked)
    eventually(lambda: rule() == ("DISABLED", None), timeout=30)
    tray.wait_line("[pipeline-tray could not save] the session history", after=pressed)
    assert tray.proc.poll() is None
    assert len([n for n in notifications(tray) if "could not save" in n]) == 2


@pytest.mark.skipif(
    not CAN_MOUNT and not os.environ.get("CI"), reason="needs root and unshare to mount a tmpfs"
)
def test_a_full_disk_still_stops_the_rule_and_says_what_was_not_saved(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    tray = tray_factory(prefix=(*FULL_DISK, str(state)))
    start_session(tray)
    stop_with_one_failed_attempt(tray, proxy)
    assert "No space left on device" in tray.wait_line(
        "could not save] the session history", after=0
    )
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0


def test_an_unwritable_state_dir_still_stops_the_rule_and_says_what_was_not_saved(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    # A file where the directory should be: no mkdir and no write succeeds, even for root.
    (tmp_path / "state").write_text("not a directory")
    tray = tray_factory()
    start_session(tray)
    stop_with_one_failed_attempt(tray, proxy)
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
