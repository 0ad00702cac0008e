"""R2: the tray is killed with -9 mid-session: the first scheduled run past the deadline ends it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from collector.collect import handle
from collector.container import Container

from tests.tray_process import REGION, RULE, Tray, rule, start_session
from tray_app.demo.schedule import scheduled_event, target_input

pytestmark = pytest.mark.functional
PERIOD = 300  # rate(5 minutes)


class Context:
    """The part of Lambda's context the handler reads."""

    function_name = "data-collector"
    function_version = "$LATEST"

    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id

    def get_remaining_time_in_millis(self) -> int:
        return 59_000


def scheduled_run(endpoint: str, stack: dict[str, str], at: float) -> dict[str, Any]:
    """What EventBridge delivers at `at` (the target's own input), run through the handler."""
    events = boto3.client("events", region_name=REGION)
    (target,) = events.list_targets_by_rule(Rule=RULE)["Targets"]
    arn = events.describe_rule(Name=RULE)["Arn"]
    payload = json.loads(
        target_input(dict(target), scheduled_event(arn, REGION, datetime.fromtimestamp(at, UTC)))
    )
    container = Container(
        environment={
            "S3_BUCKET": stack["bucket"],
            "DYNAMODB_TABLE": stack["table"],
            "REGION": REGION,
            "RULE_NAME": RULE,
        },
        client_factory=lambda service, region: boto3.client(  # type: ignore[call-overload]
            service, region_name=region, endpoint_url=endpoint
        ),
    )
    return handle(payload, Context(f"run-{at:.0f}"), container, now=at)


def stored(stack: dict[str, str]) -> tuple[int, int]:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=stack["table"])
    objects = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=stack["bucket"])
    return items["Count"], objects.get("KeyCount", 0)


def test_after_kill_9_the_next_run_past_the_deadline_disables_the_rule_and_writes_nothing(
    endpoint: str, stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)
    tray.proc.kill()  # SIGKILL: no handler runs, the rule stays on
    tray.proc.wait(timeout=10)
    state, deadline = rule()
    assert state == "ENABLED" and deadline is not None

    before = scheduled_run(endpoint, stack, at=deadline - PERIOD)
    assert before["collected"] is True
    assert stored(stack) == (1, 1)
    assert rule()[0] == "ENABLED"

    after = scheduled_run(endpoint, stack, at=deadline)  # the first run at or past it
    assert after["statusCode"] == 200 and after["collected"] is False
    assert after["reason"] == "session deadline passed"
    assert rule()[0] == "DISABLED"
    assert stored(stack) == (1, 1)  # nothing written by the run that switched it off
