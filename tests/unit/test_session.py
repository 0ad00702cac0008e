"""The session core as tables of (state, event) -> (state, actions), with a fake clock.

"Another device" is a second holder; its holds get the clock-skew grace, ours do not.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tray_app.core.events import (
    Action,
    Adopt,
    Beat,
    Disable,
    Done,
    EndAll,
    Event,
    Expire,
    ExtendRequested,
    Failed,
    Invoke,
    InvokeRequested,
    Join,
    Leave,
    Notify,
    PendingStopFound,
    Poll,
    Polled,
    RecordSession,
    SavePendingStop,
    ShutdownTimedOut,
    StartRequested,
    StopRequested,
    Tick,
    Toggle,
    Unexpected,
)
from tray_app.core.holds import Hold, Shared
from tray_app.core.machine import (
    ANSWERED,
    TRANSITIONS,
    IllegalTransitionError,
    Phase,
    Settings,
    State,
    next_tick,
    settled,
    step,
)
from tray_app.core.state import Ours, Stop

T0 = 1_800_000_000.0
ME = "desk"
TRAY = Settings(
    session_minutes=60,
    idle_minutes=15,
    poll_seconds=30,
    heartbeat_seconds=300,
    holder=ME,
    strict=True,
)
CLI = Settings(
    session_minutes=60,
    idle_minutes=15,
    poll_seconds=30,
    heartbeat_seconds=None,
    holder="desk/cli",
    strict=True,
)


def run(state: State, *events: Event, settings: Settings = TRAY) -> tuple[State, list[Action]]:
    actions: list[Action] = []
    for event in events:
        state, new = step(state, answering(state, event), settings)
        actions.extend(new)
    return state, actions


def answering(state: State, event: Event) -> Event:
    """A table's answer written without a request id answers the request the state awaits,
    else the latest one asked (tests of stale answers give their ids)."""
    if isinstance(event, Polled) and not event.request:
        return replace(event, request=state.requests.next - 1)
    if not isinstance(event, Done | Failed) or event.action.request:
        return event
    request = (
        state.requests.awaiting if state.requests.awaiting is not None else state.requests.next - 1
    )
    return replace(event, action=replace(event.action, request=request))


def held(*holds: Hold, version: int = 1) -> Shared:
    return Shared(tuple(holds), version)


def laptop(ends: float, lapses: float | None = None, heartbeat: bool = True) -> Hold:
    """A hold written by another device."""
    return Hold("lap", "laptop", int(ends), heartbeat, int(ends if lapses is None else lapses))


def on_at(now: float = T0, settings: Settings = TRAY, others: tuple[Hold, ...] = ()) -> State:
    """A session of ours started at `now` (Toggle, then the Join confirmed)."""
    state, actions = run(State(phase=Phase.OFF), Toggle(now), settings=settings)
    (join,) = actions
    assert isinstance(join, Join)
    shared = held(*others, join.hold)
    state, _ = run(state, Done(now, join, shared=shared, rule_on=True), settings=settings)
    return state


def notes(actions: list[Action]) -> list[str]:
    return [a.title for a in actions if isinstance(a, Notify)]


def only(actions: list[Action], kind: type) -> list[Action]:
    return [a for a in actions if isinstance(a, kind)]


# ---- joining ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "event", "hold"),
    [
        # a tray's hold heartbeats and lapses at most idle_minutes ahead
        (TRAY, Toggle(T0), Hold(ME, "this device", int(T0) + 3600, True, int(T0) + 900)),
        (
            TRAY,
            StartRequested(T0, minutes=10),
            Hold(ME, "this device", int(T0) + 600, True, int(T0) + 600),
        ),
        # the CLI's hold lasts its N minutes with no heartbeat
        (
            CLI,
            StartRequested(T0, minutes=120),
            Hold("desk/cli", "this device", int(T0) + 7200, False, int(T0) + 7200),
        ),
    ],
)
def test_join(settings: Settings, event: Event, hold: Hold) -> None:
    state, actions = run(State(phase=Phase.OFF), event, settings=settings)
    assert (state.phase, actions) == (Phase.STARTING, [Join(hold)])
    state, actions = run(
        state, Done(T0 + 1, Join(hold), shared=held(hold), rule_on=True), settings=settings
    )
    assert (state.phase, state.ours.started_at, state.holding, actions) == (
        Phase.ON,
        T0 + 1,
        True,
        [],
    )
    assert state.remaining(T0 + 1) == hold.ends - T0 - 1


def test_joining_a_session_held_elsewhere_adds_our_hold() -> None:
    following = State(phase=Phase.ON, shared=held(laptop(T0 + 3600)))
    state, actions = run(following, StartRequested(T0))
    (join,) = actions
    assert state.phase is Phase.STARTING and isinstance(join, Join)
    state, _ = run(state, Done(T0, join, shared=held(laptop(T0 + 3600)), rule_on=True))
    assert state.phase is Phase.ON and state.holding


@pytest.mark.parametrize(
    ("state", "event", "phase", "actions"),
    [
        # a click means the opposite of where the session is heading: the last click wins
        (State(phase=Phase.STARTING), Toggle(T0), Phase.STOPPING, [EndAll("user")]),
        (
            State(phase=Phase.STOPPING, stop=Stop(retry=EndAll("user"))),
            Toggle(T0),
            Phase.STARTING,
            [Join(Hold(ME, "this device", int(T0) + 3600, True, int(T0) + 900))],
        ),
        (State(phase=Phase.STARTING), StartRequested(T0), Phase.STARTING, []),
        (
            State(phase=Phase.STOPPING, stop=Stop(retry=EndAll("user"))),
            StopRequested(T0),
            Phase.STOPPING,
            [],
        ),
        # an explicit Stop while leaving (quit, idle) makes it a stop for everyone
        (
            State(phase=Phase.STOPPING, stop=Stop(retry=Leave(ME, "idle"))),
            StopRequested(T0),
            Phase.STOPPING,
            [EndAll("user")],
        ),
        (
            State(phase=Phase.STOPPING, stop=Stop(retry=Leave(ME, "idle"))),
            StopRequested(T0, "quit"),
            Phase.STOPPING,
            [],
        ),
        (State(phase=Phase.OFF), ExtendRequested(T0, 30), Phase.OFF, []),
        (State(phase=Phase.OFF), StopRequested(T0, "quit"), Phase.OFF, []),
        (State(phase=Phase.UNKNOWN), StopRequested(T0, "signal"), Phase.UNKNOWN, []),
        # quitting while only following someone else's session leaves it alone
        (State(phase=Phase.ON), StopRequested(T0, "quit"), Phase.ON, []),
        (State(phase=Phase.ON), StopRequested(T0, "sleep"), Phase.ON, []),
        # an explicit stop always ends the session for everyone, even when it looks off
        (State(phase=Phase.OFF), StopRequested(T0, "user"), Phase.STOPPING, [EndAll("user")]),
        (State(phase=Phase.ON), Toggle(T0), Phase.STOPPING, [EndAll("user")]),
        (State(phase=Phase.OFF), InvokeRequested(T0), Phase.OFF, [Invoke()]),
    ],
)
def test_requests_in_each_phase(
    state: State, event: Event, phase: Phase, actions: list[Action]
) -> None:
    new, got = run(state, event)
    assert (new.phase, got) == (phase, actions)


# ---- leaving and stopping --------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["quit", "signal", "logout", "sleep", "shutdown"])
def test_automatic_reasons_release_only_our_own_hold(reason: str) -> None:
    state, actions = run(on_at(), StopRequested(T0 + 600, reason))
    assert (state.phase, actions) == (Phase.STOPPING, [Leave(ME, reason)])
    state, actions = run(state, Done(T0 + 601, Leave(ME, reason), shared=held(), rule_on=False))
    assert (state.phase, state.holding) == (Phase.OFF, False)
    assert RecordSession(T0, T0 + 601, reason, 0) in actions
    assert notes(actions) == ["Study session ended"]


def test_leaving_while_another_device_holds_keeps_the_rule_on_and_follows_it() -> None:
    other = laptop(T0 + 7200, T0 + 1500)
    state = on_at(others=(other,))
    state, actions = run(state, Tick(T0 + 900, idle_seconds=900.0))
    assert actions == [Leave(ME, "idle")]
    state, actions = run(state, Done(T0 + 901, Leave(ME, "idle"), shared=held(other), rule_on=True))
    assert (state.phase, state.holding) == (Phase.ON, False)
    assert RecordSession(T0, T0 + 901, "idle", 0) in actions
    assert [a for a in actions if isinstance(a, Notify)] == [
        Notify("You left the study session", "Left (idle); it stays on for laptop.")
    ]
    assert settled(state)  # nothing of ours keeps the rule on: quitting now is instant


def test_an_explicit_stop_ends_every_hold() -> None:
    state = on_at(others=(laptop(T0 + 7200),))
    state, actions = run(state, Toggle(T0 + 60))
    assert actions == [EndAll("user")]
    state, actions = run(state, Done(T0 + 61, EndAll("user"), shared=held(), rule_on=False))
    assert state.phase is Phase.OFF and notes(actions) == []


def test_stop_while_joining_leaves_after_the_join() -> None:
    state, actions = run(State(phase=Phase.OFF), Toggle(T0), StopRequested(T0 + 1, "quit"))
    join = actions[0]
    assert isinstance(join, Join) and actions == [join, Leave(ME, "quit")]
    state, actions = run(state, Done(T0 + 2, join, shared=held(), rule_on=True))
    assert (state.phase, actions) == (Phase.STOPPING, [])
    state, _ = run(state, Done(T0 + 3, Leave(ME, "quit"), shared=held(), rule_on=False))
    assert state.phase is Phase.OFF


# ---- the timer, idle and the heartbeat -------------------------------------------------------


def test_timer_releases_our_hold_at_the_deadline() -> None:
    state = on_at()
    assert run(state, Tick(T0 + 3599, idle_seconds=0))[0].phase is Phase.ON
    state, actions = run(state, Tick(T0 + 3600, idle_seconds=0))
    assert (state.phase, actions) == (Phase.STOPPING, [Leave(ME, "timer")])


@pytest.mark.parametrize(
    ("idle", "stops"),
    [(0.0, False), (899.0, False), (900.0, True), (5000.0, True), (None, False)],
)
def test_idle_limit(idle: float | None, stops: bool) -> None:
    state, actions = run(on_at(), Tick(T0 + 1000, idle_seconds=idle))
    assert (Leave(ME, "idle") in actions) is stops
    assert state.phase is (Phase.STOPPING if stops else Phase.ON)


def test_heartbeats_keep_our_hold_from_lapsing_while_active_and_at_most_one_per_period() -> None:
    state = on_at()
    beats: list[Action] = []
    for second in range(1, 1201):
        state, actions = run(state, Tick(T0 + second, idle_seconds=0.0))
        beats += only(actions, Beat)
    assert beats == [Beat(ME, int(T0) + s + 900) for s in (300, 600, 900, 1200)]
    state, beats = on_at(), []
    for second in range(1, 601):  # idle since the start: no renewal, the hold lapses
        state, actions = run(state, Tick(T0 + second, idle_seconds=float(second)))
        beats += only(actions, Beat)
    assert beats == []


def test_a_heartbeat_never_goes_past_our_own_end() -> None:
    _, actions = run(on_at(), Tick(T0 + 3300, idle_seconds=0.0))
    assert only(actions, Beat) == [Beat(ME, int(T0) + 3600)]


@pytest.mark.parametrize("idle_minutes", [1, 2, 15])
def test_our_hold_never_lapses_while_the_user_is_active(idle_minutes: int) -> None:
    settings = replace(TRAY, idle_minutes=idle_minutes)
    state = on_at(settings=settings)
    lapses = int(T0) + idle_minutes * 60
    for second in range(1, 30 * 60):
        now = T0 + second
        state, actions = run(state, Tick(now, idle_seconds=0.5), settings=settings)
        for action in only(actions, Beat):
            assert isinstance(action, Beat)
            lapses = action.lapses
        assert lapses > now


def test_extend_renews_our_hold_with_the_new_end() -> None:
    state, actions = run(on_at(), ExtendRequested(T0 + 60, 30))
    assert state.ours.deadline == T0 + 90 * 60
    assert actions == [Join(Hold(ME, "this device", int(T0) + 5400, True, int(T0) + 960))]


def test_extend_never_pushes_the_end_past_the_longest_session() -> None:
    # other devices hold an end beyond now + 24 h + the grace to that bound (core/bounded.py)
    state = on_at()
    for minute in range(1, 60):  # an Extend a minute, 30 min each: far past a day
        state, actions = run(state, ExtendRequested(T0 + minute * 60, 30))
    assert state.ours.deadline == T0 + 59 * 60 + 24 * 3600
    (join,) = only(actions, Join)
    assert isinstance(join, Join) and join.hold.ends == int(T0) + 59 * 60 + 24 * 3600


def test_a_refused_heartbeat_means_someone_ended_our_session() -> None:
    other = laptop(T0 + 7200)
    state, actions = run(on_at(), Done(T0 + 300, Beat(ME, 1), shared=held(other), refused=True))
    assert (state.phase, state.holding) == (Phase.ON, False)
    assert notes(actions) == ["Study session ended elsewhere"]


# ---- following, lapses, skew and adoption ----------------------------------------------------


@pytest.mark.parametrize("phase", [Phase.UNKNOWN, Phase.OFF])
def test_a_session_held_elsewhere_is_followed_never_changed(phase: Phase) -> None:
    state, actions = run(State(phase=phase), Polled(T0, True, held(laptop(T0 + 600))))
    assert (state.phase, state.holding, actions) == (Phase.ON, False, [])
    for second in range(1, 600):  # its length is the laptop's: no write of ours in between
        state, actions = run(state, Tick(T0 + second, idle_seconds=2000.0))
        assert only(actions, Join | Beat | Leave | EndAll | Adopt | Expire) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hold", "now", "expires"),
    [
        # another device's hold gets 3 minutes of grace for its clock ...
        (laptop(T0), T0 + 179, False),
        (laptop(T0), T0 + 180, True),
        # ... a hold of our own device (the CLI) is judged exactly
        (Hold("desk/cli", "desk (cli)", int(T0), False, int(T0)), T0 - 1, False),
        (Hold("desk/cli", "desk (cli)", int(T0), False, int(T0)), T0, True),
    ],
)
def test_a_follower_ends_a_session_whose_holds_all_lapsed(
    hold: Hold, now: float, expires: bool
) -> None:
    state = State(phase=Phase.ON, shared=held(hold), last_poll=now)
    state, actions = run(state, Tick(now, idle_seconds=0.0))
    assert (actions == [Expire()]) is expires
    if expires:
        state, actions = run(state, Done(now + 1, Expire(), shared=held(), rule_on=False))
        assert state.phase is Phase.OFF and notes(actions) == ["Study session ended"]


def test_skew_of_three_minutes_never_ends_a_session_early() -> None:
    # the laptop's clock runs 3 minutes behind ours: its hold's times look 3 minutes early
    slow = laptop(T0 + 600 - 180, T0 + 600 - 180)
    state = State(phase=Phase.ON, shared=held(slow), last_poll=T0)
    for second in range(0, 600):
        state, actions = run(state, Tick(T0 + second, idle_seconds=0.0))
        assert Expire() not in actions, second


def test_a_rule_running_with_no_hold_is_adopted_at_the_second_poll() -> None:
    state, actions = run(State(), Polled(T0, True, held(version=5)))
    assert (state.phase, actions) == (Phase.ON, [])  # maybe a stop on its way from elsewhere
    state, actions = run(state, Polled(T0 + 30, True, held(version=5)))
    (adopt,) = actions
    assert isinstance(adopt, Adopt) and adopt.hold.ends == int(T0) + 30 + 3600
    state, actions = run(state, Done(T0 + 31, adopt, shared=held(adopt.hold, version=6)))
    assert state.holding and notes(actions) == ["Pipeline was already on"]
    state, actions = run(state, Polled(T0 + 60, True, held(adopt.hold, version=6)))
    assert actions == []


def test_adoption_is_refused_when_someone_claimed_it_first() -> None:
    state, _ = run(State(), Polled(T0, True, held()), Polled(T0 + 30, True, held()))
    winner = laptop(T0 + 3600, T0 + 900)
    state, actions = run(
        state, Done(T0 + 31, Adopt(winner), shared=held(winner, version=2), refused=True)
    )
    assert (state.phase, state.holding, actions) == (Phase.ON, False, [])


def test_a_stop_elsewhere_ends_our_session_and_says_so_once() -> None:
    state, actions = run(on_at(), Polled(T0 + 900, enabled=False))
    assert state.phase is Phase.OFF
    assert RecordSession(T0, T0 + 900, "ended elsewhere", 0) in actions
    assert notes(actions) == ["Study session ended elsewhere"]
    # the console switched it off while our hold was still in the record: tidy it out
    assert only(actions, Leave) == [Leave(ME, "ended elsewhere")]
    state, actions = run(state, Done(T0 + 901, Leave(ME, "ended elsewhere"), shared=held()))
    state, more = run(state, Polled(T0 + 930, enabled=False))
    assert notes(actions + more) == [] and state.phase is Phase.OFF


def test_our_hold_missing_from_a_running_session_means_it_was_stopped_and_restarted() -> None:
    other = laptop(T0 + 3600, T0 + 900)
    state, actions = run(on_at(), Polled(T0 + 60, True, held(other, version=9)))
    assert (state.phase, state.holding) == (Phase.ON, False)
    assert notes(actions) == ["Study session ended elsewhere"]


def test_our_own_live_hold_is_picked_up_again_after_a_restart() -> None:
    mine = Hold(ME, "desk", int(T0) + 1200, True, int(T0) + 600)
    state, actions = run(State(), Polled(T0, True, held(mine)))
    assert (state.phase, state.ours.deadline, actions) == (Phase.ON, T0 + 1200, [])
    state, actions = run(state, Tick(T0 + 1, idle_seconds=0.0))
    assert only(actions, Beat) == [Beat(ME, int(T0) + 901)]


def test_startup_poll_of_a_disabled_rule_is_off_quietly() -> None:
    assert run(State(), Polled(T0, enabled=False)) == (State(phase=Phase.OFF, last_poll=T0), [])


def test_polls_every_poll_seconds_and_nothing_else_when_off() -> None:
    state = State(phase=Phase.OFF)
    actions: list[Action] = []
    for second in range(3600):
        state, new = run(state, Tick(T0 + second, idle_seconds=None))
        actions += new
    assert actions == [Poll()] * 120


# ---- errors and unconfirmed stops ------------------------------------------------------------


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
    state, actions = run(State(phase=Phase.OFF), Toggle(T0))
    (join,) = actions
    assert isinstance(join, Join)
    state, actions = run(state, Failed(T0 + 1, join, "access denied"))
    assert state.phase is Phase.UNKNOWN and state.ours.deadline is None
    assert notes(actions) == ["Could not start the study session"]
    assert run(state, Tick(T0 + 2, None))[1] == [Poll()]


def test_a_failed_leave_is_persisted_and_retried_with_backoff_as_a_plain_switch_off() -> None:
    state, _ = run(on_at(), StopRequested(T0 + 10, "quit"))
    state, actions = run(state, Failed(T0 + 11, Leave(ME, "quit"), "cannot reach AWS"))
    assert actions[0] == SavePendingStop(True)
    assert notes(actions) == ["Could not switch the pipeline off"]
    assert state.stop.pending and state.stop.retry_at == T0 + 13
    assert run(state, Tick(T0 + 12, None))[1] == []
    state, actions = run(state, Tick(T0 + 13, None))
    # no one else held the session as far as we know: the rule alone goes off
    assert actions == [Disable("quit")]
    state, actions = run(state, Failed(T0 + 14, Disable("quit"), "cannot reach AWS"))
    assert actions == [] and state.stop.retry_at == T0 + 18  # 2, 4, 8 ... capped at 60 s
    state, actions = run(state, Tick(T0 + 18, None), Done(T0 + 19, Disable("quit")))
    assert state.phase is Phase.OFF and not state.stop.pending
    assert SavePendingStop(False) in actions


def test_a_failed_leave_while_others_hold_is_retried_as_a_leave() -> None:
    state, _ = run(on_at(others=(laptop(T0 + 7200),)), StopRequested(T0 + 10, "quit"))
    state, _ = run(state, Failed(T0 + 11, Leave(ME, "quit"), "cannot reach AWS"))
    assert run(state, Tick(T0 + 13, None))[1] == [Leave(ME, "quit")]


@pytest.mark.parametrize("pending", [False, True])
def test_a_stop_whose_rule_is_gone_ends_the_session_without_retrying(pending: bool) -> None:
    state, _ = run(on_at(), StopRequested(T0 + 10, "user"))
    if pending:  # an earlier attempt failed on the network and saved a pending stop
        state, _ = run(state, Failed(T0 + 11, EndAll("user"), "cannot reach AWS"))
        assert state.stop.retry_at is not None
        state, _ = run(state, Tick(state.stop.retry_at, None))  # the retry is sent
    gone = "rule data-collector-schedule in eu-west-1 not found: run `pipeline-tray deploy`"
    state, actions = run(state, Failed(T0 + 20, EndAll("user"), gone, gone=True))
    assert (state.phase, state.stop.retry_at, state.stop.pending) == (Phase.OFF, None, False)
    assert state.error == gone
    assert (SavePendingStop(False) in actions) is pending
    assert next(a for a in actions if isinstance(a, RecordSession)).reason == "user"
    assert notes(actions) == ["Pipeline not found"]
    assert run(state, Tick(T0 + 100, None))[1] == [Poll()]  # nothing is ever retried


def test_a_pending_stop_from_the_last_run_releases_our_hold_first() -> None:
    state, actions = run(State(), PendingStopFound(T0))
    assert (state.phase, actions) == (Phase.STOPPING, [Leave(ME, "pending")])
    state, actions = run(state, Done(T0 + 1, Leave(ME, "pending"), shared=held(), rule_on=False))
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
    state, actions = run(state, StopRequested(T0 + 7), Done(T0 + 8, EndAll("user")))
    assert RecordSession(T0, T0 + 8, "user", 1) in actions


# ---- moves that cannot happen ----------------------------------------------------------------


def test_every_phase_has_a_rule_for_every_event_and_every_answer() -> None:
    events = [Toggle, StartRequested, StopRequested, ExtendRequested, InvokeRequested, Tick]
    events += [PendingStopFound, ShutdownTimedOut, Polled]
    keys: set[tuple[Phase, type, type | None]] = {(p, e, None) for p in Phase for e in events}
    keys |= {(p, e, a) for p in Phase for e in (Done, Failed) for a in ANSWERED}
    assert keys - set(TRANSITIONS) == set()


def test_an_event_without_a_rule_is_logged_and_aws_re_read_unless_strict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(TRANSITIONS, (Phase.ON, PendingStopFound, None))
    state, actions = step(State(phase=Phase.ON), PendingStopFound(T0), replace(TRAY, strict=False))
    assert (
        actions
        == [
            Unexpected("PendingStopFound has no rule in phase on"),
            Poll(),
        ]
        and state.last_poll == T0
    )
    with pytest.raises(IllegalTransitionError, match="PendingStopFound has no rule in phase on"):
        run(State(phase=Phase.ON), PendingStopFound(T0))


@pytest.mark.parametrize(
    ("state", "delay"),
    [
        (State(), 1.0),  # never polled: soon
        (State(phase=Phase.OFF, last_poll=T0 - 10), 20.0),  # the next poll, 30 s after the last
        (State(phase=Phase.OFF, last_poll=T0 - 40), 0.0),  # overdue
        (
            State(phase=Phase.ON, last_poll=T0, ours=Ours(deadline=T0 + 600)),
            1.0,
        ),  # a session: every second
        (State(phase=Phase.STOPPING, stop=Stop(retry_at=T0 + 4), last_poll=T0), 4.0),  # the retry
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


# ---- exiting with a stop not confirmed -------------------------------------------------------


def test_a_shutdown_that_timed_out_saves_the_pending_stop_only_if_something_is_unsettled() -> None:
    stopping, _ = run(on_at(), StopRequested(T0 + 60, "quit"))
    assert stopping.phase is Phase.STOPPING
    state, actions = run(stopping, ShutdownTimedOut(T0 + 70))
    assert (state.stop.pending, actions) == (True, [SavePendingStop(True)])
    for calm in (State(phase=Phase.OFF), State()):
        assert run(calm, ShutdownTimedOut(T0)) == (calm, [])
