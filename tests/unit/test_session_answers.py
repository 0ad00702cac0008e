"""Answers matched to the requests they answer: the orderings of issue 20, as tables."""

from __future__ import annotations

from tests.unit.test_session import ME, T0, TRAY, held, on_at, only, run
from tray_app.core.events import (
    Adopt,
    Done,
    EndAll,
    Failed,
    Join,
    Leave,
    PendingStopFound,
    Polled,
    StartRequested,
    StopRequested,
    Toggle,
)
from tray_app.core.machine import Phase, State, settled, step


def test_a_tidy_up_answer_does_not_end_the_start_that_overtook_it() -> None:
    """The console stops our session; we tidy our hold; the user starts again at once."""
    state, actions = run(on_at(), Polled(T0 + 30, enabled=False))
    (tidy,) = only(actions, Leave)
    assert isinstance(tidy, Leave) and state.phase is Phase.OFF and tidy.request > 0
    state, (join,) = step(state, Toggle(T0 + 31), TRAY)
    assert isinstance(join, Join) and state.requests.awaiting == join.request
    # the slow tidy-up's answer arrives first: it only tidies
    state, actions = step(state, Done(T0 + 34, tidy, shared=held(), rule_on=False), TRAY)
    assert (state.phase, actions) == (Phase.STARTING, [])
    state, _ = step(state, Done(T0 + 35, join, shared=held(join.hold), rule_on=True), TRAY)
    assert state.phase is Phase.ON and state.holding


def test_a_stale_leave_does_not_end_the_stop_in_flight() -> None:
    state, actions = run(on_at(), Polled(T0 + 30, enabled=False))
    (tidy,) = only(actions, Leave)
    state, (join,) = step(state, Toggle(T0 + 31), TRAY)
    state, (end_all,) = step(state, Toggle(T0 + 32), TRAY)  # Stop while starting
    assert isinstance(tidy, Leave) and isinstance(join, Join)
    assert isinstance(end_all, EndAll) and state.phase is Phase.STOPPING
    state, _ = step(state, Done(T0 + 33, tidy, shared=held(), rule_on=False), TRAY)
    state, _ = step(state, Done(T0 + 34, join, shared=held(join.hold), rule_on=True), TRAY)
    assert state.phase is Phase.STOPPING  # neither answer was the one awaited
    state, _ = step(state, Done(T0 + 35, end_all, shared=held(), rule_on=False), TRAY)
    assert state.phase is Phase.OFF and settled(state)


def test_impatient_clicks_end_as_the_last_click_says() -> None:
    state = State(phase=Phase.OFF)
    asked = []
    for second in range(3):  # start, stop, start: each before any answer
        state, actions = step(state, Toggle(T0 + second), TRAY)
        asked += actions
    assert [type(a) for a in asked] == [Join, EndAll, Join]
    for action in asked:  # the one worker answers in order
        assert isinstance(action, Join | EndAll)
        shared = held(action.hold) if isinstance(action, Join) else held()
        rule_on = isinstance(action, Join)
        state, _ = step(state, Done(T0 + 5, action, shared=shared, rule_on=rule_on), TRAY)
    assert state.phase is Phase.ON and state.ours.deadline == T0 + 2 + 3600


def test_a_pending_stop_found_during_a_session_waits_for_its_end() -> None:
    state, actions = step(on_at(), PendingStopFound(T0 + 1), TRAY)
    assert (state.phase, actions, state.stop.pending) == (Phase.ON, [], True)


def test_a_join_that_timed_out_may_have_held_so_quit_still_leaves() -> None:
    state, (join,) = step(State(phase=Phase.OFF), StartRequested(T0), TRAY)
    assert isinstance(join, Join)
    state, _ = step(state, Failed(T0 + 10, join, "timed out"), TRAY)
    assert state.phase is Phase.UNKNOWN and not settled(state)
    state, actions = step(state, StopRequested(T0 + 11, "quit"), TRAY)
    assert actions == [Leave(ME, "quit")] and state.phase is Phase.STOPPING


def test_a_quit_while_an_adoption_is_on_its_way_still_leaves() -> None:
    """The Adopt may land after the quit: our hold would keep the rule on with nobody left."""
    state, _ = run(State(), Polled(T0, True, held()))
    state, (adopt,) = step(state, Polled(T0 + 30, True, held(), request=1), TRAY)
    assert isinstance(adopt, Adopt) and not settled(state)
    state, actions = step(state, StopRequested(T0 + 31, "quit"), TRAY)
    assert actions == [Leave(ME, "quit")] and state.phase is Phase.STOPPING
    state, _ = step(state, Done(T0 + 32, adopt, shared=held(adopt.hold)), TRAY)
    assert state.phase is Phase.STOPPING  # the adoption's answer does not end the leave
