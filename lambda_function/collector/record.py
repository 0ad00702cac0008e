"""Build one metrics record and its two stored forms: the S3 JSON object and the DynamoDB item."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from collector.event import Trigger
from collector.proc_sampler import Sample

RECORD_TYPE = "metrics"  # the GSI's partition key: one value, so one Query finds the newest
TTL_SECONDS = 7 * 24 * 3600
KEY_PREFIX = "metrics-"


@dataclass(frozen=True)
class Invocation:
    """Facts about this invocation, read from the Lambda context."""

    function_name: str
    function_version: str
    request_id: str
    cold_start: bool
    remaining_time_ms: int


def collection_time(trigger: Trigger, now: float) -> datetime:
    """The schedule's time when the event has one (stable across retries), else now."""
    if trigger.scheduled_time is not None:
        return trigger.scheduled_time
    return datetime.fromtimestamp(int(now), tz=UTC)


def collection_id(trigger: Trigger, request_id: str) -> str:
    """One id per collection, the same on every retry of it.

    A scheduled event's id survives both Lambda's async retries and EventBridge's own redelivery;
    a direct invoke has no event id, and its request id is what Lambda reuses on a retry.
    """
    if trigger.event_id is not None and trigger.scheduled_time is not None:
        return trigger.event_id
    return request_id


def s3_key(when: datetime, record_id: str) -> str:
    """`metrics-YYYY-MM-DD-HH-MM-SS-<collection id>.json`: the seed's pattern, kept unique."""
    return f"{KEY_PREFIX}{when:%Y-%m-%d-%H-%M-%S}-{record_id}.json"


def build_record(
    trigger: Trigger, sample: Sample, invocation: Invocation, now: float
) -> dict[str, Any]:
    """The record as a flat JSON-able dict; the same fields go to S3 and DynamoDB."""
    when = collection_time(trigger, now)
    record_id = collection_id(trigger, invocation.request_id)
    stamp = int(when.timestamp())
    return {
        "collection_id": record_id,
        "record_type": RECORD_TYPE,
        "timestamp": stamp,
        "timestamp_iso": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expires_at": stamp + TTL_SECONDS,
        "s3_key": s3_key(when, record_id),
        "trigger": "schedule" if trigger.scheduled_time is not None else "direct",
        "cpu_percent": sample.cpu_percent,
        "cpu_window": sample.cpu_window,
        "memory_used_percent": sample.memory_used_percent,
        "load_1m": sample.load_1m,
        "load_5m": sample.load_5m,
        "load_15m": sample.load_15m,
        "tmp_disk_used_percent": sample.tmp_disk_used_percent,
        "uptime_seconds": sample.uptime_seconds,
        "function_name": invocation.function_name,
        "function_version": invocation.function_version,
        "request_id": invocation.request_id,
        "cold_start": invocation.cold_start,
        "remaining_time_ms": invocation.remaining_time_ms,
    }


def s3_body(record: dict[str, Any]) -> bytes:
    """The S3 object: the record as compact, key-sorted JSON."""
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


def dynamodb_item(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The record in DynamoDB's low-level attribute form; None values are left out."""
    item: dict[str, dict[str, Any]] = {}
    for name, value in record.items():
        if value is None:
            continue
        if isinstance(value, bool):
            item[name] = {"BOOL": value}
        elif isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                continue  # DynamoDB has no NaN/inf; leave the attribute out rather than fail
            item[name] = {"N": str(value)}
        else:
            item[name] = {"S": str(value)}
    return item


def record_from_item(item: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The record back from its DynamoDB form (the inverse of dynamodb_item)."""
    record: dict[str, Any] = {}
    for name, typed in item.items():
        if "BOOL" in typed:
            record[name] = bool(typed["BOOL"])
        elif "N" in typed:
            text = str(typed["N"])
            record[name] = float(text) if any(c in text for c in ".eE") else int(text)
        elif "S" in typed:
            record[name] = str(typed["S"])
    return record
