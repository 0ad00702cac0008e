import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from collector.record import BadEventError, Trigger, parse_event

EVENTS = Path(__file__).resolve().parents[1] / "events"


def load(name: str) -> Any:
    return json.loads((EVENTS / name).read_text())


def test_aws_scheduled_event_sample_gives_time_and_id() -> None:
    trigger = parse_event(load("scheduled_event.json"))
    assert trigger.scheduled_time == datetime(2015, 10, 8, 16, 53, 6, tzinfo=UTC)
    assert trigger.event_id == "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"
    assert trigger.ignored is None


def test_an_older_trays_deadline_in_the_collectors_input_is_ignored() -> None:
    trigger = parse_event(load("scheduled_with_deadline.json"))
    assert trigger.event_id is not None
    assert trigger.scheduled_time is not None


@pytest.mark.parametrize(
    ("event", "ignored"),
    [
        ({}, None),
        (None, "event of type null carries no fields"),
        ([1, 2], "event of type list carries no fields"),
        ("hello", "event of type str carries no fields"),
        (42, "event of type int carries no fields"),
        ({"unrelated": {"nested": True}}, None),
    ],
)
def test_events_without_our_fields_are_a_direct_invoke(event: Any, ignored: str | None) -> None:
    assert parse_event(event) == Trigger(None, None, ignored=ignored)


def test_console_test_event_file_is_a_direct_invoke() -> None:
    assert parse_event(load("console_test_event.json")).scheduled_time is None


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"time": 12}, "time must be an ISO-8601 string"),
        ({"time": "yesterday"}, "time must be an ISO-8601 string"),
        ({"time": "2026-11-26T10:00:00"}, "time must carry a time zone"),
        ({"id": ""}, "id must be a non-empty string"),
        ({"id": "a/b"}, "id must be a non-empty string without '/'"),
        ({"id": 7}, "id must be a non-empty string"),
    ],
)
def test_known_fields_of_the_wrong_type_are_a_bad_event(
    event: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadEventError, match=message):
        parse_event(event)
