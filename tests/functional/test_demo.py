"""The demo's parts: the local Lambda Invoke endpoint, the schedule, and the demo as a process."""

from __future__ import annotations

import base64
import contextlib
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

from tests.aws_names import REGION, RULE
from tests.required_tools import require_tools
from tests.tray_process import OutputLines, eventually, rule
from tray_app.demo.closed_door import Guard
from tray_app.demo.front_door import FrontDoor
from tray_app.demo.invoke_endpoint import InvokeEndpoint
from tray_app.demo.schedule import ScheduleEmulator, scheduled_event, target_input

pytestmark = pytest.mark.functional
CODE_BUCKET = "pipeline-tray-artifacts-123456789012-eu-west-1"  # deploy's, in the emulator


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


@contextlib.contextmanager
def invoke_endpoint(emulator: str) -> Iterator[str]:
    """An Invoke endpoint for functions in `emulator`, behind its front door: the door's URL."""
    door = FrontDoor(Guard())
    server = InvokeEndpoint(emulator, REGION, door.guard)
    server.start()
    door.connect(emulator, server.url)
    door.start()
    try:
        yield door.url
    finally:
        door.stop()
        server.stop()


@pytest.fixture
def invoke(endpoint: str, stack: dict[str, str]) -> Iterator[Any]:
    env = {
        "S3_BUCKET": stack["bucket"],
        "DYNAMODB_TABLE": stack["table"],
        "REGION": REGION,
        "RULE_NAME": stack["rule"],
    }
    function("data-collector", env)
    with invoke_endpoint(endpoint) as url:
        yield boto3.client("lambda", region_name=REGION, endpoint_url=url)


def items(stack: dict[str, str]) -> list[dict[str, Any]]:
    """The metric records (the table also holds the study session's item)."""
    found: list[dict[str, Any]] = boto3.client("dynamodb", region_name=REGION).scan(
        TableName=stack["table"]
    )["Items"]
    return [i for i in found if i.get("record_type", {}).get("S") == "metrics"]


def newest_stamp(stack: dict[str, str]) -> int:
    """The newest record's timestamp."""
    return max(int(i["timestamp"]["N"]) for i in items(stack))


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
    with invoke_endpoint(endpoint) as url:
        client = boto3.client("lambda", region_name=REGION, endpoint_url=url)
        answer = client.invoke(FunctionName="broken-collector")
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

    def __init__(self, tmp_path: Path, *args: str, extra: dict[str, str] | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(extra or {})
        env["AWS_PROFILE"] = "a-real-profile-that-must-not-be-used"
        env.pop("DISPLAY", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "tray_app", "demo", *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = OutputLines(proc)

    def endpoint(self) -> str:
        return (
            self.reader.wait_line("AWS emulator: ", timeout=30, after=0).split(": ", 1)[1].strip()
        )


def test_a_scripted_session_ends_by_the_functions_own_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = Demo(tmp_path, "--no-tray", "--speed", "300")  # one collection a second
    try:
        endpoint = demo.endpoint()
        demo.reader.wait_line("demo ready", timeout=30, after=0)
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
        before = newest_stamp(table)
        status = json.loads(
            subprocess.run(
                [*cli, "status", "--json"], capture_output=True, text=True, check=True, timeout=60
            ).stdout
        )
        after = newest_stamp(table)  # one collection a second: one may land meanwhile
        assert status["rule_state"] == "ENABLED"
        assert before <= status["latest_metric"]["timestamp"] <= after
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
        demo.reader.wait_line("Off — costs $0", timeout=30, after=0)
        assert time.monotonic() - started < 30
        # the panel showed itself first, while the stack was being deployed
        shown = demo.reader.lines.index("Deploying the stack to the emulator…")
        ready = next(i for i, line in enumerate(demo.reader.lines) if "demo ready" in line)
        assert shown < ready
        pressed = demo.reader.key("s")
        demo.reader.wait_line("Study session on", timeout=20, after=pressed)
        pressed = demo.reader.key("q")
        assert demo.reader.proc.wait(timeout=30) == 0
        demo.reader.wait_line("pipeline off — bye", after=pressed)
    finally:
        demo.reader.stop()


def pasted(line: str) -> dict[str, str]:
    """The variables of the demo's `export A=1 B=2` line, as a fresh shell would have them."""
    words = line.strip().split()
    assert words[0] == "export"
    return dict(word.split("=", 1) for word in words[1:])


def fresh_shell(variables: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A shell with no AWS account: a new HOME, no AWS_* or PIPELINE_TRAY_* of our own."""
    home = tmp_path / "second-terminal"
    home.mkdir(exist_ok=True)
    return {"PATH": os.environ["PATH"], "HOME": str(home), **variables}


def test_a_second_terminal_works_as_printed_with_one_url_for_every_service(
    tmp_path: Path,
) -> None:
    demo = Demo(tmp_path, "--no-tray", "--speed", "300")
    try:
        url = demo.endpoint()
        demo.reader.wait_line("demo ready", timeout=30, after=0)
        export = demo.reader.wait_line("  export AWS_ENDPOINT_URL=", after=0)
        command = demo.reader.wait_line(" status      # also", after=0).split("status")[0].split()
        shell = fresh_shell(pasted(export), tmp_path)
        assert shell["AWS_ENDPOINT_URL"] == url

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*command, *args],
                env=shell,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

        status = run("status")
        assert status.returncode == 0 and status.stdout.startswith("Off — costs $0"), status
        invoked = run("invoke", "--json")  # Lambda Invoke through the same URL: our handler
        assert invoked.returncode == 0, invoked.stderr
        assert json.loads(invoked.stdout)["collected"] is True
        assert invoked.stderr == ""  # nothing but our own lines
        # any other client, the stock AWS CLI's SDK included, with only the pasted variables
        stock = subprocess.run(
            [
                sys.executable,
                "-c",
                "import boto3, json; r = boto3.client('lambda').invoke("
                "FunctionName='data-collector'); print(json.load(r['Payload'])['collected'])",
            ],
            env=shell,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert stock.stdout.strip() == "True", stock.stderr
        # the AWS CLI's line, run as printed by a shell with the pasted variables
        require_tools(("aws",), "the AWS CLI", "apt-get install awscli")
        aws = demo.reader.wait_line("or the AWS CLI: ", after=0).split("or the AWS CLI: ")[1]
        cli = subprocess.run(
            ["bash", "-c", aws],
            env=shell,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert cli.returncode == 0, cli.stderr
        assert json.loads((tmp_path / "out.json").read_text())["collected"] is True
        demo.reader.proc.terminate()
        assert demo.reader.proc.wait(timeout=30) == 0
    finally:
        demo.reader.stop()


def test_the_demo_cleans_up_its_folder_and_shows_a_failed_deploys_real_error(
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # the metrics bucket named like deploy's own code bucket: CreateStack fails for real
    taken = {"TMPDIR": str(scratch), "PIPELINE_TRAY_BUCKET": CODE_BUCKET}
    bad = Demo(tmp_path, "--no-tray", extra=taken)
    try:
        assert bad.reader.proc.wait(timeout=60) == 1
        output = "\n".join(bad.reader.lines)
        assert "could not deploy the stack (CreateStack: BucketAlreadyExists)" in output, output
        assert "cannot join thread" not in output and "Traceback" not in output
    finally:
        bad.reader.stop()
    good = Demo(tmp_path, "--no-tray", extra={"TMPDIR": str(scratch)})
    try:
        good.reader.wait_line("demo ready", timeout=30, after=0)
        assert [p.name[:19] for p in scratch.iterdir()] == ["pipeline-tray-demo-"]
        good.reader.proc.terminate()
        assert good.reader.proc.wait(timeout=30) == 0
        assert list(scratch.iterdir()) == []  # the demo's own folder is gone
    finally:
        good.reader.stop()
