"""TrayFacts with a real, started Runner and a stand-in for the pipeline's one read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.fake_aws import FakeAws
from tests.unit.recording_notifier import Notes
from tray_app.app import config
from tray_app.app.facts import TrayFacts, saved_length
from tray_app.app.runner import Runner
from tray_app.app.state_files import StateFiles
from tray_app.core.machine import Phase, Settings

T0 = 1_800_000_000.0
Start = Callable[[list[float], bool, "LatestRecord"], tuple[TrayFacts, Notes]]


class LatestRecord:
    """Answers recent_metrics() like the gateway: one record of a given age, or `many`
    (newest first) when given; remembers how many were asked for."""

    def __init__(self, stamp: float | None, many: list[dict[str, Any]] | None = None) -> None:
        self.stamp = stamp
        self.many = many
        self.asked: list[int] = []

    def recent_metrics(self, count: int) -> list[dict[str, Any]]:
        self.asked.append(count)
        if self.many is not None:
            return self.many[:count]
        return [] if self.stamp is None else [{"timestamp": self.stamp, "cpu_percent": 1.0}][:count]


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[..., tuple[TrayFacts, Notes]]]:
    """Facts over a real, started runner (AWS answering like a working one), at a clock the
    test moves; with `on`, a session of ours has started at T0."""
    runners: list[Runner] = []

    def start(now: list[float], on: bool, record: LatestRecord) -> tuple[TrayFacts, Notes]:
        notes = Notes()
        runner = Runner(
            FakeAws(clock=lambda: now[0]),
            settings=Settings(),
            notifier=notes,
            idle=None,
            files=StateFiles(tmp_path),
            clock=lambda: now[0],
            tick_seconds=0.05,
        )
        runners.append(runner)
        runner.start()
        assert runner.wait_for(lambda s: s.phase is Phase.OFF, 5)
        if on:
            at = now[0]
            now[0] = T0
            runner.toggle()
            assert runner.wait_for(lambda s: s.phase is Phase.ON, 5)
            assert runner.state.ours.started_at == T0
            now[0] = at
        facts = TrayFacts(
            config.load({}, env={}),
            region="eu-west-1",
            runner=runner,
            pipeline=record,  # type: ignore[arg-type]
            files=StateFiles(tmp_path),
            idle_available=True,
            on_change=lambda: None,
            notifier=notes,
        )
        return facts, notes

    yield start
    for runner in runners:
        runner.shutdown("quit", timeout=5)


def test_stale_metrics_are_told_once_and_only_well_into_a_session(started: Start) -> None:
    now = [T0 + 300]
    facts, notes = started(now, True, LatestRecord(T0 - 86400))
    facts.refresh_latest()
    assert notes.titles == []  # five minutes in: yesterday's record is expected
    now[0] = T0 + 700
    facts.refresh_latest()
    facts.refresh_latest()
    assert notes.titles == ["Metrics are stale"]
    assert facts.facts().latest_line.endswith(" ago (stale)")


def test_fresh_metrics_are_not_stale(started: Start) -> None:
    now = [T0 + 1200]
    facts, notes = started(now, True, LatestRecord(T0 + 1100))
    facts.refresh_latest()
    assert notes.titles == [] and "stale" not in facts.facts().latest_line


def test_the_chosen_length_is_used_and_remembered(started: Start, tmp_path: Path) -> None:
    facts, _ = started([T0], False, LatestRecord(None))
    facts.choose_length(240)
    assert facts.facts().session_minutes == 240
    assert saved_length(StateFiles(tmp_path)) == 240


def test_the_metric_line_has_a_sparkline_of_the_last_twelve_from_one_read(
    started: Start,
) -> None:
    now = [T0 + 1200]
    newest_first = [
        {"timestamp": T0 + 1200 - 300 * n, "cpu_percent": float(14 - n)} for n in range(14)
    ]
    record = LatestRecord(None, newest_first)
    facts, _ = started(now, True, record)
    record.asked.clear()
    facts.refresh_latest()
    assert record.asked == [12]  # one Query with Limit=12
    line = facts.facts().latest_line
    assert line.startswith("CPU 14.0 % · 0 s ago")
    assert line.endswith(" · CPU ▁▂▂▃▄▄▅▅▆▇▇█")  # 3..14, oldest first
