"""TrayFacts with a real (unstarted) Runner and a stand-in for the pipeline's one read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.unit.recording_notifier import Notes
from tray_app.app import config
from tray_app.app.facts import TrayFacts, saved_length
from tray_app.app.runner import Runner
from tray_app.app.state_files import StateFiles
from tray_app.core.events import AwsAction, Event, Polled
from tray_app.core.machine import Phase, Settings, State

T0 = 1_800_000_000.0


class LatestRecord:
    """Answers latest_metric() like the gateway, with a record of a given age."""

    def __init__(self, stamp: float | None) -> None:
        self.stamp = stamp

    def latest_metric(self) -> dict[str, Any] | None:
        return None if self.stamp is None else {"timestamp": self.stamp, "cpu_percent": 1.0}


def facts_at(
    now: list[float], state: State, record: LatestRecord, tmp_path: Path
) -> tuple[TrayFacts, Notes]:
    def no_aws(action: AwsAction) -> Event:
        return Polled(now[0], True)

    notes = Notes()
    runner = Runner(
        no_aws,
        settings=Settings(),
        notifier=notes,
        idle=None,
        files=StateFiles(tmp_path),
        clock=lambda: now[0],
    )
    runner._state = state
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


def test_stale_metrics_are_told_once_and_only_well_into_a_session(tmp_path: Path) -> None:
    now = [T0 + 300]
    state = State(phase=Phase.ON, started_at=T0, deadline=T0 + 3600)
    facts, notes = facts_at(now, state, LatestRecord(T0 - 86400), tmp_path)
    facts.refresh_latest()
    assert notes.titles == []  # five minutes in: yesterday's record is expected
    now[0] = T0 + 700
    facts.refresh_latest()
    facts.refresh_latest()
    assert notes.titles == ["Metrics are stale"]
    assert facts.facts().latest_line.endswith(" ago (stale)")


def test_fresh_metrics_are_not_stale(tmp_path: Path) -> None:
    now = [T0 + 1200]
    state = State(phase=Phase.ON, started_at=T0, deadline=T0 + 3600)
    facts, notes = facts_at(now, state, LatestRecord(T0 + 1100), tmp_path)
    facts.refresh_latest()
    assert notes.titles == [] and "stale" not in facts.facts().latest_line


def test_the_chosen_length_is_used_and_remembered(tmp_path: Path) -> None:
    facts, _ = facts_at([T0], State(phase=Phase.OFF), LatestRecord(None), tmp_path)
    facts.choose_length(240)
    assert facts.facts().session_minutes == 240
    assert saved_length(StateFiles(tmp_path)) == 240
