"""When the latest metric counts as stale, and when a session may expect a fresh one."""

from __future__ import annotations

from tray_app.core.state import Phase, State

PERIOD_SECONDS = 300  # the schedule's period: a newer record cannot exist sooner
STALE_AFTER_SECONDS = 2 * PERIOD_SECONDS  # one missed collection is a fluke; two is a fault


def is_stale(stamp: float | None, now: float) -> bool:
    """True when a record made at `stamp` is older than two periods (None: no record)."""
    return stamp is not None and now - stamp > STALE_AFTER_SECONDS


def expects_fresh(state: State, now: float) -> bool:
    """True while a session of ours has run long enough for the function to have written a
    record since it started (a new session starts with the last one's old record)."""
    return (
        state.phase is Phase.ON
        and state.ours.started_at is not None
        and now - state.ours.started_at > STALE_AFTER_SECONDS
    )


def stale_during_session(state: State, stamp: float | None, now: float, found: bool) -> bool:
    """True when a running session should have seen a newer record: none was `found`, or the
    newest is stale."""
    return expects_fresh(state, now) and (not found or is_stale(stamp, now))
