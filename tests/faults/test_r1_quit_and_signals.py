"""R1: quit, SIGTERM, SIGINT or SIGHUP during a session: the rule is off before the process ends."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.fault_proxy import Fault, FaultProxy
from tests.tray_process import Tray, rule, start_session

pytestmark = pytest.mark.functional


@pytest.mark.parametrize(
    ("how", "reason"),
    [("SIGTERM", "signal"), ("SIGINT", "signal"), ("SIGHUP", "signal"), ("q", "quit")],
)
def test_the_rule_is_disabled_before_the_process_exits(
    stack: dict[str, str],
    tray_factory: Callable[..., Tray],
    tmp_path: Path,
    how: str,
    reason: str,
) -> None:
    tray = tray_factory()
    start_session(tray)
    _, deadline = rule()
    # the idle cap, plus the grace the function gives other clocks
    assert deadline is not None and abs(deadline - (time.time() + 15 * 60 + 180)) < 30
    asked = tray.mark()
    if how == "q":
        tray.key("q")
    else:
        tray.proc.send_signal(getattr(signal, how))
    assert tray.proc.wait(timeout=15) == 0
    # read after the exit: nothing the process did later could have switched it off
    assert rule() == ("DISABLED", None)
    tray.wait_line("pipeline off — bye", after=asked)
    history = (tmp_path / "state" / "pipeline-tray" / "history.jsonl").read_text().splitlines()
    (entry,) = [json.loads(line) for line in history]
    assert entry["reason"] == reason


def test_a_quit_while_a_slow_start_is_in_flight_still_ends_with_the_rule_off(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    proxy.inject(Fault("delay", "EnableRule", seconds=3))  # a slow network, not a broken one
    tray = tray_factory()
    tray.wait_line("Off — costs $0", after=0)
    pressed = tray.key("s")
    tray.wait_line("Starting…", after=pressed)
    tray.key("q")  # the view answers at once; the stop queues behind the start
    assert tray.proc.wait(timeout=20) == 0
    assert proxy.count("EnableRule") == 1 and proxy.count("DisableRule") == 1
    assert rule() == ("DISABLED", None)
