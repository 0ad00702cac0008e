"""Which change of the shared session each session-core action asks the store to write. Pure."""

from __future__ import annotations

from tray_app.core import holds
from tray_app.core.events import Adopt, Beat, EndAll, Expire, Join, Leave, ShareAction
from tray_app.core.holds import Change, Judge, Shared


def plan(action: ShareAction, shared: Shared, now: float, judge: Judge) -> Change | None:
    """The change `action` makes to `shared`, or None when it must not be written."""
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
