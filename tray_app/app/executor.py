"""Carry out one AWS action of the session core and report its outcome as the next event; a
change of the shared session is planned here too (`plan`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import InvokeResult, Pipeline
from tray_app.core import holds
from tray_app.core.errors import AwsError, NotConnectedError, NotFoundError
from tray_app.core.events import (
    SHARE_ACTIONS,
    Adopt,
    AwsAction,
    Beat,
    Disable,
    Done,
    EndAll,
    Event,
    Expire,
    Failed,
    Invoke,
    Join,
    Leave,
    Poll,
    Polled,
    ShareAction,
)
from tray_app.core.holds import Change, Judge, Shared

log = logging.getLogger(__name__)
CONVERGE_ROUNDS = 3


class Executor:
    """Performs the core's AWS actions for one client (`judge` says who it is)."""

    def __init__(
        self, pipeline: Pipeline, store: HoldStore, judge: Judge, clock: Callable[[], float]
    ) -> None:
        self.pipeline = pipeline
        self.store = store
        self.judge = judge
        self.clock = clock

    def perform(self, action: AwsAction) -> Event:
        """Run `action` against AWS; a failure becomes Failed with the user's one-line message."""
        try:
            if isinstance(action, Poll):
                enabled = self.pipeline.rule_enabled()
                # The record is read only while the rule runs: an idle hour stays free.
                shared = self._read_if(enabled)
                return Polled(self.clock(), enabled, shared, request=action.request)
            if isinstance(action, SHARE_ACTIONS):
                return self._share(action)
            if isinstance(action, Disable):
                self.pipeline.stop()
            elif isinstance(action, Invoke):
                return Done(self.clock(), action, invoke_summary(self.pipeline.invoke()))
        except NotFoundError as err:
            return Failed(self.clock(), action, str(err), gone=True)
        except AwsError as err:
            return Failed(self.clock(), action, str(err))
        return Done(self.clock(), action, rule_on=False)

    def _read_if(self, enabled: bool) -> Shared | None:
        """The record while the rule runs; a rule not connected has none (switched on by hand,
        it shows as on, held by no one)."""
        if not enabled:
            return None
        try:
            return self.store.read()
        except NotConnectedError:
            return Shared()

    def _share(self, action: ShareAction) -> Event:
        now = self.clock()
        if isinstance(action, Join):
            self.pipeline.rule_enabled()  # free, and a missing rule is named before any write
        try:
            before, change = self.store.update(
                lambda shared: plan(action, shared, now, self.judge), self.judge.holder, now
            )
        except AwsError as err:
            if not isinstance(action, EndAll):
                raise
            # An explicit stop must switch the rule off even when the record cannot be changed;
            # the holds left in it end by themselves, and their trays see the rule off.
            log.info("ending the session without its record: %s", err)
            self.pipeline.stop()
            return Done(self.clock(), action, rule_on=False)
        if change is None:
            return Done(self.clock(), action, shared=before, refused=True)
        after = change.shared
        deadline = holds.event_deadline(after, now, self.judge.skew)
        if change.rule_on is True:
            self.pipeline.start(deadline)
        elif change.rule_on is False:
            self.pipeline.stop()
        elif deadline != holds.event_deadline(before, now, self.judge.skew):
            self.pipeline.write_deadline(deadline)
        if change.rule_on is not None:
            after = self._converge(change.rule_on, after)
        rule_on = bool(holds.live(after, self.clock(), self.judge))
        return Done(self.clock(), action, shared=after, rule_on=rule_on)

    def _converge(self, applied: bool, after: Shared) -> Shared:
        """Make the rule match the record once more if someone changed the record meanwhile.

        Two clients switching the rule (one joins, one leaves last) can land their EventBridge
        calls in either order. Each re-reads the record after its own call and applies what the
        newest record asks for, so whichever call lands last, the rule ends as the record says.
        """
        for _ in range(CONVERGE_ROUNDS):
            latest = self.store.read()
            if latest.version == after.version:
                return latest
            now = self.clock()
            want = bool(holds.live(latest, now, self.judge))
            if want != applied:
                if want:
                    self.pipeline.start(holds.event_deadline(latest, now, self.judge.skew))
                else:
                    self.pipeline.stop()
                applied = want
            after = latest
        return after


def plan(action: ShareAction, shared: Shared, now: float, judge: Judge) -> Change | None:
    """The change `action` makes to `shared`, or None when it must not be written. Pure."""
    if isinstance(action, Join):
        return holds.join(shared, action.hold, now, judge)
    if isinstance(action, Beat):
        return holds.beat(shared, action.holder, action.lapses, now, judge)
    if isinstance(action, Leave):
        return holds.leave(shared, action.holder, now, judge)
    if isinstance(action, EndAll):
        return holds.end_all(shared)
    if isinstance(action, Adopt):
        return holds.adopt(shared, action.hold, now, judge)
    if isinstance(action, Expire):
        return holds.expire(shared, now, judge)
    raise TypeError(f"not a change of the shared session: {action!r}")


def invoke_summary(result: InvokeResult) -> str:
    """One line about an invoke: what was collected, or why not."""
    payload = result.payload if isinstance(result.payload, dict) else {}
    took = (
        f" in {payload['duration_ms']:.0f} ms"
        if isinstance(payload.get("duration_ms"), int | float)
        else ""
    )
    if payload.get("collected") is True:
        return f"collected {payload.get('s3_key', '')}{took}".strip()
    if payload.get("collected") is False:
        why = payload.get("reason") or payload.get("error") or "nothing collected"
        return f"not collected: {why}{took}"
    return f"returned {result.payload!r}"[:200]
