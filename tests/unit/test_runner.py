"""The runner with plain fakes for AWS (a function), the notifier and the clock."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.unit.fake_aws import FakeAws
from tests.unit.recording_notifier import Notes
from tray_app.app.runner import Runner
from tray_app.app.state_files import StateFiles
from tray_app.core.events import (
    Disable,
    Leave,
)
from tray_app.core.machine import Phase, Settings

T0 = 1_800_000_000.0


def runner(aws: FakeAws, files: StateFiles, notes: Notes) -> Runner:
    return Runner(
        aws, settings=Settings(), notifier=notes, idle=None, files=files, tick_seconds=0.05
    )


def test_a_session_starts_and_quitting_stops_it(tmp_path: Path) -> None:
    aws, notes = FakeAws(), Notes()
    r = runner(aws, StateFiles(tmp_path), notes)
    r.start()
    assert r.wait_for(lambda s: s.phase is Phase.OFF, 5)
    r.toggle()
    assert r.wait_for(lambda s: s.phase is Phase.ON, 5)
    assert aws.enabled
    assert r.shutdown("quit", timeout=5) is True
    assert not aws.enabled
    assert [e["reason"] for e in StateFiles(tmp_path).history()] == ["quit"]


def test_the_timer_warning_reaches_the_notifier_with_its_kind_and_extend_button(
    tmp_path: Path,
) -> None:
    aws, notes = FakeAws(), Notes()
    now = [T0]
    r = Runner(
        aws,
        settings=Settings(session_minutes=6),  # 6 minutes: the 5-minute warning is due in 1
        notifier=notes,
        idle=None,
        files=StateFiles(tmp_path),
        clock=lambda: now[0],
        tick_seconds=0.05,
    )
    r.start()
    assert r.wait_for(lambda s: s.phase is Phase.OFF, 5)
    r.toggle()
    assert r.wait_for(lambda s: s.phase is Phase.ON, 5)
    assert not r.state.ours.warned_timer and notes.kinds == []
    now[0] = T0 + 61  # a minute later: 4:59 left
    assert r.wait_for(lambda s: s.ours.warned_timer, 5)
    r.extend(30)  # what the button's action does
    assert r.wait_for(lambda s: not s.ours.warned_timer, 5)
    assert r.shutdown("quit", timeout=5) is True
    assert ("timer-warning", (("extend", "Extend +30 min"),)) in notes.kinds


def test_an_unconfirmed_stop_at_shutdown_is_left_pending(tmp_path: Path) -> None:
    aws, notes = FakeAws(failing=(Leave, Disable)), Notes()
    r = runner(aws, StateFiles(tmp_path), notes)
    r.start()
    r.toggle()
    assert r.wait_for(lambda s: s.phase is Phase.ON, 5)
    assert r.shutdown("signal", timeout=1) is False
    assert StateFiles(tmp_path).pending_stop()
    assert ("Could not switch the pipeline off", "cannot reach AWS — retrying.") in notes.seen
    assert aws.calls.count("Leave") == 1  # then the rule alone, as no one else held it
    assert aws.calls.count("Disable") >= 1


def test_an_unwritable_state_dir_still_stops_the_rule_and_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state dir should be")
    aws, notes = FakeAws(), Notes()
    r = runner(aws, StateFiles(blocker / "pipeline-tray"), notes)
    r.start()
    r.toggle()
    assert r.wait_for(lambda s: s.phase is Phase.ON, 5)
    assert r.shutdown("quit", timeout=5) is True
    assert not aws.enabled
    assert [t for t, _ in notes.seen if t == "pipeline-tray could not save"] == [
        "pipeline-tray could not save"
    ]


def test_a_stop_that_hangs_past_the_budget_is_left_pending(tmp_path: Path) -> None:
    release = threading.Event()
    aws, notes = FakeAws(hanging=release), Notes()
    r = runner(aws, StateFiles(tmp_path), notes)
    r.start()
    r.toggle()
    assert r.wait_for(lambda s: s.phase is Phase.ON, 5)
    try:
        assert r.shutdown("signal", timeout=0.5) is False
        assert StateFiles(tmp_path).pending_stop()  # nothing failed yet: the runner saved it
    finally:
        release.set()


class LostIdle:
    """An idle reader whose display went away: every reading fails; counts the readings."""

    def __init__(self) -> None:
        self.readings = 0

    def idle_seconds(self) -> float | None:
        self.readings += 1
        raise OSError("the Wayland compositor went away")


def test_a_lost_idle_reading_is_said_once_and_the_session_goes_on(tmp_path: Path) -> None:
    aws, notes, lost = FakeAws(), Notes(), LostIdle()
    r = Runner(
        aws,
        settings=Settings(),
        notifier=notes,
        idle=lost,
        files=StateFiles(tmp_path),
        tick_seconds=0.02,
    )
    r.start()
    assert r.wait_for(lambda s: s.phase is Phase.OFF, 5)
    r.toggle()
    assert r.wait_for(lambda s: s.phase is Phase.ON, 5)
    assert r.wait_for(lambda _s: lost.readings >= 20, 5)  # each tick wakes wait_for
    assert r.state.phase is Phase.ON
    said = [m for t, m in notes.seen if t == "Idle auto-off stopped working"]
    assert said == ["the Wayland compositor went away. The session's timer still applies."]
    assert r.shutdown("quit", timeout=5) is True


class BrokenIdle:
    """An idle monitor with a bug: it raises what nothing expects, once a session runs."""

    def idle_seconds(self) -> float | None:
        raise RuntimeError("a bug in an idle backend")


def test_a_loop_that_dies_releases_the_hold_says_so_once_and_asks_to_exit(
    tmp_path: Path,
) -> None:
    aws, notes = FakeAws(), Notes()
    failures: list[str] = []
    r = Runner(
        aws,
        settings=Settings(),
        notifier=notes,
        idle=BrokenIdle(),
        files=StateFiles(tmp_path),
        tick_seconds=0.05,
        on_failure=failures.append,
    )
    r.start()
    assert r.wait_for(lambda s: s.phase is Phase.OFF, 5)
    r.toggle()  # ON: the first tick reads idle time and the loop dies
    assert r.wait_for(lambda s: r.failed is not None, 5)
    deadline = threading.Event()
    for _ in range(100):
        if failures:
            break
        deadline.wait(0.05)
    assert failures == ["RuntimeError: a bug in an idle backend"]
    assert not aws.enabled and aws.calls[-1] == "Leave"  # the rule is off: ours was the only hold
    assert not StateFiles(tmp_path).pending_stop()
    assert [t for t, _ in notes.seen].count("pipeline-tray stopped working") == 1
    assert r.shutdown("quit", timeout=5) is True  # no 5 s wait for a loop that is gone
