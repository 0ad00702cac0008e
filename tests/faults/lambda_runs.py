"""Run the collector and the off switch in-process the way Lambda would, against an emulator."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any
from unittest.mock import patch

import boto3
import off_switch
from collector.container import Container
from data_collector import handle

from tests.aws_names import REGION, RULE
from tests.lambda_context import LambdaContext
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tray_app.aws.target_input import OFF_SWITCH_ID
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
            **env,
        }
    )
    # boto3 reads AWS_ENDPOINT_URL when a client is made: make both now, in one place.
    with patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint}):
        _ = container.s3, container.dynamodb
    return container


def off_switch_run(endpoint: str, at: float, rule: str = RULE, **env: str) -> dict[str, Any]:
    """One run of the off switch at `at`, with the input its target carries then."""
    settings = off_switch.from_environment(
        {"RULE_NAME": rule, "SESSION_TABLE": f"pipeline-tray-sessions-{rule}", **env}
    )
    with patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint}):
        clients = off_switch.Clients(REGION)
    return off_switch.run(scheduled_payload(at, OFF_SWITCH_ID), settings, clients, now=at)


def scheduled_payload(at: float, target_id: str | None = None) -> dict[str, Any]:
    """What EventBridge delivers at `at` to the rule's target `target_id` (default: the user's,
    the one that is not the off switch): the target's own input."""
    events = boto3.client("events", region_name=REGION)
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    (target,) = [
        t for t in targets if (t["Id"] == target_id if target_id else t["Id"] != OFF_SWITCH_ID)
    ]
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
    """The study session record's holds; None without a record."""
    found = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE,
        Key=SESSION_KEY,
        ConsistentRead=True,
    )
    item = found.get("Item")
    return None if item is None else dict(item["holds"]["M"])
