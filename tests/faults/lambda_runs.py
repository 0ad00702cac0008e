"""Run the Lambda handler in-process the way Lambda would, against an emulator endpoint."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any
from unittest.mock import patch

import boto3
from collector.collect import handle
from collector.container import Container

from tests.aws_names import REGION, RULE
from tests.lambda_context import LambdaContext
from tray_app.demo.schedule import scheduled_event, target_input


def container_for(endpoint: str, stack: dict[str, str], **env: str) -> Container:
    """A fresh Lambda container whose own clients (the function's retry and timeout settings)
    talk to `endpoint`: the emulator, or a fault proxy in front of it; `env` adds to the
    function's environment."""
    container = Container(
        environment={
            "S3_BUCKET": stack["bucket"],
            "DYNAMODB_TABLE": stack["table"],
            "REGION": REGION,
            "RULE_NAME": stack["rule"],
            **env,
        }
    )
    # boto3 reads AWS_ENDPOINT_URL when a client is made: make all three now, in one place.
    with patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint}):
        _ = container.s3, container.dynamodb, container.events
    return container


def scheduled_payload(at: float) -> dict[str, Any]:
    """What EventBridge delivers to the rule's target at `at`: the target's own input."""
    events = boto3.client("events", region_name=REGION)
    (target,) = events.list_targets_by_rule(Rule=RULE)["Targets"]
    arn = events.describe_rule(Name=RULE)["Arn"]
    event = scheduled_event(arn, REGION, datetime.fromtimestamp(at, UTC))
    payload: dict[str, Any] = json.loads(target_input(dict(target), event))
    return payload


def run(
    container: Container,
    payload: Any,
    request_id: str,
    at: float,
) -> dict[str, Any]:
    """One invocation of the handler at time `at`."""
    return handle(payload, LambdaContext(aws_request_id=request_id), container, now=at)


def stored(stack: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The table's metrics records (not the study session's item) and the bucket's object keys."""
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=stack["table"])["Items"]
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=stack["bucket"])
    records = [i for i in items if "record_type" in i]
    return records, [o["Key"] for o in listed.get("Contents", [])]


def session_holds(stack: dict[str, str]) -> dict[str, Any] | None:
    """The study session item's holds; None without an item (a tray older than holds)."""
    found = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=stack["table"],
        Key={"collection_id": {"S": f"session#{RULE}"}},
        ConsistentRead=True,
    )
    item = found.get("Item")
    return None if item is None else dict(item["holds"]["M"])
