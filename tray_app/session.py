"""The study-session state machine: every rule for when the pipeline's rule goes on or off.

Everything that affects a transition lives in this file. It reads no clock and calls nothing:
each event carries its `now`, and `step(state, event)` returns the new state and the actions
the runner must perform; their outcomes come back as Polled / Done / Failed events. A
(phase, event) pair missing from TRANSITIONS is a bug in the caller and raises.

The promises kept here:
- a session ends at its deadline (Tick), when the user is idle for `idle_minutes` (Tick), or on
  quit, signal, logout, sleep and shutdown (StopRequested);
- while the user is active the server-side deadline is pushed forward at most every
  `heartbeat_seconds`, to at most `idle_minutes` ahead, so a dead laptop leaves the rule on for
  at most about the idle limit plus one schedule period before the Lambda switches it off;
- a rule found ENABLED that we did not start is adopted with a fresh deadline, once;
- an unconfirmed stop is retried with backoff and persisted as a pending stop; a stop whose
  rule no longer exists ends the session (nothing can be running);
- one notification per distinct error; a successful poll clears the error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

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


class Phase(Enum):
    """Where the session is; STARTING and STOPPING mean an AWS call is in flight."""

    UNKNOWN = "unknown"  # before the first poll
    OFF = "off"
    STARTING = "starting"
    ON = "on"
    STOPPING = "stopping"


class IllegalTransitionError(RuntimeError):
    """An event arrived that the current phase cannot receive."""


AUTO_REASONS = {"timer", "idle", "sleep", "shutdown", "logout", "quit", "signal"}


@dataclass(frozen=True)
class Settings:
    """The numbers the rules use; heartbeat None means no heartbeat (the CLI)."""

    session_minutes: int = 60
    idle_minutes: int = 15
    poll_seconds: int = 30
    heartbeat_seconds: int | None = 300
    max_retry_seconds: int = 60


@dataclass(frozen=True)
class State:
    """Everything the core knows; views render it, nothing else changes it."""

    phase: Phase = Phase.UNKNOWN
    deadline: float | None = None  # the session's local end
    server_deadline: int | None = None  # what the rule's target carries for the Lambda's guard
    started_at: float | None = None
    last_heartbeat: float | None = None
    last_poll: float | None = None
    stop_reason: str | None = None
    stop_attempts: int = 0
    retry_at: float | None = None
    pending_stop: bool = False
    invocations: int = 0
    error: str | None = None

    def remaining(self, now: float) -> float | None:
        """Seconds until the session's deadline, or None without a session."""
        if self.phase is not Phase.ON or self.deadline is None:
            return None
        return max(0.0, self.deadline - now)


Result = tuple[State, list[Action]]
Handler = Callable[[State, Event, Settings], Result]


def step(state: State, event: Event, settings: Settings) -> Result:
    """Apply one event; returns the new state and the actions to perform, in order."""
    handler = TRANSITIONS.get((state.phase, type(event)))
    if handler is None:
        raise IllegalTransitionError(
            f"{type(event).__name__} cannot happen in phase {state.phase.value}"
        )
    return handler(state, event, settings)


def next_tick(state: State, settings: Settings, now: float, granularity: float = 1.0) -> float:
    """Seconds until a Tick could change anything: every `granularity` during a session (idle,
    deadline, heartbeat), else only at the next poll or retry. Events still arrive at once."""
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
    # The server deadline is at most idle_minutes ahead: a heartbeat must come sooner than that
    # or the Lambda's guard would end a session whose user is still active.
    if s.heartbeat_seconds is None:
        return None
    return max(1, min(s.heartbeat_seconds, s.idle_minutes * 30))


def _server_deadline(deadline: float, now: float, s: Settings) -> int:
    # With a heartbeat the Lambda only trusts us idle_minutes ahead; without one (the CLI) the
    # session's own deadline is all there is.
    if s.heartbeat_seconds is None:
        return int(deadline)
    return int(min(deadline, now + s.idle_minutes * 60))


def _ignore(state: State, event: Event, s: Settings) -> Result:
    return state, []


def _start(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, StartRequested | Toggle)
    minutes = getattr(event, "minutes", None) or s.session_minutes
    deadline = event.now + minutes * 60
    server = _server_deadline(deadline, event.now, s)
    if state.phase is Phase.ON:  # restart: a new deadline for the running session
        return replace(state, deadline=deadline), [WriteDeadline(server)]
    new = replace(
        state, phase=Phase.STARTING, deadline=deadline, server_deadline=server, invocations=0
    )
    return new, [Enable(server)]


def _stop(state: State, event: Event, s: Settings) -> Result:
    reason = event.reason if isinstance(event, StopRequested) else "user"
    if state.phase in (Phase.OFF, Phase.UNKNOWN) and reason != "user":
        return state, []  # quitting with no session: nothing of ours is running
    return replace(state, phase=Phase.STOPPING, stop_reason=reason, stop_attempts=0), [
        Disable(reason)
    ]


def _toggle(state: State, event: Event, s: Settings) -> Result:
    return (_stop if state.phase is Phase.ON else _start)(state, event, s)


def _extend(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, ExtendRequested) and state.deadline is not None
    deadline = max(state.deadline, event.now) + event.minutes * 60
    server = _server_deadline(deadline, event.now, s)
    # With a heartbeat the server only needs telling when the old session end was what it held.
    capped = state.server_deadline is None or state.server_deadline >= int(state.deadline)
    needed = server != state.server_deadline and (s.heartbeat_seconds is None or capped)
    return replace(state, deadline=deadline), [WriteDeadline(server)] if needed else []


def _invoke(state: State, event: Event, s: Settings) -> Result:
    return state, [Invoke()]


def _adopt(state: State, now: float, s: Settings) -> Result:
    deadline = now + s.session_minutes * 60
    server = _server_deadline(deadline, now, s)
    new = replace(
        state,
        phase=Phase.ON,
        deadline=deadline,
        server_deadline=None,
        started_at=now,
        last_heartbeat=None,
        invocations=0,
    )
    note = Notify(
        "Pipeline was already on",
        f"Started outside this app; it will switch off in {s.session_minutes} min.",
    )
    return new, [WriteDeadline(server), note]


def _polled(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, Polled)
    state = replace(state, last_poll=event.now, error=None)
    if state.phase in (Phase.UNKNOWN, Phase.OFF):
        return (
            _adopt(state, event.now, s) if event.enabled else (replace(state, phase=Phase.OFF), [])
        )
    if state.phase is Phase.ON and not event.enabled:
        ended = _ended(state, event.now, "ended elsewhere")
        note = Notify(
            "Study session ended elsewhere",
            "The rule was switched off outside this app (console, another machine, or "
            "the function's deadline guard).",
        )
        return ended[0], [*ended[1], note]
    return state, []


def _ended(state: State, now: float, reason: str) -> Result:
    actions: list[Action] = []
    if state.started_at is not None:
        actions.append(RecordSession(state.started_at, now, reason, state.invocations))
    if state.pending_stop:
        actions.append(SavePendingStop(False))
    return State(phase=Phase.OFF, last_poll=state.last_poll, error=state.error), actions


def _tick(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, Tick)
    now = event.now
    actions: list[Action] = []
    if state.phase is Phase.ON and state.deadline is not None:
        if now >= state.deadline:
            return _stop(state, StopRequested(now, "timer"), s)
        if event.idle_seconds is not None and event.idle_seconds >= s.idle_minutes * 60:
            return _stop(state, StopRequested(now, "idle"), s)
        beat = _beat(s)
        active = event.idle_seconds is None or (beat is not None and event.idle_seconds < beat)
        due = state.last_heartbeat is None or (
            beat is not None and now - state.last_heartbeat >= beat
        )
        if beat is not None and active and due:
            server = _server_deadline(state.deadline, now, s)
            state = replace(state, last_heartbeat=now)
            if server != state.server_deadline:
                actions.append(WriteDeadline(server))
    if state.phase is Phase.STOPPING and state.retry_at is not None and now >= state.retry_at:
        state = replace(state, retry_at=None)
        actions.append(Disable(state.stop_reason or "retry"))
    if state.phase in (Phase.UNKNOWN, Phase.OFF, Phase.ON) and (
        state.last_poll is None or now - state.last_poll >= s.poll_seconds
    ):
        state = replace(state, last_poll=now)
        actions.append(Poll())
    return state, actions


def _pending_found(state: State, event: Event, s: Settings) -> Result:
    new = replace(state, phase=Phase.STOPPING, stop_reason="pending", pending_stop=True)
    return new, [Disable("pending")]


def _done(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, Done)
    action, now = event.action, event.now
    if isinstance(action, Enable):
        if state.phase is Phase.STOPPING:
            return state, []  # a stop was asked for while starting: the Disable follows
        if state.phase is not Phase.STARTING:
            raise IllegalTransitionError(f"Enable confirmed in phase {state.phase.value}")
        return replace(state, phase=Phase.ON, started_at=now, last_heartbeat=now, error=None), []
    if isinstance(action, Disable):
        if state.phase is not Phase.STOPPING:
            raise IllegalTransitionError(f"Disable confirmed in phase {state.phase.value}")
        reason = state.stop_reason or action.reason
        new, actions = _ended(state, now, reason)
        if reason in AUTO_REASONS:
            actions.append(
                Notify(
                    "Study session ended", f"Switched off ({reason}): the pipeline costs $0 now."
                )
            )
        if reason == "pending":
            actions.append(
                Notify(
                    "Pipeline switched off",
                    "The stop that could not be confirmed last time is done now.",
                )
            )
        return replace(new, error=None), actions
    if isinstance(action, WriteDeadline):
        if state.phase is not Phase.ON:
            return state, []  # the session ended while the deadline was on its way
        return replace(state, server_deadline=action.deadline, last_heartbeat=now), []
    if isinstance(action, Invoke):
        return replace(state, invocations=state.invocations + 1), [
            Notify("Function invoked", event.detail)
        ]
    raise IllegalTransitionError(f"Done for {type(action).__name__}")


def _failed(state: State, event: Event, s: Settings) -> Result:
    assert isinstance(event, Failed)
    action, now, message = event.action, event.now, event.message
    if isinstance(action, Disable):
        if state.phase is not Phase.STOPPING:
            raise IllegalTransitionError(f"Disable failed in phase {state.phase.value}")
        if event.gone:  # no rule (deleted, stack destroyed): nothing of ours runs, retry can't help
            ended, actions = _done(state, Done(now, action), s)
            if state.error != message:
                actions.append(Notify("Pipeline not found", message))
            return replace(ended, error=message), actions
        attempts = state.stop_attempts + 1
        new = replace(
            state,
            stop_attempts=attempts,
            pending_stop=True,
            error=message,
            retry_at=now + min(2**attempts, s.max_retry_seconds),
        )
        if attempts > 1:
            return new, []
        return new, [
            SavePendingStop(True),
            Notify("Could not switch the pipeline off", f"{message} — retrying."),
        ]
    if isinstance(action, Enable) and state.phase is Phase.STARTING:
        new = replace(
            state, phase=Phase.UNKNOWN, deadline=None, server_deadline=None, last_poll=None
        )
        return _with_error(new, message, "Could not start the study session")
    if isinstance(action, Invoke):
        return state, [Notify("Invoke failed", message)]
    return _with_error(state, message, "pipeline-tray: AWS error")


def _with_error(state: State, message: str, title: str) -> Result:
    if state.error == message:
        return state, []  # said once already
    return replace(state, error=message), [Notify(title, message)]


_ANY = tuple(Phase)
_IDLE = (Phase.UNKNOWN, Phase.OFF)
_BUSY = (Phase.STARTING, Phase.STOPPING)
TRANSITIONS: dict[tuple[Phase, type], Handler] = {
    **{(p, Toggle): _toggle for p in (*_IDLE, Phase.ON)},
    **{(p, Toggle): _ignore for p in _BUSY},
    **{(p, StartRequested): _start for p in (*_IDLE, Phase.ON)},
    **{(p, StartRequested): _ignore for p in _BUSY},
    **{(p, StopRequested): _stop for p in (*_IDLE, Phase.ON, Phase.STARTING)},
    (Phase.STOPPING, StopRequested): _ignore,
    (Phase.ON, ExtendRequested): _extend,
    **{(p, ExtendRequested): _ignore for p in (*_IDLE, *_BUSY)},
    **{(p, InvokeRequested): _invoke for p in _ANY},
    **{(p, Tick): _tick for p in _ANY},
    **{(p, PendingStopFound): _pending_found for p in _IDLE},
    **{(p, Polled): _polled for p in _ANY},
    **{(p, Done): _done for p in _ANY},
    **{(p, Failed): _failed for p in _ANY},
}
