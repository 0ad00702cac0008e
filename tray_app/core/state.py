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
class State:
    """Everything the core knows; views render it, nothing else changes it."""

    phase: Phase = Phase.UNKNOWN
    deadline: float | None = None  # this client's hold ends here; None: it holds nothing
    shared: Shared = field(default_factory=Shared)  # the session record as last read
    started_at: float | None = None
    last_heartbeat: float | None = None
    last_poll: float | None = None
    unheld_since: float | None = None  # first poll that saw the rule on with no hold at all
    warned_timer: bool = False  # the 5-minute warning before our timer ends was shown
    warned_idle: bool = False  # the warning before idle ends our hold was shown
    stop_reason: str | None = None
    retry: AwsAction | None = None  # the stop to repeat after a failure
    stop_attempts: int = 0
    retry_at: float | None = None
    pending_stop: bool = False
    invocations: int = 0
    error: str | None = None
    # a request that may have written our hold unseen (a Join whose answer was lost, an Adopt
    # on its way): until a later poll or its answer says, a quit still leaves. 0: none
    unsure: int = 0
    next_request: int = 1  # the id the next AWS action gets
    awaiting: int | None = None  # the request whose answer ends STARTING or STOPPING
    seen_request: int = 0  # the newest request whose answer was applied: older ones only tidy

    @property
    def holding(self) -> bool:
        """True while this client holds (or is joining) the session."""
        return self.deadline is not None

    def remaining(self, now: float) -> float | None:
        """Seconds until this client's hold ends, or None when it holds nothing."""
        if self.phase is not Phase.ON or self.deadline is None:
            return None
        return max(0.0, self.deadline - now)


Result = tuple[State, list[Action]]
A = TypeVar("A", bound=AwsAction)


def numbered(state: State, action: A) -> tuple[State, A]:
    """`action` as the next request: its answer will name this id."""
    stamped = replace(action, request=state.next_request)
    return replace(state, next_request=state.next_request + 1), stamped


def awaited(state: State, action: A) -> tuple[State, A]:
    """`action` numbered as the request whose answer ends the phase (STARTING or STOPPING)."""
    state, stamped = numbered(state, action)
    return replace(state, awaiting=stamped.request), stamped


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
    return not busy and not state.holding and not state.unsure
