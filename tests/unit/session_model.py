"""AWS as the session core's world, in memory: the rule, the shared record with its version, and
what each action does to them, the way `app/executor.py` does it against real AWS.

Used by the stateful property test. It answers one action at a time, in whatever order the test
picks; the answer is a Done, Polled or Failed event as the executor would return it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tray_app.app.executor import plan
from tray_app.core import holds
from tray_app.core.events import (
    SHARE_ACTIONS,
    AwsAction,
    Disable,
    Done,
    Event,
    Failed,
    Invoke,
    Poll,
    Polled,
)
from tray_app.core.holds import Hold, Judge, Shared


@dataclass
class ModelAws:
    """The rule and the record; `switched_off_outside` says the rule went off by another hand."""

    enabled: bool = False
    shared: Shared = field(default_factory=Shared)
    switched_off_outside: bool = False
    switched_on_outside: bool = False

    def perform(self, action: AwsAction, now: float, judge: Judge) -> Event:
        """Carry out `action` at `now` for the client `judge`; return the executor's answer."""
        if isinstance(action, Poll):
            shared = self.shared if self.enabled else None
            return Polled(now, self.enabled, shared, request=action.request)
        if isinstance(action, Invoke):
            return Done(now, action, "collected")
        if isinstance(action, Disable):
            self.enabled = False
            self.switched_off_outside = True  # our own fallback: counted as a stop
            return Done(now, action, rule_on=False)
        assert isinstance(action, SHARE_ACTIONS)
        before = self.shared
        change = plan(action, before, now, judge)
        if change is None:
            return Done(now, action, shared=before, refused=True)
        self.write(change.shared)
        if change.rule_on is True:
            self.enabled = True
            self.switched_off_outside = False
            self.switched_on_outside = False
        elif change.rule_on is False:
            self.enabled = False
        return Done(
            now, action, shared=self.shared, rule_on=bool(holds.live(self.shared, now, judge))
        )

    def write(self, shared: Shared) -> None:
        """A conditional write that succeeded: the version moves on."""
        self.shared = replace(shared, version=self.shared.version + 1)

    # ---- other hands ----

    def other_joins(self, hold: Hold, now: float, judge: Judge) -> None:
        """Another device (or the CLI) joins: its hold in, the rule on."""
        self.write(holds.join(self.shared, hold, now, judge).shared)
        self.enabled = True
        self.switched_off_outside = False
        self.switched_on_outside = False

    def other_leaves(self, holder: str, now: float, judge: Judge) -> None:
        """Another device leaves: the rule goes off if no live hold remains, as its judge sees."""
        if self.shared.held_by(holder) is None:
            return
        change = holds.leave(self.shared, holder, now, judge)
        self.write(change.shared)
        if change.rule_on is False:
            self.enabled = False

    def other_stops(self) -> None:
        """Someone presses Stop elsewhere: every hold ends, the rule goes off."""
        self.write(Shared(()))
        self.enabled = False
        self.switched_off_outside = True

    def console(self, on: bool) -> None:
        """The console switches the rule, leaving the record alone."""
        if self.enabled and not on:
            self.switched_off_outside = True
        if on and not self.enabled:
            self.switched_on_outside = True
        self.enabled = on

    def guard(self, now: float, skew: int) -> None:
        """The function's guard at a scheduled run: off once no hold is live as it judges."""
        if not self.enabled:
            return
        deadline = holds.function_deadline(self.shared, now, skew)
        if deadline is None or now >= deadline:
            self.enabled = False
            self.switched_off_outside = True


def failed(action: AwsAction, now: float, message: str) -> Failed:
    """The executor's answer when AWS could not be reached or timed out."""
    return Failed(now, action, message)
