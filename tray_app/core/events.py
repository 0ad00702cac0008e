"""What flows in and out of the session core: events (with their `now`) and the actions it asks for.

Plain frozen data, no behaviour: the rules that connect them live in machine.py. Every AWS action
carries a `request` id, stamped by the core when it asks for it; its Done / Polled / Failed
answer carries the action back, so the core applies each answer to the request it answers. The id
takes no part in equality: `Join(hold)` is the same request whatever its number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tray_app.core.holds import Hold, Shared

# ---- actions: what the runner must do; each comes back as Done, Polled or Failed ----


@dataclass(frozen=True)
class Poll:
    """Read whether the rule is enabled (DescribeRule: free) and, only if so, the session."""

    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Join:
    """Add (or replace) this client's hold in the shared session, then make sure the rule runs."""

    hold: Hold
    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Beat:
    """Renew this client's hold: it now lapses at `lapses` (its user is still active)."""

    holder: str
    lapses: int
    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Leave:
    """Release this client's hold; the rule goes off only if no live hold remains."""

    holder: str
    reason: str
    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class EndAll:
    """An explicit stop: end every hold and switch the rule off."""

    reason: str
    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Adopt:
    """Claim a rule found running with no live hold (console, an older version), if nobody has."""

    hold: Hold
    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Expire:
    """Every hold ran out: drop the lapsed ones, and switch the rule off if none is live."""

    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Disable:
    """Switch the rule off without the shared record (it cannot be reached, or is gone)."""

    reason: str
    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Invoke:
    """Run the function once now."""

    request: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Notify:
    """Tell the user something (a desktop notification). A newer notification of the same
    `kind` replaces the older one; `actions` are (key, button text) the user may click."""

    title: str
    message: str
    kind: str = ""
    actions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Unexpected:
    """The core met an event it has no rule for: the runner logs `what` (a Poll re-reads AWS)."""

    what: str


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


ShareAction = Join | Beat | Leave | EndAll | Adopt | Expire
SHARE_ACTIONS = (Join, Beat, Leave, EndAll, Adopt, Expire)  # changes to the shared session
AwsAction = Poll | ShareAction | Disable | Invoke
AWS_ACTIONS = (Poll, *SHARE_ACTIONS, Disable, Invoke)  # the ones the executor performs
Action = AwsAction | Notify | SavePendingStop | RecordSession | Unexpected

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
class ShutdownTimedOut:
    """The app is exiting and its stop was not confirmed in time."""

    now: float


@dataclass(frozen=True)
class Polled:
    """A Poll succeeded; `shared` is the session record, read only while the rule runs."""

    now: float
    enabled: bool
    shared: Shared | None = None
    request: int = field(default=0, compare=False)  # the Poll's id


@dataclass(frozen=True)
class Done:
    """An action succeeded; `detail` is a short result for the user (e.g. an invoke's outcome).

    For a change of the shared session: `shared` is the record after it, `rule_on` whether the
    rule runs now, and `refused` says the change was not written (someone else got there).
    """

    now: float
    action: AwsAction
    detail: str = ""
    shared: Shared | None = None
    rule_on: bool | None = None
    refused: bool = False


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
    | ShutdownTimedOut
    | Polled
    | Done
    | Failed
)
