"""The session item's format as the tray reads and writes it. Pure: plain dicts in DynamoDB's
low-level form, no AWS.

The function's reader (lambda_function/collector/holds.py, `parse_session`) is the reference:
this one accepts exactly the items and the holds it accepts, reads the same instants, and
tests/unit/test_hold_contract.py holds the two to that. What a reader cannot parse is never
erased: a hold it skips, and any attribute it does not know, is written back as it was.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tray_app.core.holds import Hold, Shared

ITEM_TYPE = "study-session"
OWN_ATTRIBUTES = ("collection_id", "item_type", "version", "holds", "updated_by", "updated_at")


class UnreadableItemError(ValueError):
    """The item exists but its `version` or `holds` cannot be read (as the function says too)."""


@dataclass(frozen=True)
class ReadItem:
    """An item as read: the session, and what a rewrite must carry over untouched."""

    shared: Shared
    kept_holds: Mapping[str, Any] = field(default_factory=dict)  # holder -> the value as stored
    kept_attributes: Mapping[str, Any] = field(default_factory=dict)  # attributes not ours
    notes: tuple[str, ...] = ()  # why each kept hold was not read


def read_item(item: Mapping[str, Any] | None) -> ReadItem:
    """The session in `item` (None: no item, an empty session at version 0).

    Raises UnreadableItemError when the function could not read it either.
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
        kept_attributes={k: v for k, v in item.items() if k not in OWN_ATTRIBUTES},
        notes=tuple(notes),
    )


def read_hold(holder: str, value: object) -> Hold | str:
    """One hold as the function reads it (a finite `lapses` is all it needs), or why not."""
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


def write_item(
    key: str, shared: Shared, writer: str, now: float, carried: ReadItem | None = None
) -> dict[str, Any]:
    """The item for `shared`, carrying over what `carried` (the item read) could not parse."""
    kept_holds = dict(carried.kept_holds) if carried else {}
    kept_attributes = dict(carried.kept_attributes) if carried else {}
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
        **kept_attributes,
        "collection_id": {"S": key},
        "item_type": {"S": ITEM_TYPE},
        "version": {"N": str(shared.version)},
        "holds": {"M": {**kept_holds, **written}},  # a hold we wrote replaces one we could not read
        "updated_by": {"S": writer},
        "updated_at": {"N": str(int(now))},
    }


def number(typed: object) -> Decimal | None:
    """A finite number from {"N": "..."}, else None (the function's `_number`)."""
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
