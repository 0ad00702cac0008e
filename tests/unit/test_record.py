import json
import re
from datetime import UTC, datetime

from collector.record import TTL_SECONDS, Trigger, build_record, dynamodb_item, s3_body

FIGURES = {
    "cpu_percent": 3.25,
    "cpu_window": "since_boot",
    "memory_used_percent": 41.5,
    "load_1m": 0.5,
    "load_5m": 0.25,
    "load_15m": 0.0,
    "tmp_disk_used_percent": 1.2,
    "uptime_seconds": 100.5,
}
INVOCATION = {
    "function_name": "data-collector",
    "function_version": "$LATEST",
    "request_id": "req-1",
    "cold_start": True,
    "remaining_time_ms": 59000,
}
SCHEDULED = Trigger(
    scheduled_time=datetime(2026, 11, 26, 13, 55, 0, tzinfo=UTC),
    event_id="evt-1",
    ignored=None,
)
DIRECT = Trigger(None, None, None)
NOW = datetime(2026, 11, 26, 14, 0, 7, tzinfo=UTC).timestamp() + 0.9


def key_of(trigger: Trigger) -> tuple[str, int, str]:
    record = build_record(trigger, FIGURES, INVOCATION, NOW)
    return record["collection_id"], record["timestamp"], record["s3_key"]


def test_scheduled_runs_use_the_schedule_time_and_event_id() -> None:
    stamp = int(datetime(2026, 11, 26, 13, 55, tzinfo=UTC).timestamp())
    assert key_of(SCHEDULED) == ("evt-1", stamp, "metrics-2026-11-26-13-55-00-evt-1.json")


def test_direct_runs_use_now_and_the_request_id() -> None:
    stamp = int(datetime(2026, 11, 26, 14, 0, 7, tzinfo=UTC).timestamp())
    assert key_of(DIRECT) == ("req-1", stamp, "metrics-2026-11-26-14-00-07-req-1.json")
    assert key_of(Trigger(None, "evt-1", None))[0] == "req-1"  # an id without a time


def test_s3_keys_follow_the_seed_pattern_and_keep_ids_apart() -> None:
    other = Trigger(SCHEDULED.scheduled_time, "evt-2", None)
    assert key_of(SCHEDULED)[2] != key_of(other)[2]
    assert re.fullmatch(r"metrics-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-.+\.json", key_of(other)[2])


def test_record_schema() -> None:
    record = build_record(SCHEDULED, FIGURES, INVOCATION, NOW)
    stamp = int(datetime(2026, 11, 26, 13, 55, tzinfo=UTC).timestamp())
    assert record == {
        "collection_id": "evt-1",
        "record_type": "metrics",
        "timestamp": stamp,
        "timestamp_iso": "2026-11-26T13:55:00Z",
        "expires_at": stamp + 7 * 24 * 3600,
        "s3_key": "metrics-2026-11-26-13-55-00-evt-1.json",
        "trigger": "schedule",
        "cpu_percent": 3.25,
        "cpu_window": "since_boot",
        "memory_used_percent": 41.5,
        "load_1m": 0.5,
        "load_5m": 0.25,
        "load_15m": 0.0,
        "tmp_disk_used_percent": 1.2,
        "uptime_seconds": 100.5,
        "function_name": "data-collector",
        "function_version": "$LATEST",
        "request_id": "req-1",
        "cold_start": True,
        "remaining_time_ms": 59000,
    }
    assert TTL_SECONDS == 604_800


def test_dynamodb_item_types() -> None:
    record = build_record(DIRECT, FIGURES, INVOCATION, NOW)
    item = dynamodb_item(record)
    assert item["timestamp"] == {"N": str(int(NOW))}
    assert item["timestamp_iso"] == {"S": "2026-11-26T14:00:07Z"}
    assert item["expires_at"] == {"N": str(int(NOW) + TTL_SECONDS)}
    assert item["cpu_percent"] == {"N": "3.25"}
    assert item["cold_start"] == {"BOOL": True}
    assert item["trigger"] == {"S": "direct"}
    assert "session_deadline" not in item  # None is left out, not stored as a string


def test_dynamodb_item_leaves_out_values_dynamodb_cannot_hold() -> None:
    assert dynamodb_item({"a": float("nan"), "b": float("inf"), "c": 1.5}) == {"c": {"N": "1.5"}}


def test_s3_body_is_the_record_as_json() -> None:
    record = build_record(SCHEDULED, FIGURES, INVOCATION, NOW)
    assert json.loads(s3_body(record)) == record
