"""The study-session state machine: every rule for when this client holds, leaves or ends the
shared session, and so when the pipeline's rule goes on or off.

Every transition is in the table at the end of this file, and each entry names the phases it
may lead to (docs/design/session-core.md draws them): requests are handled in requests.py, ticks
and polls in ticks.py, the outcomes of AWS actions in outcomes.py, following a session held by
others in follow.py, the data in state.py and the holds' own arithmetic in holds.py. It reads no
clock and calls nothing: each event carries its `now`, and `step(state, event)` returns the new
state and the actions the runner must perform; their outcomes come back as Polled / Done /
Failed events.

The table is total: every (phase, event, action answered) has a meaning, because a network that
is sometimes slow delivers every ordering nobody planned. Each AWS action is numbered. `step`
recognises an answer older than one already applied once, before any rule (`overtaken`);
STARTING and STOPPING wait for the answer to one request (`Requests.awaiting`), which goes to the
entry's `awaited` handler, and any other answer only tidies. Were an event to arrive that the
table lacks anyway, or a handler to lead where its entry does not say, a running app logs it
(and re-reads AWS, a Poll); tests run strict and raise.

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
  answer or a later poll says, a quit still leaves (`Requests.unsure`);
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
    IllegalTransitionError,
    Phase,
    Result,
    Rule,
    Settings,
    State,
    go,
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


def request_of(event: Event) -> int | None:
    """The request a Polled or Done answers with a record; None for any other event."""
    if isinstance(event, Polled):
        return event.request
    if isinstance(event, Done) and not isinstance(event.action, Invoke | Poll):
        return event.action.request
    return None


def overtaken_by_newer(state: State, event: Event) -> bool:
    """True for an answer older than one already applied, unless it is the one awaited."""
    request = request_of(event)
    seen, awaiting = state.requests.seen, state.requests.awaiting
    return request is not None and request < seen and request != awaiting


def rule_for(state: State, event: Event) -> tuple[Rule | None, State, Event]:
    """The rule `event` meets in `state`, with the state and event its handler receives: the
    awaited answer stops being awaited, and a stale answer meets `overtaken` (its Adopt, whose
    claim still counts, meets its rule without the stale record)."""
    if overtaken_by_newer(state, event):
        assert isinstance(event, Polled | Done)
        if not isinstance(event, Done) or not isinstance(event.action, Adopt):
            return go(outcomes.overtaken, state.phase), state, event
        event = replace(event, shared=None)
    rule = TRANSITIONS.get(key_of(state, event))
    if rule is None or rule.awaited is None:
        return rule, state, event
    assert isinstance(event, Done | Failed)
    if event.action.request != state.requests.awaiting:
        return rule, state, event
    answered = replace(state, requests=replace(state.requests, awaiting=None))
    return go(rule.awaited, *rule.to), answered, event


def step(state: State, event: Event, settings: Settings) -> Result:
    """Apply one event; returns the new state and the actions to perform, in order."""
    rule, state, event = rule_for(state, event)
    if rule is None:
        return no_rule(state, event, settings)
    new, actions = rule.handler(state, event, settings)
    if new.phase not in rule.to:
        went = f"{type(event).__name__} led {state.phase.value} to {new.phase.value}"
        if settings.strict:
            raise IllegalTransitionError(f"{went}, which its rule does not name")
        actions = [*actions, Unexpected(f"{went}, which its rule does not name")]
    numbered_actions: list[Action] = []
    for action in actions:
        out = action
        if isinstance(action, AWS_ACTIONS) and action.request == 0:
            new, out = numbered(new, action)
        numbered_actions.append(out)
    return new, numbered_actions


def no_rule(state: State, event: Event, settings: Settings) -> Result:
    """An event the table lacks: tests raise; a running app logs it and re-reads AWS."""
    phase, kind, answers = key_of(state, event)
    about = f" for {answers.__name__}" if answers else ""
    what = f"{kind.__name__}{about} has no rule in phase {phase.value}"
    if settings.strict:
        raise IllegalTransitionError(what)
    # A running app must go on: say so in the log and re-read AWS instead of guessing.
    state, poll = numbered(replace(state, last_poll=event.now), Poll())
    return state, [Unexpected(what), poll]


def next_tick(state: State, settings: Settings, now: float, granularity: float = 1.0) -> float:
    """Seconds until a Tick could change anything: every `granularity` while the rule runs
    (idle, deadline, heartbeat, lapses), else only at the next poll or retry."""
    if state.phase is Phase.ON or (state.phase is Phase.STOPPING and state.stop.retry_at is None):
        return granularity
    due = (
        [now + granularity]
        if state.last_poll is None
        else [state.last_poll + settings.poll_seconds]
    )
    if state.stop.retry_at is not None:
        due.append(state.stop.retry_at)
    return max(0.0, min(due) - now)


# the table reads as the diagram does
UNKNOWN, OFF, STARTING, ON, STOPPING = (
    Phase.UNKNOWN,
    Phase.OFF,
    Phase.STARTING,
    Phase.ON,
    Phase.STOPPING,
)
_ANY = tuple(Phase)
_IDLE = (UNKNOWN, OFF)
_BUSY = (STARTING, STOPPING)
_NOT_STOPPING = (*_IDLE, STARTING, ON)
_SEEN = (OFF, ON, STOPPING)  # where a poll's answer leads: off, followed or held, or expired
# Each entry: (phase, event, action answered) -> go(handler, the phases it may lead to). A Done
# or Failed older than an answer already applied never reaches this table (`rule_for`).
TRANSITIONS: dict[tuple[Phase, type, type | None], Rule] = {
    # requests: a click means the opposite of where the session is heading
    **{(p, Toggle, None): go(toggle, STARTING) for p in (*_IDLE, STOPPING)},
    **{(p, Toggle, None): go(toggle, STOPPING) for p in (STARTING, ON)},
    **{(p, StartRequested, None): go(start, STARTING) for p in (*_IDLE, STOPPING)},
    (ON, StartRequested, None): go(start, ON, STARTING),  # ON: a new end for our own hold
    (STARTING, StartRequested, None): go(ignore, STARTING),
    **{(p, StopRequested, None): go(stop, p, STOPPING) for p in _NOT_STOPPING},
    (STOPPING, StopRequested, None): go(stop_again, STOPPING),
    (ON, ExtendRequested, None): go(extend, ON),
    **{(p, ExtendRequested, None): go(ignore, p) for p in (*_IDLE, *_BUSY)},
    **{(p, InvokeRequested, None): go(invoke, p) for p in _ANY},
    **{(p, PendingStopFound, None): go(pending_found, p, STOPPING) for p in (*_IDLE, ON)},
    **{(p, PendingStopFound, None): go(pending_found, p) for p in _BUSY},  # its own end clears it
    **{(p, ShutdownTimedOut, None): go(gave_up, p) for p in _ANY},
    # time and polls
    (ON, Tick, None): go(tick_on, ON, STOPPING),
    **{(p, Tick, None): go(tick_idle, p) for p in _IDLE},
    (STARTING, Tick, None): go(ignore, STARTING),
    (STOPPING, Tick, None): go(tick_stopping, STOPPING),
    **{(p, Polled, None): go(polled, *_SEEN) for p in (*_IDLE, ON)},
    **{(p, Polled, None): go(polled, p) for p in _BUSY},  # the call in flight decides
    # joining: in STARTING only the awaited Join's answer decides; elsewhere answers tidy
    (STARTING, Done, Join): go(outcomes.tidied, STARTING, ON, awaited=outcomes.joined),
    (STARTING, Failed, Join): go(outcomes.failed, STARTING, UNKNOWN, awaited=outcomes.start_failed),
    (ON, Done, Join): go(outcomes.rejoined, ON),
    **{(p, Done, Join): go(outcomes.tidied, p) for p in (*_IDLE, STOPPING)},
    (ON, Failed, Join): go(outcomes.rejoin_failed, ON),
    **{(p, Failed, Join): go(outcomes.failed, p) for p in (*_IDLE, STOPPING)},
    # renewing and adopting
    (ON, Done, Beat): go(outcomes.beaten, ON, STOPPING),  # refused: our hold is gone
    **{(p, Done, Beat): go(outcomes.beaten, p) for p in (*_IDLE, *_BUSY)},
    **{(p, Done, Adopt): go(outcomes.adopted, p) for p in _ANY},
    **{(p, Failed, a): go(outcomes.failed, p) for p in _ANY for a in (Beat, Adopt, Poll)},
    # stopping: in STOPPING the awaited answer ends the session; any other answer only tidies
    **{(STOPPING, Done, a): go(outcomes.tidied, *_SEEN, awaited=outcomes.stopped) for a in STOPS},
    **{
        (STOPPING, Failed, a): go(outcomes.tidied, OFF, STOPPING, awaited=outcomes.stop_failed)
        for a in STOPS
    },
    **{
        (p, e, a): go(outcomes.tidied, p)
        for p in _NOT_STOPPING
        for e in (Done, Failed)
        for a in STOPS
    },
    # everything else
    **{(p, Done, Invoke): go(outcomes.invoked, p) for p in _ANY},
    **{(p, Failed, Invoke): go(outcomes.invoke_failed, p) for p in _ANY},
    **{(p, Done, Poll): go(ignore, p) for p in _ANY},  # a Poll is answered by Polled, never Done
}
