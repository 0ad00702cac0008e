"""The session core as tables of (state, event) -> (state, actions), with a fake clock."""

from __future__ import annotations

import pytest

from tray_app.session import (
    IllegalTransitionError,
    Phase,
    Settings,
    State,
    next_tick,
    step,
)
from tray_app.session_events import (
    Action,
    Disable,
    Done,
    Enable,
    Event,
    ExtendRequested,
    Failed,
    Invoke,
    InvokeRequested,
    Notify,
    PendingStopFound,
    Poll,
    Polled,
    RecordSession,
    SavePendingStop,
    StartRequested,
    StopRequested,
    Tick,
    Toggle,
    WriteDeadline,
)

T0 = 1_800_000_000.0
TRAY = Settings(session_minutes=60, idle_minutes=15, poll_seconds=30, heartbeat_seconds=300)
CLI = Settings(session_minutes=60, idle_minutes=15, poll_seconds=30, heartbeat_seconds=None)


def run(state: State, *events: Event, settings: Settings = TRAY) -> tuple[State, list[Action]]:
    actions: list[Action] = []
    for event in events:
        state, new = step(state, event, settings)
        actions.extend(new)
    return state, actions


def on_at(now: float = T0, settings: Settings = TRAY) -> State:
    """A running session started at `now` (Toggle, then the Enable confirmed)."""
    state, actions = run(State(phase=Phase.OFF), Toggle(now), settings=settings)
    (enable,) = actions
    assert isinstance(enable, Enable)
    state, _ = run(state, Done(now, enable), settings=settings)
    return state


def notes(actions: list[Action]) -> list[str]:
    return [a.title for a in actions if isinstance(a, Notify)]


# ---- starting and stopping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "event", "server_deadline", "local_deadline"),
    [
        # the tray trusts the Lambda only idle_minutes ahead; heartbeats move it on
        (TRAY, Toggle(T0), int(T0) + 15 * 60, T0 + 60 * 60),
        (TRAY, StartRequested(T0, minutes=10), int(T0) + 10 * 60, T0 + 10 * 60),
        # the CLI has no heartbeat: the server keeps the whole session's deadline
        (CLI, StartRequested(T0), int(T0) + 60 * 60, T0 + 60 * 60),
        (CLI, StartRequested(T0, minutes=120), int(T0) + 120 * 60, T0 + 120 * 60),
    ],
)
def test_start_from_off(
    settings: Settings, event: Event, server_deadline: int, local_deadline: float
) -> None:
    state, actions = run(State(phase=Phase.OFF), event, settings=settings)
    assert actions == [Enable(server_deadline)]
    assert state.phase is Phase.STARTING
    assert (state.deadline, state.server_deadline) == (local_deadline, server_deadline)
    state, actions = run(state, Done(T0 + 1, Enable(server_deadline)), settings=settings)
    assert (state.phase, state.started_at, actions) == (Phase.ON, T0 + 1, [])
    assert state.remaining(T0 + 1) == local_deadline - T0 - 1


@pytest.mark.parametrize(
    ("state", "event", "phase", "actions"),
    [
        (State(phase=Phase.STARTING), Toggle(T0), Phase.STARTING, []),
        (State(phase=Phase.STOPPING), Toggle(T0), Phase.STOPPING, []),
        (State(phase=Phase.STARTING), StartRequested(T0), Phase.STARTING, []),
        (State(phase=Phase.STOPPING), StopRequested(T0), Phase.STOPPING, []),
        (State(phase=Phase.OFF), ExtendRequested(T0, 30), Phase.OFF, []),
        (State(phase=Phase.OFF), StopRequested(T0, "quit"), Phase.OFF, []),
        (State(phase=Phase.UNKNOWN), StopRequested(T0, "signal"), Phase.UNKNOWN, []),
        # an explicit stop always disables (and clears a stale deadline), even when off
        (State(phase=Phase.OFF), StopRequested(T0, "user"), Phase.STOPPING, [Disable("user")]),
        (State(phase=Phase.OFF), InvokeRequested(T0), Phase.OFF, [Invoke()]),
    ],
)
def test_requests_in_each_phase(
    state: State, event: Event, phase: Phase, actions: list[Action]
) -> None:
    new, got = run(state, event)
    assert (new.phase, got) == (phase, actions)


@pytest.mark.parametrize("reason", ["user", "quit", "signal", "logout", "sleep", "shutdown"])
def test_stop_reasons_end_a_running_session(reason: str) -> None:
    state, actions = run(on_at(), StopRequested(T0 + 600, reason))
    assert (state.phase, actions) == (Phase.STOPPING, [Disable(reason)])
    state, actions = run(state, Done(T0 + 601, Disable(reason)))
    assert state == State(phase=Phase.OFF, last_poll=state.last_poll)
    assert RecordSession(T0, T0 + 601, reason, 0) in actions
    assert notes(actions) == ([] if reason == "user" else ["Study session ended"])


def test_toggle_on_a_running_session_stops_it() -> None:
    state, actions = run(on_at(), Toggle(T0 + 5))
    assert (state.phase, actions) == (Phase.STOPPING, [Disable("user")])


def test_stop_while_starting_disables_after_the_enable() -> None:
    state, actions = run(State(phase=Phase.OFF), Toggle(T0), StopRequested(T0 + 1, "quit"))
    assert actions == [Enable(int(T0) + 900), Disable("quit")]
    state, actions = run(state, Done(T0 + 2, Enable(int(T0) + 900)))
    assert (state.phase, actions) == (Phase.STOPPING, [])
    state, _ = run(state, Done(T0 + 3, Disable("quit")))
    assert state.phase is Phase.OFF


# ---- the timer, idle and the heartbeat ------------------------------------------------------


def test_timer_ends_the_session_at_the_deadline() -> None:
    state = on_at()
    assert run(state, Tick(T0 + 3599, idle_seconds=0))[0].phase is Phase.ON
    state, actions = run(state, Tick(T0 + 3600, idle_seconds=0))
    assert (state.phase, actions) == (Phase.STOPPING, [Disable("timer")])


@pytest.mark.parametrize(
    ("idle", "stops"),
    [(0.0, False), (899.0, False), (900.0, True), (5000.0, True), (None, False)],
)
def test_idle_limit(idle: float | None, stops: bool) -> None:
    state, actions = run(on_at(), Tick(T0 + 1000, idle_seconds=idle))
    assert (Disable("idle") in actions) is stops
    assert state.phase is (Phase.STOPPING if stops else Phase.ON)


def test_heartbeat_keeps_the_server_deadline_within_the_idle_limit_while_active() -> None:
    state = on_at()
    for second in range(1, 50 * 60):
        now = T0 + second
        state, actions = run(state, Tick(now, idle_seconds=1.0))
        for action in actions:
            if isinstance(action, WriteDeadline):
                state, _ = run(state, Done(now, action))
            elif isinstance(action, Poll):
                state, _ = run(state, Polled(now, enabled=True))
        assert state.server_deadline is not None
        # a laptop dying now leaves the rule on until at most idle_minutes from now ...
        assert state.server_deadline <= now + 15 * 60
        # ... and the Lambda never switches off a session whose user is active
        assert state.server_deadline > now + 15 * 60 - 300 - 1
    assert state.phase is Phase.ON


def test_no_heartbeat_while_the_user_is_away_and_at_most_one_per_period() -> None:
    state = on_at()
    writes = []
    for second in range(1, 601):
        state, actions = run(state, Tick(T0 + second, idle_seconds=float(second)))
        writes += [a for a in actions if isinstance(a, WriteDeadline)]
    assert writes == []  # idle since the start: the server deadline stays T0 + 15 min
    state = on_at()
    for second in range(1, 1201):
        state, actions = run(state, Tick(T0 + second, idle_seconds=0.0))
        writes += [a for a in actions if isinstance(a, WriteDeadline)]
    assert writes == [WriteDeadline(int(T0) + s + 900) for s in (300, 600, 900, 1200)]


def test_heartbeat_never_goes_past_the_session_deadline() -> None:
    state, _ = run(on_at(), Tick(T0 + 3300, idle_seconds=0.0))
    assert state.last_heartbeat == T0 + 3300
    state, actions = run(on_at(), Tick(T0 + 3300, idle_seconds=0.0))
    assert [a for a in actions if isinstance(a, WriteDeadline)] == [WriteDeadline(int(T0) + 3600)]


@pytest.mark.parametrize(
    ("settings", "writes"),
    [
        (CLI, [WriteDeadline(int(T0) + 90 * 60)]),  # the server holds the session's deadline
        (TRAY, []),  # still ~15 min ahead: nothing to tell the server yet
    ],
)
def test_extend(settings: Settings, writes: list[Action]) -> None:
    state, actions = run(on_at(settings=settings), ExtendRequested(T0 + 60, 30), settings=settings)
    assert state.deadline == T0 + 90 * 60
    assert actions == writes


def test_extend_near_the_end_tells_the_server() -> None:
    state, actions = run(on_at(), Tick(T0 + 3300, idle_seconds=0.0))
    (write,) = [a for a in actions if isinstance(a, WriteDeadline)]
    state, _ = run(state, Done(T0 + 3300, write))
    assert state.server_deadline == int(T0) + 3600  # capped by the session's end
    state, actions = run(state, ExtendRequested(T0 + 3400, 30))
    assert actions == [WriteDeadline(int(T0) + 3400 + 900)]


# ---- polls, drift and errors ----------------------------------------------------------------


def test_polls_every_poll_seconds_and_nothing_else_when_off() -> None:
    state = State(phase=Phase.OFF)
    actions: list[Action] = []
    for second in range(3600):
        state, new = run(state, Tick(T0 + second, idle_seconds=None))
        actions += new
    assert actions == [Poll()] * 120


@pytest.mark.parametrize("phase", [Phase.UNKNOWN, Phase.OFF])
def test_a_rule_found_enabled_is_adopted_with_a_fresh_deadline_once(phase: Phase) -> None:
    state, actions = run(State(phase=phase), Polled(T0, enabled=True))
    assert state.phase is Phase.ON and state.deadline == T0 + 3600
    assert actions[0] == WriteDeadline(int(T0) + 900)
    assert notes(actions) == ["Pipeline was already on"]
    state, actions = run(state, Done(T0, actions[0]), Polled(T0 + 30, enabled=True))
    assert actions == []


def test_a_rule_found_disabled_while_on_ends_the_session_and_says_so() -> None:
    state, actions = run(on_at(), Polled(T0 + 900, enabled=False))
    assert state.phase is Phase.OFF
    assert RecordSession(T0, T0 + 900, "ended elsewhere", 0) in actions
    assert notes(actions) == ["Study session ended elsewhere"]


def test_startup_poll_of_a_disabled_rule_is_off_quietly() -> None:
    assert run(State(), Polled(T0, enabled=False)) == (State(phase=Phase.OFF, last_poll=T0), [])


def test_one_notification_per_distinct_error_and_recovery_clears_it() -> None:
    state = State(phase=Phase.OFF)
    seen: list[str] = []
    events: list[Event] = [
        Failed(T0, Poll(), "cannot reach AWS"),
        Failed(T0 + 30, Poll(), "cannot reach AWS"),
        Failed(T0 + 60, Poll(), "cannot reach AWS"),
        Failed(T0 + 90, Poll(), "access denied"),
        Polled(T0 + 120, enabled=False),
        Failed(T0 + 150, Poll(), "access denied"),
    ]
    for event in events:
        state, actions = run(state, event)
        seen += [a.message for a in actions if isinstance(a, Notify)]
    assert seen == ["cannot reach AWS", "access denied", "access denied"]
    assert state.error == "access denied"


def test_a_failed_start_goes_back_to_unknown_and_polls_at_once() -> None:
    state, _ = run(State(phase=Phase.OFF), Toggle(T0))
    state, actions = run(state, Failed(T0 + 1, Enable(int(T0) + 900), "access denied"))
    assert state.phase is Phase.UNKNOWN and state.deadline is None
    assert notes(actions) == ["Could not start the study session"]
    assert run(state, Tick(T0 + 2, None))[1] == [Poll()]


# ---- an unconfirmed stop --------------------------------------------------------------------


def test_a_failed_stop_is_persisted_retried_with_backoff_and_cleared_when_done() -> None:
    state, _ = run(on_at(), StopRequested(T0 + 10, "quit"))
    state, actions = run(state, Failed(T0 + 11, Disable("quit"), "cannot reach AWS"))
    assert actions[0] == SavePendingStop(True)
    assert notes(actions) == ["Could not switch the pipeline off"]
    assert state.pending_stop and state.retry_at == T0 + 13
    assert run(state, Tick(T0 + 12, None))[1] == []
    state, actions = run(state, Tick(T0 + 13, None))
    assert actions == [Disable("quit")]
    state, actions = run(state, Failed(T0 + 14, Disable("quit"), "cannot reach AWS"))
    assert actions == [] and state.retry_at == T0 + 18  # 2, 4, 8 ... capped at 60 s
    state, actions = run(state, Tick(T0 + 18, None), Done(T0 + 19, Disable("quit")))
    assert state.phase is Phase.OFF and not state.pending_stop
    assert SavePendingStop(False) in actions


@pytest.mark.parametrize("pending", [False, True])
def test_a_stop_whose_rule_is_gone_ends_the_session_without_retrying(pending: bool) -> None:
    state, _ = run(on_at(), StopRequested(T0 + 10, "user"))
    if pending:  # an earlier attempt failed on the network and saved a pending stop
        state, _ = run(state, Failed(T0 + 11, Disable("user"), "cannot reach AWS"))
    gone = "rule data-collector-schedule in eu-west-1 not found: run `pipeline-tray deploy`"
    state, actions = run(state, Failed(T0 + 20, Disable("user"), gone, gone=True))
    assert (state.phase, state.retry_at, state.pending_stop) == (Phase.OFF, None, False)
    assert state.error == gone
    assert (SavePendingStop(False) in actions) is pending
    assert next(a for a in actions if isinstance(a, RecordSession)).reason == "user"
    assert notes(actions) == ["Pipeline not found"]
    assert run(state, Tick(T0 + 100, None))[1] == [Poll()]  # no Disable is ever retried


def test_a_pending_stop_from_the_last_run_is_applied_first() -> None:
    state, actions = run(State(), PendingStopFound(T0))
    assert (state.phase, actions) == (Phase.STOPPING, [Disable("pending")])
    state, actions = run(state, Done(T0 + 1, Disable("pending")))
    assert state.phase is Phase.OFF
    assert actions == [
        SavePendingStop(False),
        Notify(
            "Pipeline switched off", "The stop that could not be confirmed last time is done now."
        ),
    ]


def test_invocations_are_counted_into_the_session_record() -> None:
    state, actions = run(on_at(), InvokeRequested(T0 + 5))
    assert actions == [Invoke()]
    state, actions = run(state, Done(T0 + 6, Invoke(), "collected: metrics-x.json"))
    assert actions == [Notify("Function invoked", "collected: metrics-x.json")]
    state, actions = run(state, StopRequested(T0 + 7), Done(T0 + 8, Disable("user")))
    assert RecordSession(T0, T0 + 8, "user", 1) in actions


# ---- moves that cannot happen ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State(phase=Phase.OFF), Done(T0, Enable(1))),
        (State(phase=Phase.ON), Done(T0, Disable("user"))),
        (State(phase=Phase.ON), Failed(T0, Disable("user"), "x")),
        (State(phase=Phase.ON), PendingStopFound(T0)),
    ],
)
def test_illegal_moves_raise(state: State, event: Event) -> None:
    with pytest.raises(IllegalTransitionError):
        run(state, event)


@pytest.mark.parametrize(
    ("state", "delay"),
    [
        (State(), 1.0),  # never polled: soon
        (State(phase=Phase.OFF, last_poll=T0 - 10), 20.0),  # the next poll, 30 s after the last
        (State(phase=Phase.OFF, last_poll=T0 - 40), 0.0),  # overdue
        (State(phase=Phase.ON, last_poll=T0, deadline=T0 + 600), 1.0),  # a session: every second
        (State(phase=Phase.STOPPING, retry_at=T0 + 4, last_poll=T0), 4.0),  # the retry
        (State(phase=Phase.STOPPING), 1.0),  # a stop in flight
    ],
)
def test_next_tick_sleeps_until_something_can_change(state: State, delay: float) -> None:
    assert next_tick(state, TRAY, T0) == delay


def test_an_idle_tray_ticks_only_to_poll() -> None:
    state, now, ticks = State(phase=Phase.OFF), T0, 0
    while now < T0 + 3600:
        state, _ = run(state, Tick(now, None))
        ticks += 1
        now += max(next_tick(state, TRAY, now), 0.001)
    assert ticks == 120  # one per poll, every 30 s (against 3,600 at one per second)


@pytest.mark.parametrize("idle_minutes", [1, 2, 15])
def test_the_server_deadline_never_lapses_while_the_user_is_active(idle_minutes: int) -> None:
    settings = Settings(session_minutes=60, idle_minutes=idle_minutes, heartbeat_seconds=300)
    state, actions = run(State(phase=Phase.OFF), Toggle(T0), settings=settings)
    (enable,) = actions
    assert isinstance(enable, Enable)
    state, _ = run(state, Done(T0, enable), settings=settings)
    for second in range(1, 30 * 60):
        now = T0 + second
        state, actions = run(state, Tick(now, idle_seconds=0.5), settings=settings)
        for action in actions:
            if isinstance(action, WriteDeadline):
                state, _ = run(state, Done(now, action), settings=settings)
        assert state.server_deadline is not None and state.server_deadline > now
