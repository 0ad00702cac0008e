"""The study-session state machine: every rule for when this client holds, leaves or ends the
shared session, and so when the pipeline's rule goes on or off.

Every transition is in the table at the end of this file: requests, ticks and polls are handled
here, the outcomes of AWS actions in session_outcomes.py, following a session held by others in
session_follow.py, the data in session_state.py and the holds' own arithmetic in holds.py. It
reads no clock and calls nothing: each event carries its `now`, and
`step(state, event)` returns the new state and the actions the runner must perform; their
outcomes come back as Polled / Done / Failed events, each with its own entry in TRANSITIONS keyed
by the action it answers. A (phase, event, action) missing from TRANSITIONS is a bug and raises.

The promises kept here:
- a session is shared: each client adds its own *hold*; this client's timer, idle limit, quit,
  signal, logout, sleep and shutdown release only its own hold (Leave), and the rule goes off
  when the last live hold ends; an explicit Stop ends every hold (EndAll);
- while the user is active the hold is renewed every `heartbeat_seconds` at most, to lapse at
  most `idle_minutes` ahead, so a dead laptop's hold lapses and the function ends the session;
- a session held elsewhere is followed, never changed: its length is its holders' business;
  once every hold has lapsed, a follower ends it (Expire);
- a rule found ENABLED with no hold at all is adopted, at the second poll that sees it so (a
  stop on its way from another client is not a console switch-on), and only if no one else
  claimed it first (the store's conditional write decides);
- an unconfirmed stop is retried with backoff and persisted as a pending stop; a stop whose
  rule no longer exists ends the session (nothing can be running);
- one notification per distinct error; a successful poll clears the error.
"""

from __future__ import annotations

from dataclasses import replace

from tray_app.core import holds, outcomes
from tray_app.core.auto_off_warnings import warnings_due
from tray_app.core.events import (
    Action,
    Adopt,
    AwsAction,
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
    PendingStopFound,
    Poll,
    Polled,
    SavePendingStop,
    ShutdownTimedOut,
    StartRequested,
    StopRequested,
    Tick,
    Toggle,
)
from tray_app.core.follow import follow, lapse_seconds, lost
from tray_app.core.holds import Shared
from tray_app.core.state import (
    AUTO_REASONS,
    Handler,
    IllegalTransitionError,
    Phase,
    Result,
    Settings,
    State,
    settled,
)

__all__ = [
    "AUTO_REASONS",
    "TRANSITIONS",
    "IllegalTransitionError",
    "Phase",
    "Settings",
    "State",
    "next_tick",
    "settled",
    "step",
]
STOPS = (Leave, EndAll, Expire, Disable)  # the actions that end a session


def step(state: State, event: Event, settings: Settings) -> Result:
    """Apply one event; returns the new state and the actions to perform, in order."""
    answers = type(event.action) if isinstance(event, Done | Failed) else None
    handler = TRANSITIONS.get((state.phase, type(event), answers))
    if handler is None:
        about = f" for {answers.__name__}" if answers else ""
        raise IllegalTransitionError(
            f"{type(event).__name__}{about} cannot happen in phase {state.phase.value}"
        )
    return handler(state, event, settings)


def next_tick(state: State, settings: Settings, now: float, granularity: float = 1.0) -> float:
    """Seconds until a Tick could change anything: every `granularity` while the rule runs
    (idle, deadline, heartbeat, lapses), else only at the next poll or retry."""
    if state.phase is Phase.ON or (state.phase is Phase.STOPPING and state.retry_at is None):
        return granularity
    due = (
        [now + granularity]
        if state.last_poll is None
        else [state.last_poll + settings.poll_seconds]
    )
    if state.retry_at is not None:
        due.append(state.retry_at)
    return max(0.0, min(due) - now)


def _beat(s: Settings) -> int | None:
    # A hold lapses idle_minutes after its last renewal: renew at least twice in that time,
    # or the function's guard could end a session whose user is still active.
    if s.heartbeat_seconds is None:
        return None
    return max(1, min(s.heartbeat_seconds, s.idle_minutes * 30))


def _ignore(state: State, event: Event, s: Settings) -> Result:
    return state, []


def _start(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, StartRequested | Toggle)
    minutes = getattr(event, "minutes", None) or s.session_minutes
    deadline = event.now + minutes * 60
    hold = holds.hold_for(s.holder, s.name, int(deadline), event.now, lapse_seconds(s))
    if state.phase is Phase.ON and state.holding:  # restart: a new end for our own hold
        return replace(state, deadline=deadline), [Join(hold)]
    new = replace(
        state,
        phase=Phase.STARTING,
        deadline=deadline,
        unheld_since=None,
        invocations=0,
        warned_timer=False,
        warned_idle=False,
    )
    return new, [Join(hold)]


def _stop(state: State, event: Event, s: Settings) -> Result:
    reason = event.reason if isinstance(event, StopRequested) else "user"
    if reason == "user":
        action: AwsAction = EndAll(reason)
    elif state.holding:
        action = Leave(s.holder, reason)
    else:
        return state, []  # quitting while holding nothing: nothing of ours keeps the rule on
    stopping = replace(
        state, phase=Phase.STOPPING, stop_reason=reason, retry=action, stop_attempts=0
    )
    return stopping, [action]


def _toggle(state: State, event: Event, s: Settings) -> Result:
    return (_stop if state.phase is Phase.ON else _start)(state, event, s)


def _extend(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, ExtendRequested)
    if state.deadline is None:
        return state, []  # following someone else's session: its length is theirs
    deadline = max(state.deadline, event.now) + event.minutes * 60
    hold = holds.hold_for(s.holder, s.name, int(deadline), event.now, lapse_seconds(s))
    return replace(state, deadline=deadline, last_heartbeat=event.now), [Join(hold)]


def _invoke(state: State, event: Event, s: Settings) -> Result:
    return state, [Invoke()]


def _polled(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, Polled)
    state = replace(state, last_poll=event.now, error=None)
    if state.phase in (Phase.STARTING, Phase.STOPPING):
        return state, []  # a poll sent before the call in flight: its answer is coming
    if not event.enabled:
        if state.phase is Phase.ON:
            return lost(replace(state, phase=Phase.OFF), event.now, s, rule_on=False)
        return replace(state, phase=Phase.OFF, shared=Shared(), unheld_since=None), []
    return _running(replace(state, shared=event.shared or Shared()), event.now, s)


def _running(state: State, now: float, s: Settings) -> Result:
    """A poll found the rule running, with `state.shared` just read."""
    mine = state.shared.held_by(s.holder)
    if state.holding:
        if mine is None:  # our hold was ended by someone's Stop (maybe a new session began)
            return lost(state, now, s, rule_on=True)
        return state, []
    if mine is not None and holds.is_live(mine, now, s.judge):
        # our own hold from before a restart of this app: carry on with it
        return replace(
            state,
            phase=Phase.ON,
            deadline=float(mine.ends),
            started_at=now,
            last_heartbeat=None,
            unheld_since=None,
        ), []
    return follow(state, now, s)


def _tick(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, Tick)
    now = event.now
    actions: list[Action] = []
    if state.phase is Phase.ON and state.deadline is not None:
        deadline = state.deadline
        if now >= deadline:
            return _stop(state, StopRequested(now, "timer"), s)
        if event.idle_seconds is not None and event.idle_seconds >= s.idle_minutes * 60:
            return _stop(state, StopRequested(now, "idle"), s)
        state, actions = warnings_due(state, now, event.idle_seconds, s)
        beat = _beat(s)
        active = event.idle_seconds is None or (beat is not None and event.idle_seconds < beat)
        due = state.last_heartbeat is None or (
            beat is not None and now - state.last_heartbeat >= beat
        )
        if beat is not None and active and due:
            lapses = int(min(deadline, now + s.idle_minutes * 60))
            state = replace(state, last_heartbeat=now)
            actions.append(Beat(s.holder, lapses))
    elif (
        state.phase is Phase.ON
        and state.shared.holds
        and not holds.live(state.shared, now, s.judge)
    ):
        return follow(state, now, s)  # the last hold just lapsed: end it now, not at a poll
    if state.phase is Phase.STOPPING and state.retry_at is not None and now >= state.retry_at:
        state = replace(state, retry_at=None)
        if state.retry is not None:
            actions.append(state.retry)
    if state.phase in (Phase.UNKNOWN, Phase.OFF, Phase.ON) and (
        state.last_poll is None or now - state.last_poll >= s.poll_seconds
    ):
        state = replace(state, last_poll=now)
        actions.append(Poll())
    return state, actions


def _pending_found(state: State, event: Event, s: Settings) -> Result:
    action = Leave(s.holder, "pending")
    new = replace(
        state, phase=Phase.STOPPING, stop_reason="pending", retry=action, pending_stop=True
    )
    return new, [action]


def _gave_up(state: State, event: Event, s: Settings) -> Result:
    # Exiting with our stop unconfirmed: the next start must apply it first.
    if settled(state):
        return state, []
    return replace(state, pending_stop=True), [SavePendingStop(True)]


_ANY = tuple(Phase)
_IDLE = (Phase.UNKNOWN, Phase.OFF)
_BUSY = (Phase.STARTING, Phase.STOPPING)
_NOT_STOPPING = (*_IDLE, Phase.STARTING, Phase.ON)
TRANSITIONS: dict[tuple[Phase, type, type | None], Handler] = {
    # requests
    **{(p, Toggle, None): _toggle for p in (*_IDLE, Phase.ON)},
    **{(p, Toggle, None): _ignore for p in _BUSY},
    **{(p, StartRequested, None): _start for p in (*_IDLE, Phase.ON)},
    **{(p, StartRequested, None): _ignore for p in _BUSY},
    **{(p, StopRequested, None): _stop for p in _NOT_STOPPING},
    (Phase.STOPPING, StopRequested, None): _ignore,
    (Phase.ON, ExtendRequested, None): _extend,
    **{(p, ExtendRequested, None): _ignore for p in (*_IDLE, *_BUSY)},
    **{(p, InvokeRequested, None): _invoke for p in _ANY},
    **{(p, Tick, None): _tick for p in _ANY},
    **{(p, PendingStopFound, None): _pending_found for p in _IDLE},
    **{(p, ShutdownTimedOut, None): _gave_up for p in _ANY},
    **{(p, Polled, None): _polled for p in _ANY},
    # outcomes of joining and renewing
    **{(p, Done, Join): outcomes.joined for p in (Phase.STARTING, Phase.ON, Phase.STOPPING)},
    **{(p, Failed, Join): outcomes.failed for p in (Phase.ON, Phase.STOPPING)},
    (Phase.STARTING, Failed, Join): outcomes.start_failed,
    **{(p, Done, Beat): outcomes.beaten for p in _ANY},
    **{(p, Failed, Beat): outcomes.failed for p in _ANY},
    **{(p, Done, Adopt): outcomes.adopted for p in _ANY},
    **{(p, Failed, Adopt): outcomes.failed for p in _ANY},
    # outcomes of stopping: in STOPPING they end the session; elsewhere they only tidy up
    **{(Phase.STOPPING, Done, a): outcomes.stopped for a in STOPS},
    **{(Phase.STOPPING, Failed, a): outcomes.stop_failed for a in STOPS},
    **{(p, Done, Leave): outcomes.tidied for p in (*_IDLE, Phase.ON)},
    **{(p, Failed, Leave): outcomes.tidied for p in (*_IDLE, Phase.ON)},
    **{(p, Done, Expire): outcomes.tidied for p in (*_IDLE, Phase.ON)},
    **{(p, Failed, Expire): outcomes.tidied for p in (*_IDLE, Phase.ON)},
    # everything else
    **{(p, Done, Invoke): outcomes.invoked for p in _ANY},
    **{(p, Failed, Invoke): outcomes.invoke_failed for p in _ANY},
    **{(p, Failed, Poll): outcomes.failed for p in _ANY},
}
