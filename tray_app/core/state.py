"""The session core's data: its phases, its settings and its state. Pure, frozen values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TypeVar

from tray_app.core.events import Action, AwsAction, Event
from tray_app.core.holds import SKEW_SECONDS, Judge, Shared


class Phase(Enum):
    """Where the session is; STARTING and STOPPING mean an AWS call is in flight. ON means the
    rule runs: held by this client (State.holding) or only by others."""

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
    holder: str = "this-device"
    name: str = "this device"
    skew_seconds: int = SKEW_SECONDS
    strict: bool = False  # tests: an event without a rule raises instead of re-reading AWS

    @property
    def judge(self) -> Judge:
        """Who this client is when it judges whether a hold is live."""
        return Judge(self.holder, self.skew_seconds)


@dataclass(frozen=True)
class Ours:
    """This client's own part of the session; `deadline` None: it holds nothing."""

    deadline: float | None = None  # this client's hold ends here
    started_at: float | None = None
    last_heartbeat: float | None = None
    invocations: int = 0  # the function's runs this session, for its history
    warned_timer: bool = False  # the 5-minute warning before our timer ends was shown
    warned_idle: bool = False  # the warning before idle ends our hold was shown


@dataclass(frozen=True)
class Requests:
    """The AWS requests by number: the next one's id, the one whose answer ends STARTING or
    STOPPING, the newest whose answer was applied (older ones are stale), and one that may have
    written our hold unseen (a Join whose answer was lost, an Adopt on its way; 0: none)."""

    next: int = 1
    awaiting: int | None = None
    seen: int = 0
    unsure: int = 0


@dataclass(frozen=True)
class Stop:
    """The stop on its way: why, the action to repeat after a failure and when, how many tries,
    and whether it is saved as pending (applied first at the next start)."""

    reason: str | None = None
    retry: AwsAction | None = None
    attempts: int = 0
    retry_at: float | None = None
    pending: bool = False


@dataclass(frozen=True)
class State:
    """Everything the core knows; views render it, nothing else changes it."""

    phase: Phase = Phase.UNKNOWN
    shared: Shared = field(default_factory=Shared)  # the session record as last read
    last_poll: float | None = None
    unheld_since: float | None = None  # first poll that saw the rule on with no hold at all
    error: str | None = None
    ours: Ours = field(default_factory=Ours)
    stop: Stop = field(default_factory=Stop)
    requests: Requests = field(default_factory=Requests)

    @property
    def holding(self) -> bool:
        """True while this client holds (or is joining) the session."""
        return self.ours.deadline is not None

    def remaining(self, now: float) -> float | None:
        """Seconds until this client's hold ends, or None when it holds nothing."""
        deadline = self.ours.deadline
        if self.phase is not Phase.ON or deadline is None:
            return None
        return max(0.0, deadline - now)


Result = tuple[State, list[Action]]
A = TypeVar("A", bound=AwsAction)


def numbered(state: State, action: A) -> tuple[State, A]:
    """`action` as the next request: its answer will name this id."""
    stamped = replace(action, request=state.requests.next)
    return replace(state, requests=replace(state.requests, next=stamped.request + 1)), stamped


def awaited(state: State, action: A) -> tuple[State, A]:
    """`action` numbered as the request whose answer ends the phase (STARTING or STOPPING)."""
    state, stamped = numbered(state, action)
    return replace(state, requests=replace(state.requests, awaiting=stamped.request)), stamped


def stopping(state: State, action: A, reason: str) -> tuple[State, A]:
    """STOPPING for `reason`, awaiting `action` and keeping it to repeat; tries start over."""
    state, sent = awaited(state, action)
    stop = replace(state.stop, reason=reason, retry=sent, attempts=0, retry_at=None)
    return replace(state, phase=Phase.STOPPING, stop=stop), sent


Handler = Callable[[State, Event, Settings], Result]


@dataclass(frozen=True)
class Rule:
    """One entry of the transition table: the handler, and the phases it may lead to (more
    than one where the data decides); `awaited` handles the answer the phase waits for."""

    handler: Handler
    to: frozenset[Phase]
    awaited: Handler | None = None


def go(handler: Handler, *to: Phase, awaited: Handler | None = None) -> Rule:
    """The rule: `handler` leads to one of `to`; the awaited answer goes to `awaited`."""
    return Rule(handler, frozenset(to), awaited)


def settled(state: State) -> bool:
    """True when nothing of this client keeps the rule on and no call is in flight."""
    busy = state.phase in (Phase.STARTING, Phase.STOPPING)
    return not busy and not state.holding and not state.requests.unsure
