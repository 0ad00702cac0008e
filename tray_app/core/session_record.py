"""The session record: one item per rule in the session table of ours, read and written here
by the tray, the CLI and the off switch alike. Pure: plain dicts in DynamoDB's low-level form.

The off switch's zip carries this very file (tray_app/aws/lambda_package.py), so there is one
reader by construction. A hold that a reader cannot parse is never erased (a newer writer may
own it); attributes that are not part of the record are dropped on the next write.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tray_app.core.holds import Hold, Shared

ITEM_TYPE = "study-session"
KEY = "rule"  # the table's partition key: the rule's name, one record per rule
# Every attribute a record has; the policies' dynamodb:Attributes allow these and no other.
RECORD_ATTRIBUTES = (KEY, "item_type", "version", "holds", "updated_by", "updated_at")


class UnreadableItemError(ValueError):
    """The item exists but its `version` or `holds` cannot be read."""


@dataclass(frozen=True)
class ReadItem:
    """An item as read: the session, and what a rewrite must carry over untouched."""

    shared: Shared
    kept_holds: Mapping[str, Any] = field(default_factory=dict)  # holder -> the value as stored
    notes: tuple[str, ...] = ()  # why each kept hold was not read


def read_item(item: Mapping[str, Any] | None) -> ReadItem:
    """The session in `item` (None: no item, an empty session at version 0).

    Raises UnreadableItemError when its version or holds cannot be read.
    """
    if not item:
        return ReadItem(Shared())
    version = number(item.get("version"))
    if version is None or version != version.to_integral_value():
        raise UnreadableItemError(f"its version is not an integer: {item.get('version')!r}")
    stored = item.get("holds")
    if not isinstance(stored, Mapping) or not isinstance(stored.get("M"), Mapping):
        raise UnreadableItemError(f"its holds are not a map: {stored!r}")
    holds: list[Hold] = []
    kept: dict[str, Any] = {}
    notes: list[str] = []
    for holder, value in stored["M"].items():
        hold = read_hold(str(holder), value)
        if isinstance(hold, Hold):
            holds.append(hold)
        else:
            kept[str(holder)] = value
            notes.append(hold)
    return ReadItem(
        Shared(tuple(sorted(holds, key=lambda h: h.holder)), int(version)),
        kept_holds=kept,
        notes=tuple(notes),
    )


def read_hold(holder: str, value: object) -> Hold | str:
    """One hold (a finite `lapses` is all it needs), or why it is kept unread."""
    fields = value.get("M") if isinstance(value, Mapping) else None
    if not isinstance(fields, Mapping):
        return f"hold {holder!r} kept as it is: not a map"
    lapses = number(fields.get("lapses"))
    if lapses is None:
        return f"hold {holder!r} kept as it is: lapses is not a number"
    name = fields.get("name")
    text = name.get("S") if isinstance(name, Mapping) else None
    ends = number(fields.get("ends"))
    beat = fields.get("heartbeat")
    return Hold(
        holder=holder,
        name=text if isinstance(text, str) else holder,
        # Without a readable end the hold ends when it lapses, like the CLI's.
        ends=float(ends if ends is not None else lapses),
        heartbeat=isinstance(beat, Mapping) and beat.get("BOOL") is True,
        lapses=float(lapses),
    )


def record_key(rule: str) -> dict[str, Any]:
    """The key of `rule`'s record."""
    return {KEY: {"S": rule}}


def write_item(
    rule: str, shared: Shared, writer: str, now: float, carried: ReadItem | None = None
) -> dict[str, Any]:
    """The item for `shared`, carrying over the holds `carried` (the item read) could not parse."""
    kept_holds = dict(carried.kept_holds) if carried else {}
    written = {
        h.holder: {
            "M": {
                "name": {"S": h.name},
                "ends": {"N": number_text(h.ends)},
                "heartbeat": {"BOOL": h.heartbeat},
                "lapses": {"N": number_text(h.lapses)},
            }
        }
        for h in shared.holds
    }
    return {
        **record_key(rule),
        "item_type": {"S": ITEM_TYPE},
        "version": {"N": str(shared.version)},
        "holds": {"M": {**kept_holds, **written}},  # a hold we wrote replaces one we could not read
        "updated_by": {"S": writer},
        "updated_at": {"N": str(int(now))},
    }


def number(typed: object) -> Decimal | None:
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


def number_text(value: float) -> str:
    """A DynamoDB number that reads back as the same float: integers without a fraction."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def released_item(rule: str, found: ReadItem, writer: str, now: float) -> dict[str, Any]:
    """The off switch's write: no hold it could read (they have all lapsed), at the next
    version; the holds it could not parse stay for their writers."""
    return write_item(rule, Shared((), found.shared.version + 1), writer, now, carried=found)
