"""What flows in and out of the session core: events (with their `now`) and the actions it asks for.

Plain frozen data, no behaviour: the rules that connect them live in session.py.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---- actions: what the runner must do; each comes back as Done, Polled or Failed ----


@dataclass(frozen=True)
class Poll:
    """Read whether the rule is enabled (DescribeRule: free)."""


@dataclass(frozen=True)
class Enable:
    """Store `deadline` (Unix seconds) in the rule's target, then enable the rule."""

    deadline: int


@dataclass(frozen=True)
class Disable:
    """Disable the rule and clear the deadline; `reason` says why the session ends."""

    reason: str


@dataclass(frozen=True)
class WriteDeadline:
    """Move the server-side deadline the Lambda's guard enforces."""

    deadline: int


@dataclass(frozen=True)
class Invoke:
    """Run the function once now."""


@dataclass(frozen=True)
class Notify:
    """Tell the user something (a desktop notification)."""

    title: str
    message: str


@dataclass(frozen=True)
class SavePendingStop:
    """Persist (or clear) "a stop was not confirmed": applied first thing at the next start."""

    pending: bool


@dataclass(frozen=True)
class RecordSession:
    """Append a finished session to the history."""

    started_at: float
    ended_at: float
    reason: str
    invocations: int


Action = Poll | Enable | Disable | WriteDeadline | Invoke | Notify | SavePendingStop | RecordSession
AwsAction = Poll | Enable | Disable | WriteDeadline | Invoke
AWS_ACTIONS = (Poll, Enable, Disable, WriteDeadline, Invoke)  # the ones the executor performs

# ---- events: what happened; every one carries the time it happened ----


@dataclass(frozen=True)
class Toggle:
    """The user clicked the icon: start when off, stop when on."""

    now: float


@dataclass(frozen=True)
class StartRequested:
    """Start (or, when on, restart) a session of `minutes` (None: the configured length)."""

    now: float
    minutes: int | None = None


@dataclass(frozen=True)
class StopRequested:
    """End the session: by the user, or on quit, a signal, logout, sleep or shutdown."""

    now: float
    reason: str = "user"


@dataclass(frozen=True)
class ExtendRequested:
    """Push the session's end back by `minutes`."""

    now: float
    minutes: int


@dataclass(frozen=True)
class InvokeRequested:
    """The user asked to run the function now."""

    now: float


@dataclass(frozen=True)
class Tick:
    """Time passed; `idle_seconds` is the user's idle time, None where it cannot be read."""

    now: float
    idle_seconds: float | None


@dataclass(frozen=True)
class PendingStopFound:
    """At start-up: the previous run could not confirm a stop."""

    now: float


@dataclass(frozen=True)
class Polled:
    """A Poll succeeded."""

    now: float
    enabled: bool


@dataclass(frozen=True)
class Done:
    """An action succeeded; `detail` is a short result for the user (e.g. an invoke's outcome)."""

    now: float
    action: AwsAction
    detail: str = ""


@dataclass(frozen=True)
class Failed:
    """An action failed with a message the user can act on; `gone`: the resource is missing."""

    now: float
    action: AwsAction
    message: str
    gone: bool = False


Event = (
    Toggle
    | StartRequested
    | StopRequested
    | ExtendRequested
    | InvokeRequested
    | Tick
    | PendingStopFound
    | Polled
    | Done
    | Failed
)
