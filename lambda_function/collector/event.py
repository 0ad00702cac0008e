"""Parse whatever event the collector receives: the schedule's time and id, when it has them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class BadEventError(ValueError):
    """The event carries a known field with a value of the wrong type or form."""


@dataclass(frozen=True)
class Trigger:
    """What the function needs from its event."""

    scheduled_time: datetime | None  # the schedule's `time`: stable across retries
    event_id: str | None  # the schedule's event `id`: stable across retries
    ignored: str | None  # why the event body was ignored (not an object), else None


def parse_event(event: Any) -> Trigger:  # noqa: ANN401 - Lambda passes any JSON value
    """Read the fields we use; anything that is not a JSON object is an empty direct invoke.

    Raises BadEventError when a field we use is present with the wrong type.
    """
    if not isinstance(event, dict):
        kind = "null" if event is None else type(event).__name__
        return Trigger(None, None, ignored=f"event of type {kind} carries no fields")
    return Trigger(
        scheduled_time=_time(event.get("time")),
        event_id=_event_id(event.get("id")),
        ignored=None,
    )


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadEventError(f"time must be an ISO-8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise BadEventError(f"time must be an ISO-8601 string, got {value!r}") from err
    if parsed.tzinfo is None:
        raise BadEventError(f"time must carry a time zone (EventBridge sends ...Z), got {value!r}")
    return parsed.astimezone(UTC)


def _event_id(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or "/" in value:
        raise BadEventError(f"id must be a non-empty string without '/', got {value!r}")
    return value
