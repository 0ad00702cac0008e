"""A real `pipeline-tray tray --terminal` process against the emulator: keys in, signals, exits."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from tests.tray_process import REGION, RULE, Tray, eventually, rule

pytestmark = pytest.mark.functional


@pytest.fixture
def tray_factory(endpoint: str, tmp_path: Path) -> Iterator[Callable[..., Tray]]:
    started: list[Tray] = []

    def make(**env: str) -> Tray:
        tray = Tray(endpoint, tmp_path, env)
        started.append(tray)
        return tray

    yield make
    for tray in started:
        tray.stop()


def test_sigterm_with_a_session_on_disables_the_rule_before_exit(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0")
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    _, deadline = rule()
    assert deadline is not None and abs(deadline - (time.time() + 15 * 60)) < 30  # idle cap
    tray.wait_line("Study session on")
    tray.proc.send_signal(signal.SIGTERM)
    assert tray.proc.wait(timeout=15) == 0
    assert rule() == ("DISABLED", None)
    assert tray.wait_line("pipeline off — bye")
    history = (tmp_path / "state" / "pipeline-tray" / "history.jsonl").read_text().splitlines()
    (entry,) = [json.loads(line) for line in history]
    assert entry["reason"] == "signal"


def test_quit_key_stops_the_session_first(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0")
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
    assert rule() == ("DISABLED", None)


def test_a_second_tray_refuses_and_says_where_the_first_runs(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    first = tray_factory()
    first.wait_line("Off — costs $0")
    second = tray_factory()
    assert second.proc.wait(timeout=15) == 1
    line = second.wait_line("already running")
    assert f"pid {first.proc.pid}" in line


def test_a_pending_stop_from_the_last_run_is_applied_at_start(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    marker = tmp_path / "state" / "pipeline-tray" / "pending-stop"
    marker.parent.mkdir(parents=True)
    marker.write_text("x")
    tray = tray_factory()
    tray.wait_line("[Pipeline switched off]")
    assert rule()[0] == "DISABLED"
    assert not marker.exists()


def test_a_rule_enabled_outside_is_adopted_with_a_deadline(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0")
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    tray.wait_line("[Pipeline was already on]")
    eventually(lambda: rule()[1] is not None)
    tray.proc.send_signal(signal.SIGINT)
    assert tray.proc.wait(timeout=15) == 0
    assert rule()[0] == "DISABLED"
