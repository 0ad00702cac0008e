"""The demo's parts: the local Lambda Invoke endpoint, the schedule, and the demo as a process."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.tray_process import REGION, RULE, Tray, eventually, rule
from tray_app.demo.invoke_endpoint import InvokeEndpoint
from tray_app.demo.schedule import ScheduleEmulator, scheduled_event, target_input

pytestmark = pytest.mark.functional


def function(name: str, env: dict[str, str]) -> None:
    iam = boto3.client("iam", region_name=REGION)
    try:
        role = iam.create_role(RoleName="demo", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    except ClientError:
        role = iam.get_role(RoleName="demo")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("data_collector.py", "")
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="data_collector.lambda_handler",
        Code={"ZipFile": code.getvalue()},
        Environment={"Variables": env},
    )


@pytest.fixture
def invoke(endpoint: str, stack: dict[str, str]) -> Iterator[Any]:
    env = {
        "S3_BUCKET": stack["bucket"],
        "DYNAMODB_TABLE": stack["table"],
        "REGION": REGION,
        "RULE_NAME": stack["rule"],
    }
    function("data-collector", env)
    server = InvokeEndpoint(endpoint, REGION)
    server.start()
    try:
        yield boto3.client("lambda", region_name=REGION, endpoint_url=server.url)
    finally:
        server.stop()


def items(stack: dict[str, str]) -> list[dict[str, Any]]:
    """The metric records (the table also holds the study session's item)."""
    found: list[dict[str, Any]] = boto3.client("dynamodb", region_name=REGION).scan(
        TableName=stack["table"]
    )["Items"]
    return [i for i in found if i.get("record_type", {}).get("S") == "metrics"]


def test_invoke_returns_the_handlers_result(invoke: Any, stack: dict[str, str]) -> None:
    answer = invoke.invoke(FunctionName="data-collector", LogType="Tail")
    payload = json.loads(answer["Payload"].read())
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
    assert payload["statusCode"] == 200 and payload["collected"] is True
    assert [i["s3_key"]["S"] for i in items(stack)] == [payload["s3_key"]]
    log = base64.b64decode(answer["LogResult"]).decode()
    assert log.startswith("START RequestId: ") and '"collected": true' in log


def test_a_failing_handler_is_a_function_error(endpoint: str, stack: dict[str, str]) -> None:
    function("broken-collector", {"REGION": REGION})  # no S3_BUCKET / DYNAMODB_TABLE
    server = InvokeEndpoint(endpoint, REGION)
    server.start()
    try:
        client = boto3.client("lambda", region_name=REGION, endpoint_url=server.url)
        answer = client.invoke(FunctionName="broken-collector")
    finally:
        server.stop()
    payload = json.loads(answer["Payload"].read())
    assert answer["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "MisconfiguredError"
    assert "S3_BUCKET, DYNAMODB_TABLE not set" in payload["errorMessage"]


def test_an_unknown_function_is_resource_not_found(invoke: Any) -> None:
    with pytest.raises(ClientError) as caught:
        invoke.invoke(FunctionName="no-such-function")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_an_async_invoke_is_accepted_and_runs(invoke: Any, stack: dict[str, str]) -> None:
    answer = invoke.invoke(FunctionName="data-collector", InvocationType="Event", Payload=b"{}")
    assert answer["StatusCode"] == 202
    eventually(lambda: len(items(stack)) == 1)


def test_the_schedule_fires_enabled_rules_with_their_target_input(
    endpoint: str, invoke: Any, stack: dict[str, str]
) -> None:
    schedule = ScheduleEmulator(endpoint, invoke.meta.endpoint_url, REGION, period_seconds=3600)
    assert schedule.fire_once() == 0  # the rule is disabled
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    assert schedule.fire_once() == 1
    eventually(lambda: len(items(stack)) == 1)
    (item,) = items(stack)
    assert item["trigger"] == {"S": "schedule"}  # the transformer passed the schedule's time


def test_target_input_renders_a_transformer_like_eventbridge() -> None:
    event = scheduled_event("arn:rule", REGION, datetime(2026, 11, 26, 14, 5, tzinfo=UTC))
    target = {
        "Id": "t",
        "Arn": "arn",
        "InputTransformer": {
            "InputPathsMap": {"time": "$.time", "id": "$.id"},
            "InputTemplate": '{"time": <time>, "id": <id>, "session_deadline": 5}',
        },
    }
    assert json.loads(target_input(target, event)) == {
        "time": "2026-11-26T14:05:00Z",
        "id": event["id"],
        "session_deadline": 5,
    }
    assert json.loads(target_input({"Input": '{"a": 1}'}, event)) == {"a": 1}
    assert json.loads(target_input({}, event))["detail-type"] == "Scheduled Event"


class Demo:
    """`pipeline-tray demo` as a process; its lines are collected by a Tray reader."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.reader = Tray.__new__(Tray)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["AWS_PROFILE"] = "a-real-profile-that-must-not-be-used"
        env.pop("DISPLAY", None)
        self.reader.proc = subprocess.Popen(
            [sys.executable, "-m", "tray_app", "demo", *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        Tray._start_reader(self.reader)

    def endpoint(self) -> str:
        return self.reader.wait_line("AWS emulator: ", timeout=30).split(": ", 1)[1].strip()


def test_a_scripted_session_ends_by_the_functions_own_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = Demo(tmp_path, "--no-tray", "--speed", "300")  # one collection a second
    try:
        endpoint = demo.endpoint()
        demo.reader.wait_line("demo ready", timeout=30)
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        cli = [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION]
        started = subprocess.run(
            [*cli, "start", "--minutes", "1"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert started.returncode == 0, started.stderr
        table = {"table": "InfraMetrics"}
        eventually(lambda: len(items(table)) >= 2, timeout=20)
        status = json.loads(
            subprocess.run(
                [*cli, "status", "--json"], capture_output=True, text=True, check=True, timeout=60
            ).stdout
        )
        newest = max(items(table), key=lambda i: int(i["timestamp"]["N"]))
        assert status["rule_state"] == "ENABLED"
        assert status["latest_metric"]["timestamp"] == int(newest["timestamp"]["N"])
        # no tray is running: only the function's deadline guard can switch the rule off
        eventually(lambda: rule()[0] == "DISABLED", timeout=90)
        count = len(items(table))
        time.sleep(3)
        assert len(items(table)) == count  # nothing is collected after the deadline
    finally:
        demo.reader.stop()


def test_the_demo_with_the_terminal_panel_runs_a_session(tmp_path: Path) -> None:
    demo = Demo(tmp_path, "--terminal", "--speed", "300")
    try:
        demo.endpoint()
        started = time.monotonic()
        demo.reader.wait_line("Off — costs $0", timeout=30)
        assert time.monotonic() - started < 30
        demo.reader.key("s")
        demo.reader.wait_line("Study session on", timeout=20)
        demo.reader.key("q")
        assert demo.reader.proc.wait(timeout=30) == 0
        demo.reader.wait_line("pipeline off — bye")
    finally:
        demo.reader.stop()
