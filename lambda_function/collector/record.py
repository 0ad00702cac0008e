"""The event's schedule time and id, and the metrics record in its two stored forms."""

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

RECORD_TYPE = "metrics"  # the GSI's partition key: one value, so one Query finds the newest
TTL_SECONDS = 7 * 24 * 3600


class BadEventError(ValueError):
    """The event carries a known field with a value of the wrong type or form."""


@dataclass(frozen=True)
class Trigger:
    """What the function needs from its event."""

    scheduled_time: datetime | None  # the schedule's `time`: stable across retries
    event_id: str | None  # the schedule's event `id`: stable across retries
    ignored: str | None  # why the event body was ignored (not an object), else None


def parse_event(event: Any) -> Trigger:  # noqa: ANN401 - Lambda passes any JSON value
    """Read the fields we use (BadEventError when one has the wrong type); anything that is not
    a JSON object is an empty direct invoke."""
    if not isinstance(event, dict):
        kind = "null" if event is None else type(event).__name__
        return Trigger(None, None, ignored=f"event of type {kind} carries no fields")
    when, event_id = event.get("time"), event.get("id")
    if event_id is not None and (not isinstance(event_id, str) or not event_id or "/" in event_id):
        raise BadEventError(f"id must be a non-empty string without '/', got {event_id!r}")
    return Trigger(None if when is None else _time(when), event_id, ignored=None)


def _time(value: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise BadEventError(f"time must be an ISO-8601 string, got {value!r}") from err
    if parsed.tzinfo is None:
        raise BadEventError(f"time must carry a time zone (EventBridge sends ...Z), got {value!r}")
    return parsed.astimezone(UTC)


def build_record(
    trigger: Trigger, figures: dict[str, Any], invocation: dict[str, Any], now: float
) -> dict[str, Any]:
    """The record as a flat JSON-able dict, the same fields in S3 and DynamoDB, keyed by the
    event's time and id (kept across Lambda's retries and EventBridge's redelivery, so a retry
    overwrites), or for a direct invoke by now and its request id."""
    when = trigger.scheduled_time or datetime.fromtimestamp(int(now), tz=UTC)
    scheduled = trigger.scheduled_time is not None and trigger.event_id is not None
    record_id = trigger.event_id if scheduled else invocation["request_id"]
    stamp = int(when.timestamp())
    return {
        "collection_id": record_id,
        "record_type": RECORD_TYPE,
        "timestamp": stamp,
        "timestamp_iso": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "expires_at": stamp + TTL_SECONDS,
        # The seed's `metrics-YYYY-MM-DD-HH-MM-SS`, kept apart by the collection id.
        "s3_key": f"metrics-{when:%Y-%m-%d-%H-%M-%S}-{record_id}.json",
        "trigger": "schedule" if trigger.scheduled_time is not None else "direct",
        **figures,
        **invocation,
    }


def s3_body(record: dict[str, Any]) -> bytes:
    """The S3 object: the record as compact, key-sorted JSON."""
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


def dynamodb_item(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The record in DynamoDB's low-level attribute form; None, NaN and inf are left out."""
    item: dict[str, dict[str, Any]] = {}
    for name, value in record.items():
        if isinstance(value, bool):
            item[name] = {"BOOL": value}
        elif isinstance(value, int | float) and math.isfinite(value):
            item[name] = {"N": str(value)}
        elif isinstance(value, str):
            item[name] = {"S": value}
    return item
