"""Warnings before this device's hold ends by itself, through the session core with a fake clock."""

from __future__ import annotations

from dataclasses import replace

from tray_app.core.events import (
    Action,
    Done,
    ExtendRequested,
    Join,
    Notify,
    StartRequested,
    Tick,
)
from tray_app.core.machine import Phase, Settings, State, step
from tray_app.core.ticks import EXTEND

T0 = 1_800_000_000.0
TRAY = Settings(session_minutes=60, idle_minutes=15, poll_seconds=30, holder="desk")


def started(minutes: int, settings: Settings = TRAY) -> State:
    state, (join,) = step(State(phase=Phase.OFF), StartRequested(T0, minutes), settings)
    assert isinstance(join, Join)
    state, _ = step(state, Done(T0, join), settings)
    return state


def ticks(
    state: State,
    seconds: range,
    idle_since: float | None = 0.0,
    settings: Settings = TRAY,
) -> tuple[State, list[tuple[int, Notify]]]:
    """Tick each second, the user idle since second `idle_since` (None: unknown); the
    notifications with the second they came at."""
    seen: list[tuple[int, Notify]] = []
    for second in seconds:
        idle = None if idle_since is None else float(second - idle_since)
        state, actions = step(state, Tick(T0 + second, idle), settings)
        seen += [(second, a) for a in actions if isinstance(a, Notify)]
    return state, seen


def kinds(seen: list[tuple[int, Notify]]) -> list[tuple[int, str]]:
    return [(second, note.kind) for second, note in seen]


def test_a_six_minute_session_warns_once_five_minutes_before_its_end_with_extend() -> None:
    _, seen = ticks(started(6), range(1, 359), idle_since=None)
    assert kinds(seen) == [(60, "timer-warning")]
    ((_, warning),) = seen
    assert warning.actions == (EXTEND,) and warning.title == "5 min left in your study session"


def test_after_an_extension_it_warns_again_before_the_new_end() -> None:
    state, seen = ticks(started(6), range(1, 120), idle_since=None)
    assert kinds(seen) == [(60, "timer-warning")]
    state, _ = step(state, ExtendRequested(T0 + 120, 30), TRAY)
    state, seen = ticks(state, range(121, 36 * 60), idle_since=None)
    # the new end is 36 min after the start: one more warning, 5 minutes before it
    assert kinds(seen) == [(31 * 60, "timer-warning")]


def test_idle_warns_once_two_minutes_before_the_limit_and_again_after_activity() -> None:
    state = started(60)
    state, seen = ticks(state, range(1, 900), idle_since=0)  # idle since the start
    assert kinds(seen) == [(780, "idle-warning")]  # 13 of 15 minutes
    state, seen = ticks(state, range(900, 960), idle_since=900)  # back at the keyboard
    assert seen == []
    state, seen = ticks(state, range(960, 1800), idle_since=960)  # idle again
    assert kinds(seen) == [(960 + 780, "idle-warning")]


def test_a_one_minute_idle_limit_warns_halfway() -> None:
    short = replace(TRAY, idle_minutes=1)
    _, seen = ticks(started(60, short), range(1, 59), idle_since=0, settings=short)
    assert kinds(seen) == [(30, "idle-warning")]


def test_no_warning_while_following_someone_elses_session() -> None:
    following = State(phase=Phase.ON, last_poll=T0)
    _, seen = ticks(following, range(1, 100), idle_since=-5000)
    actions: list[Action] = [note for _, note in seen]
    assert actions == []
