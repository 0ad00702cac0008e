"""The study-session state machine: every rule for when this client holds, leaves or ends the
shared session, and so when the pipeline's rule goes on or off.

Every transition is in the table at the end of this file: requests, ticks and polls are handled
here, the outcomes of AWS actions in outcomes.py, following a session held by others in
follow.py, the data in state.py and the holds' own arithmetic in holds.py. It reads no clock and
calls nothing: each event carries its `now`, and `step(state, event)` returns the new state and
the actions the runner must perform; their outcomes come back as Polled / Done / Failed events.

The table is total: every (phase, event, action answered) has a meaning, because a network that
is sometimes slow delivers every ordering nobody planned. Each AWS action is numbered; STARTING
and STOPPING wait for the answer to one request (`State.awaiting`), and any other answer only
tidies (the record it carries is taken only if newer than every answer applied). Were an event
to arrive that the table lacks anyway, a running app logs it and re-reads AWS (a Poll); tests
run strict and raise.

The promises kept here:
- a session is shared: each client adds its own *hold*; this client's timer, idle limit, quit,
  signal, logout, sleep and shutdown release only its own hold (Leave), and the rule goes off
  when the last live hold ends; an explicit Stop ends every hold (EndAll);
- a click always means the opposite of where the session is heading: Stop while starting,
  Start while stopping; the last click wins;
- while the user is active the hold is renewed every `heartbeat_seconds` at most, to lapse at
  most `idle_minutes` ahead, so a dead laptop's hold lapses and the function ends the session;
- a session held elsewhere is followed, never changed: its length is its holders' business;
  once every hold has lapsed, a follower ends it (Expire);
- a rule found ENABLED with no hold at all is adopted, at the second poll that sees it so (a
  stop on its way from another client is not a console switch-on), and only if no one else
  claimed it first (the store's conditional write decides);
- a Join whose answer was lost, or an Adopt on its way, may have written our hold: until its
  answer or a later poll says, a quit still leaves (`State.unsure`);
- an unconfirmed stop is retried with backoff and persisted as a pending stop; a stop whose
  rule no longer exists ends the session (nothing can be running);
- one notification per distinct error; a successful poll clears the error.
"""

from __future__ import annotations

from dataclasses import replace

from tray_app.core import outcomes
from tray_app.core.events import (
    AWS_ACTIONS,
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
    PendingStopFound,
    Poll,
    Polled,
    ShutdownTimedOut,
    StartRequested,
    StopRequested,
    Tick,
    Toggle,
    Unexpected,
)
from tray_app.core.requests import (
    extend,
    gave_up,
    ignore,
    invoke,
    pending_found,
    start,
    stop,
    stop_again,
    toggle,
)
from tray_app.core.state import (
    AUTO_REASONS,
    Handler,
    IllegalTransitionError,
    Phase,
    Result,
    Settings,
    State,
    numbered,
    settled,
)
from tray_app.core.ticks import polled, tick_idle, tick_on, tick_stopping

__all__ = [
    "ANSWERED",
    "AUTO_REASONS",
    "TRANSITIONS",
    "Event",
    "IllegalTransitionError",
    "Phase",
    "Settings",
    "State",
    "next_tick",
    "settled",
    "step",
]
STOPS = (Leave, EndAll, Expire, Disable)  # the actions that end a session
ANSWERED = (Poll, Join, Beat, Adopt, *STOPS, Invoke)  # every action a Done or Failed can answer


def key_of(state: State, event: Event) -> tuple[Phase, type, type | None]:
    """The table's key for `event` in `state`: Done and Failed also name the action answered."""
    answers = type(event.action) if isinstance(event, Done | Failed) else None
    return state.phase, type(event), answers


def step(state: State, event: Event, settings: Settings) -> Result:
    """Apply one event; returns the new state and the actions to perform, in order."""
    phase, kind, answers = key = key_of(state, event)
    handler = TRANSITIONS.get(key)
    if handler is None:
        about = f" for {answers.__name__}" if answers else ""
        what = f"{kind.__name__}{about} has no rule in phase {phase.value}"
        if settings.strict:
            raise IllegalTransitionError(what)
        # A running app must go on: say so in the log and re-read AWS instead of guessing.
        state, poll = numbered(replace(state, last_poll=event.now), Poll())
        return state, [Unexpected(what), poll]
    new, actions = handler(state, event, settings)
    numbered_actions: list[Action] = []
    for action in actions:
        out = action
        if isinstance(action, AWS_ACTIONS) and action.request == 0:
            new, out = numbered(new, action)
        numbered_actions.append(out)
    return new, numbered_actions


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


_ANY = tuple(Phase)
_IDLE = (Phase.UNKNOWN, Phase.OFF)
_BUSY = (Phase.STARTING, Phase.STOPPING)
_NOT_STOPPING = (*_IDLE, Phase.STARTING, Phase.ON)
_answer = outcomes.answer  # (awaited handler, handler for any other answer)
TRANSITIONS: dict[tuple[Phase, type, type | None], Handler] = {
    # requests
    **{(p, Toggle, None): toggle for p in _ANY},
    **{(p, StartRequested, None): start for p in (*_IDLE, Phase.ON, Phase.STOPPING)},
    (Phase.STARTING, StartRequested, None): ignore,
    **{(p, StopRequested, None): stop for p in _NOT_STOPPING},
    (Phase.STOPPING, StopRequested, None): stop_again,
    (Phase.ON, ExtendRequested, None): extend,
    **{(p, ExtendRequested, None): ignore for p in (*_IDLE, *_BUSY)},
    **{(p, InvokeRequested, None): invoke for p in _ANY},
    **{(p, PendingStopFound, None): pending_found for p in _ANY},
    **{(p, ShutdownTimedOut, None): gave_up for p in _ANY},
    # time and polls
    (Phase.ON, Tick, None): tick_on,
    **{(p, Tick, None): tick_idle for p in _IDLE},
    (Phase.STARTING, Tick, None): ignore,
    (Phase.STOPPING, Tick, None): tick_stopping,
    **{(p, Polled, None): polled for p in _ANY},
    # joining: in STARTING only the awaited Join's answer decides; elsewhere answers tidy
    (Phase.STARTING, Done, Join): _answer(outcomes.joined, outcomes.tidied),
    (Phase.STARTING, Failed, Join): _answer(outcomes.start_failed, outcomes.failed),
    (Phase.ON, Done, Join): outcomes.rejoined,
    **{(p, Done, Join): outcomes.tidied for p in (*_IDLE, Phase.STOPPING)},
    (Phase.ON, Failed, Join): outcomes.rejoin_failed,
    **{(p, Failed, Join): outcomes.failed for p in (*_IDLE, Phase.STOPPING)},
    # renewing and adopting
    **{(p, Done, Beat): outcomes.beaten for p in _ANY},
    **{(p, Done, Adopt): outcomes.adopted for p in _ANY},
    **{(p, Failed, a): outcomes.failed for p in _ANY for a in (Beat, Adopt, Poll)},
    # stopping: in STOPPING the awaited answer ends the session; any other answer only tidies
    **{(Phase.STOPPING, Done, a): _answer(outcomes.stopped, outcomes.tidied) for a in STOPS},
    **{(Phase.STOPPING, Failed, a): _answer(outcomes.stop_failed, outcomes.tidied) for a in STOPS},
    **{(p, e, a): outcomes.tidied for p in _NOT_STOPPING for e in (Done, Failed) for a in STOPS},
    # everything else
    **{(p, Done, Invoke): outcomes.invoked for p in _ANY},
    **{(p, Failed, Invoke): outcomes.invoke_failed for p in _ANY},
    **{(p, Done, Poll): ignore for p in _ANY},  # a Poll is answered by Polled, never by Done
}
