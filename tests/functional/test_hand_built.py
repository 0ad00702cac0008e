"""The seed's pipeline as its owner built it by hand (a function of their own, a table keyed
`metric_id` with a GSI on a Number `timestamp`, a bare console target), driven through real CLI
processes: every command works or says the one command to run, and after each one every resource
of the user's is exactly as it was but the rule's state."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import off_switch
import pytest

from tests.aws_names import REGION, RULE
from tests.tray_process import Tray
from tray_app.aws.target_input import OFF_SWITCH_ID, deadline_of

pytestmark = pytest.mark.functional
BUCKET, TABLE, FUNCTION = "infra-monitoring-pipeline-data", "InfraMetrics", "data-collector"
CONSOLE_TARGET = "Id8f1c2e3d-console"


def user_function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data_collector.py", "def lambda_handler(event, context):\n    return 1\n")
    return buffer.getvalue()


@pytest.fixture
def hand_built(endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The pipeline of ../shared/seed/, made the way the console makes it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    s3: Any = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    now = datetime.now(UTC)
    record = {"timestamp": int(now.timestamp()), "cpu_usage": 12.5, "memory_usage": 41.0}
    s3.put_object(
        Bucket=BUCKET, Key=f"metrics-{now:%Y-%m-%d-%H-%M-%S}.json", Body=json.dumps(record)
    )
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "metric_id", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "metric_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "timestamp-index",
                "KeySchema": [{"AttributeName": "timestamp", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=TABLE,
        Item={"metric_id": {"S": "m-1"}, "timestamp": {"N": str(record["timestamp"])}},
    )
    role = boto3.client("iam", region_name=REGION).create_role(
        RoleName="DataPipelineLambdaRole", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    function = boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=FUNCTION,
        Runtime="python3.11",
        Role=role,
        Handler="data_collector.lambda_handler",
        Code={"ZipFile": user_function_zip()},
        Environment={"Variables": {"S3_BUCKET": BUCKET, "DYNAMODB_TABLE": TABLE, "REGION": REGION}},
    )
    events = boto3.client("events", region_name=REGION)
    events.put_rule(Name=RULE, ScheduleExpression="rate(5 minutes)", State="DISABLED")
    events.put_targets(Rule=RULE, Targets=[{"Id": CONSOLE_TARGET, "Arn": function["FunctionArn"]}])
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return {"function_arn": function["FunctionArn"]}


def cli(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def snapshot() -> dict[str, Any]:
    """Every resource of the user's, as AWS describes it, but the rule's state."""
    events = boto3.client("events", region_name=REGION)
    rule: dict[str, Any] = dict(events.describe_rule(Name=RULE))
    rule.pop("State")
    rule.pop("ResponseMetadata")
    targets = [t for t in events.list_targets_by_rule(Rule=RULE)["Targets"]]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = dynamodb.describe_table(TableName=TABLE)["Table"]
    function: dict[str, Any] = dict(
        boto3.client("lambda", region_name=REGION).get_function_configuration(FunctionName=FUNCTION)
    )
    function.pop("ResponseMetadata")
    objects = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET)
    return {
        "rule": rule,
        "user_targets": [t for t in targets if t["Id"] != OFF_SWITCH_ID],
        "table": (table["KeySchema"], table["GlobalSecondaryIndexes"][0]["IndexName"]),
        "items": dynamodb.scan(TableName=TABLE)["Items"],
        "function": function,
        "objects": [(o["Key"], o["ETag"]) for o in objects["Contents"]],
    }


def state_and_deadline() -> tuple[str, int | None]:
    events = boto3.client("events", region_name=REGION)
    ours = [
        t for t in events.list_targets_by_rule(Rule=RULE)["Targets"] if t["Id"] == OFF_SWITCH_ID
    ]
    deadline = deadline_of(dict(ours[0])) if ours else None
    return events.describe_rule(Name=RULE)["State"], deadline


def test_a_hand_built_pipeline_from_status_to_disconnect(
    endpoint: str, hand_built: dict[str, str]
) -> None:
    before = snapshot()

    status = cli(endpoint, "status")
    assert status.returncode == 0, status.stderr
    assert "Off" in status.stdout and "cpu_usage 12.5" in status.stdout
    assert snapshot() == before

    # switched on in the console: shown as on, held by no one (no record of ours to read)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    console_on = cli(endpoint, "status")
    assert console_on.returncode == 0, console_on.stderr
    assert console_on.stdout.startswith("On — no session deadline")
    assert "run `pipeline-tray connect`" in console_on.stderr
    boto3.client("events", region_name=REGION).disable_rule(Name=RULE)

    refused = cli(endpoint, "start", "--minutes", "30")
    assert refused.returncode == 1
    assert "run `pipeline-tray connect`" in refused.stderr
    assert state_and_deadline() == ("DISABLED", None) and snapshot() == before

    connected = cli(endpoint, "connect")
    assert connected.returncode == 0, connected.stderr
    assert "added the target pipeline-tray-off-switch" in connected.stdout
    assert snapshot() == before
    again = cli(endpoint, "connect")  # idempotent
    assert again.returncode == 0 and "already has the off switch" in again.stdout, again.stderr

    started = cli(endpoint, "start", "--minutes", "30")
    assert started.returncode == 0, started.stderr
    state, deadline = state_and_deadline()
    assert state == "ENABLED" and deadline is not None and deadline > time.time() + 29 * 60
    assert snapshot() == before

    shown = cli(endpoint, "status", "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["rule_state"] == "ENABLED" and len(report["holds"]) == 1
    assert report["latest_metric"]["cpu_usage"] == 12.5

    latest = cli(endpoint, "latest", "--json")
    assert latest.returncode == 0 and json.loads(latest.stdout)["memory_usage"] == 41.0

    stopped = cli(endpoint, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert state_and_deadline() == ("DISABLED", None) and snapshot() == before

    gone = cli(endpoint, "disconnect")
    assert gone.returncode == 0, gone.stderr
    assert "removed the target pipeline-tray-off-switch" in gone.stdout
    assert snapshot() == before
    targets = boto3.client("events", region_name=REGION).list_targets_by_rule(Rule=RULE)
    assert [t["Id"] for t in targets["Targets"]] == [CONSOLE_TARGET]
    tables = boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"]
    assert tables == [TABLE]


def test_a_forgotten_start_on_the_users_own_function_goes_off_with_no_client(
    endpoint: str, hand_built: dict[str, str]
) -> None:
    assert cli(endpoint, "connect").returncode == 0
    started = cli(endpoint, "start", "--minutes", "1")
    assert started.returncode == 0, started.stderr
    _, deadline = state_and_deadline()
    assert deadline is not None
    # No client is left. The rule's scheduled runs reach the off switch (in-process here, as
    # the deployed function with the stack's environment); the user's function is never asked.
    settings = off_switch.from_environment(
        {"RULE_NAME": RULE, "SESSION_TABLE": f"pipeline-tray-sessions-{RULE}"}
    )
    clients = off_switch.Clients(REGION)
    period, first = 300, deadline - 300
    runs = [first + n * period for n in range(3)]
    off_at = next(
        at
        for at in runs
        if off_switch.run({"session_deadline": deadline}, settings, clients, now=at)[
            "rule_disabled"
        ]
    )
    assert off_at <= deadline + period  # within one period plus the grace
    assert state_and_deadline()[0] == "DISABLED"


def test_the_panel_on_a_hand_built_pipeline_shows_the_console_switch_and_how_to_connect(
    endpoint: str, hand_built: dict[str, str], tmp_path: Path
) -> None:
    tray = Tray(endpoint, tmp_path, {})
    try:
        tray.wait_line("Off — costs $0", after=0)
        switched = tray.mark()
        boto3.client("events", region_name=REGION).enable_rule(Name=RULE)  # as in the console
        tray.wait_line("run `pipeline-tray connect`", timeout=30, after=switched)
        pressed = tray.key("l")
        tray.wait_line("Latest metric: cpu_usage 12.5 · memory_usage 41", after=pressed)
    finally:
        tray.stop()
    assert snapshot()["user_targets"] == [{"Id": CONSOLE_TARGET, "Arn": hand_built["function_arn"]}]
