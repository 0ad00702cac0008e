"""The shared study session's holds, parsed from its DynamoDB item, and the guard's decision.

Pure: no boto3, no clock. The item (fixed format, written by the tray and the CLI):
`collection_id` "session#<rule>", `item_type`, `version` (N), `holds` (M: holder id ->
{name, ends, heartbeat, lapses}), `updated_by`, `updated_at`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from collector.event import Trigger, deadline_passed

SESSION_KEY_PREFIX = "session#"

NO_LIVE_HOLD = "no live hold"
DEADLINE_PASSED = "session deadline passed"


class UnreadableSessionError(ValueError):
    """The session item exists but its `version` or `holds` cannot be read."""


@dataclass(frozen=True)
class Hold:
    """One client's claim on the session, as far as the guard needs it."""

    holder: str
    name: str
    lapses: float  # Unix seconds: the hold ends then unless renewed


@dataclass(frozen=True)
class Session:
    """The session item, parsed; malformed holds are left out and described in `notes`, and
    `unread` names them so that a rewrite keeps them as they are."""

    version: int
    holds: tuple[Hold, ...]
    notes: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """What the guard decided: collect, or end the session (and whether to prune holds)."""

    collect: bool
    basis: str  # what decided: "direct invoke", "live hold", NO_LIVE_HOLD, "event deadline"
    reason: str | None = None  # set when not collecting, for the result and the log
    prune: bool = False  # clear the item's holds (conditionally) before switching the rule off
    live: tuple[str, ...] = ()  # holder ids of the live holds


def session_key(rule_name: str) -> str:
    """The session item's `collection_id` for the rule."""
    return SESSION_KEY_PREFIX + rule_name


def consults_store(trigger: Trigger) -> bool:
    """True for a scheduled run or an event with a deadline; a bare direct invoke never reads."""
    return (
        trigger.scheduled_time is not None
        or trigger.event_id is not None
        or trigger.session_deadline is not None
    )


def parse_session(item: Mapping[str, Any]) -> Session:
    """The session in an item of DynamoDB's low-level form; raises UnreadableSessionError."""
    version = _number(item.get("version"))
    if version is None or version != version.to_integral_value():
        raise UnreadableSessionError(f"version is not an integer: {item.get('version')!r}")
    stored = item.get("holds")
    if not isinstance(stored, Mapping) or not isinstance(stored.get("M"), Mapping):
        raise UnreadableSessionError(f"holds is not a map: {stored!r}")
    holds: list[Hold] = []
    notes: list[str] = []
    unread: list[str] = []
    for holder, value in stored["M"].items():
        hold = _hold(str(holder), value)
        if isinstance(hold, Hold):
            holds.append(hold)
        else:
            notes.append(hold)
            unread.append(str(holder))
    return Session(int(version), tuple(holds), tuple(notes), tuple(unread))


def is_live(hold: Hold, now: float, skew: int) -> bool:
    """A hold is live until its lapse time plus the clock-skew margin (the reference rule: the
    tray's copy in tray_app/core/holds.py is held to it by tests/unit/test_hold_contract.py)."""
    # The margin is added, never subtracted: a device whose clock runs late must not lose its
    # session early; the cost is at most `skew` seconds of collecting after a real lapse.
    return now < hold.lapses + skew


def decide(trigger: Trigger, session: Session | None, now: float, skew: int) -> Decision:
    """The guard: the holds decide when the item could be read, else the event's deadline.

    `session` is None when the item is missing (trays older than holds), unreadable, or the read
    failed: then the event's `session_deadline` decides as it did before holds existed.
    """
    if not consults_store(trigger):
        return Decision(collect=True, basis="direct invoke")
    if session is not None:
        # The event's deadline is only a copy the tray derives from the holds; a concurrent
        # PutTargets may have lost an extension, so the item wins whenever it can be read.
        live = tuple(h.holder for h in session.holds if is_live(h, now, skew))
        if live:
            return Decision(collect=True, basis="live hold", live=live)
        return Decision(collect=False, basis=NO_LIVE_HOLD, reason=NO_LIVE_HOLD, prune=True)
    if deadline_passed(trigger, now):
        return Decision(collect=False, basis="event deadline", reason=DEADLINE_PASSED)
    return Decision(collect=True, basis="event deadline")


def pruned_item(item: Mapping[str, Any], session: Session) -> dict[str, Any]:
    """The item without its (lapsed) holds, at the next version. Every other attribute is kept,
    and so is every hold this reader could not parse: a newer writer may own it."""
    stored = item["holds"]["M"]
    kept = {holder: stored[holder] for holder in session.unread}
    return {**item, "holds": {"M": kept}, "version": {"N": str(session.version + 1)}}


def _hold(holder: str, value: object) -> Hold | str:
    """The hold, or a note saying why it is ignored."""
    fields = value.get("M") if isinstance(value, Mapping) else None
    if not isinstance(fields, Mapping):
        return f"hold {holder!r} ignored: not a map"
    lapses = _number(fields.get("lapses"))
    if lapses is None:
        return f"hold {holder!r} ignored: lapses is not a number"
    name = fields.get("name")
    text = name.get("S") if isinstance(name, Mapping) else None
    return Hold(holder=holder, name=text if isinstance(text, str) else holder, lapses=float(lapses))


def _number(typed: object) -> Decimal | None:
    """A finite number from {"N": "..."}, else None."""
    text = typed.get("N") if isinstance(typed, Mapping) else None
    if not isinstance(text, str):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # float() of a huge exponent is inf, which would keep a hold live forever.
    return value if value.is_finite() and math.isfinite(float(value)) else None
