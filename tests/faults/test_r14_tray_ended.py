"""R14: the tray ends without its own stop (kill -9 here; a crash or the display going are the
same to its guardian): the hold it kept is released within seconds, as Quit would, and nothing
of ours is left running. A tray started again at once keeps the session it takes up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.aws_names import REGION
from tests.faults.fault_proxy import Fault, FaultProxy
from tests.faults.lambda_runs import session_holds
from tests.tray_process import Tray, eventually, processes_of, rule, start_session
from tray_app.commands.guardian_process import TERM_GRACE_SECONDS

pytestmark = pytest.mark.functional
RELEASE_BOUND = 5.0  # seconds from the kill to the rule off
WAITING = "waiting for it"  # a new tray waits for the guardian of the one that ended
ON = "Study session on"


def history(home: Path) -> list[dict[str, object]]:
    """The session history written under `home`."""
    path = home / "state" / "pipeline-tray" / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def device_of(home: Path) -> str:
    """The device id of the trays run with `home`."""
    return (home / "state" / "pipeline-tray" / "device-id").read_text().strip()


def test_kill_9_releases_the_hold_within_seconds_and_leaves_nothing_running(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    start_session(tray)
    killed = time.monotonic()
    tray.proc.kill()
    eventually(lambda: rule() == ("DISABLED", None), timeout=RELEASE_BOUND)
    took = time.monotonic() - killed
    print(f"released {took:.2f} s after kill -9")  # the figure docs/reliability.md quotes
    assert session_holds(stack) == {}
    eventually(lambda: not processes_of(tmp_path), timeout=RELEASE_BOUND)
    (entry,) = history(tmp_path)
    assert entry["reason"] == "lost"


def test_kill_9_with_a_second_device_holding_releases_only_this_devices_hold(
    proxy: FaultProxy, stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    start_session(tray)
    other = tmp_path / "other"
    joined = subprocess.run(
        [
            sys.executable,
            "-m",
            "tray_app",
            "--endpoint-url",
            proxy.url,
            "--region",
            REGION,
            "start",
            "--minutes",
            "30",
        ],
        env={**os.environ, "XDG_STATE_HOME": str(other / "state")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert joined.returncode == 0, joined.stderr
    mine, theirs = device_of(tmp_path), device_of(other) + "/cli"
    assert sorted((session_holds(stack) or {}).keys()) == sorted([mine, theirs])
    tray.proc.kill()
    eventually(lambda: list((session_holds(stack) or {}).keys()) == [theirs], RELEASE_BOUND)
    eventually(lambda: not processes_of(tmp_path), timeout=RELEASE_BOUND)
    assert rule()[0] == "ENABLED"  # read once the guardian is gone: it left the rule on
    (entry,) = history(tmp_path)
    assert entry["reason"] == "lost"


def test_a_tray_started_right_after_a_kill_keeps_the_session_it_takes_up(
    proxy: FaultProxy, stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    first = tray_factory()
    start_session(first)
    # The killed tray's guardian is held at its write: the new tray starts during its release.
    release = threading.Event()
    proxy.inject(Fault("delay", "PutItem", times=1, seconds=30, release=release))
    writes = proxy.count("PutItem")
    first.proc.kill()
    eventually(lambda: proxy.count("PutItem") > writes)  # the guardian's write, held
    guardian = processes_of(tmp_path)
    assert len(guardian) == 1
    second = tray_factory()
    # It waits for that release, or (were the guardian to release under it) takes up the hold.
    eventually(lambda: any(WAITING in line or ON in line for line in second.lines))
    if any(WAITING in line for line in second.lines):
        release.set()
        second.wait_line("Off — costs $0", after=0)
        pressed = second.key("s")
        second.wait_line(ON, after=pressed)
    else:
        release.set()
    eventually(lambda: not set(guardian) & set(processes_of(tmp_path)), timeout=RELEASE_BOUND)
    # The old guardian is gone: the session the new tray holds is still on, with its hold.
    assert rule()[0] == "ENABLED"
    assert list((session_holds(stack) or {}).keys()) == [device_of(tmp_path)]
    assert not any("ended elsewhere" in line for line in second.lines)
    assert [entry["reason"] for entry in history(tmp_path)] == ["lost"]


def test_a_logout_sigterm_to_a_guardian_whose_tray_is_silent_releases_after_its_grace(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    start_session(tray)
    (guardian,) = [pid for pid in processes_of(tmp_path) if pid != tray.proc.pid]
    tray.proc.send_signal(signal.SIGSTOP)  # alive, holding its lock, saying nothing
    try:
        asked = time.monotonic()
        os.kill(guardian, signal.SIGTERM)
        eventually(lambda: rule() == ("DISABLED", None), timeout=TERM_GRACE_SECONDS + 2)
        print(f"released {time.monotonic() - asked:.2f} s after the guardian's SIGTERM")
        eventually(lambda: processes_of(tmp_path) == [tray.proc.pid], timeout=RELEASE_BOUND)
        assert [entry["reason"] for entry in history(tmp_path)] == ["lost"]
    finally:
        tray.proc.send_signal(signal.SIGKILL)  # the logout's last word
        tray.proc.send_signal(signal.SIGCONT)


def test_a_logout_sigterm_to_the_tray_and_its_guardian_at_once_is_the_trays_own_stop(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    start_session(tray)
    (guardian,) = [pid for pid in processes_of(tmp_path) if pid != tray.proc.pid]
    os.kill(guardian, signal.SIGTERM)
    tray.proc.send_signal(signal.SIGTERM)
    assert tray.proc.wait(timeout=15) == 0
    assert rule() == ("DISABLED", None)
    eventually(lambda: not processes_of(tmp_path), timeout=RELEASE_BOUND)
    # the tray stopped its session itself; its goodbye left the guardian nothing to do
    assert [entry["reason"] for entry in history(tmp_path)] == ["signal"]
