"""`pipeline-tray deploy` and `destroy` against a real emulator process over HTTP."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import botocore.parsers
import pytest

from tests.aws_names import REGION
from tests.emulator_process import iam_enforced
from tray_app.app import config
from tray_app.aws import lambda_package
from tray_app.aws.client_session import AwsSession
from tray_app.aws.stack import StackGateway
from tray_app.commands import cli
from tray_app.commands import stack_command as stack_commands
from tray_app.core.errors import AwsError

pytestmark = pytest.mark.functional


def run_cli(endpoint: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["--endpoint-url", endpoint, "--region", REGION, *args], out=out)
    return code, out.getvalue()


def client(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # type: ignore[call-overload]


def test_deploy_creates_the_whole_stack(endpoint: str) -> None:
    code, out = run_cli(endpoint, "deploy")
    assert code == 0, out
    assert "stack pipeline-tray in eu-west-1 created (CREATE_COMPLETE" in out
    assert "RuleName         data-collector-schedule" in out
    assert "FunctionArn      arn:aws:lambda:eu-west-1:123456789012:function:data-collector" in out

    fn = client(endpoint, "lambda").get_function_configuration(FunctionName="data-collector")
    assert (fn["Runtime"], fn["Handler"], fn["MemorySize"], fn["Timeout"]) == (
        "python3.13",
        "data_collector.lambda_handler",
        128,
        60,
    )
    assert fn["Environment"]["Variables"] == {
        "S3_BUCKET": "infra-monitoring-pipeline-data",
        "DYNAMODB_TABLE": "InfraMetrics",
        "REGION": REGION,
    }
    events = client(endpoint, "events")
    rule = events.describe_rule(Name="data-collector-schedule")
    assert (rule["State"], rule["ScheduleExpression"]) == ("DISABLED", "rate(5 minutes)")
    targets = {t["Id"]: t for t in events.list_targets_by_rule(Rule=rule["Name"])["Targets"]}
    assert set(targets) == {"data-collector", "pipeline-tray-off-switch"}
    assert targets["data-collector"]["Arn"] == fn["FunctionArn"]
    template = targets["data-collector"]["InputTransformer"]["InputTemplate"]
    assert template == '{"time": <time>, "id": <id>}'
    switch = client(endpoint, "lambda").get_function_configuration(
        FunctionName=targets["pipeline-tray-off-switch"]["Arn"]
    )
    assert switch["Handler"] == "off_switch.lambda_handler"
    assert "session control: stack pipeline-tray-session-data-collector-schedule" in out
    client(endpoint, "dynamodb").describe_table(TableName="pipeline-tray-sessions-" + rule["Name"])
    table = client(endpoint, "dynamodb").describe_table(TableName="InfraMetrics")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [g["IndexName"] for g in table["GlobalSecondaryIndexes"]] == ["latest-index"]
    client(endpoint, "s3").head_bucket(Bucket="infra-monitoring-pipeline-data")
    (group,) = client(endpoint, "logs").describe_log_groups(
        logGroupNamePrefix="/aws/lambda/data-collector"
    )["logGroups"]
    assert group["retentionInDays"] == 14


def test_redeploy_without_change_says_so_and_a_code_change_updates(
    endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(endpoint, "deploy")[0] == 0
    code, out = run_cli(endpoint, "deploy")
    assert code == 0
    assert "already there" in out
    assert "stack pipeline-tray in eu-west-1 is up to date: no change" in out

    source = tmp_path / "lambda_function"
    shutil.copytree(
        lambda_package.LAMBDA_SOURCE, source, ignore=shutil.ignore_patterns("__pycache__")
    )
    with (source / "data_collector.py").open("a") as f:
        f.write("# a change\n")
    monkeypatch.setattr(lambda_package, "LAMBDA_SOURCE", source)
    code, out = run_cli(endpoint, "deploy")
    assert code == 0, out
    assert "uploaded" in out and "updated (UPDATE_COMPLETE" in out
    stack = client(endpoint, "cloudformation").describe_stacks(StackName="pipeline-tray")["Stacks"][
        0
    ]
    params = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert params["CodeS3Key"] == lambda_package.build(source).key


def test_destroy_asks_first_then_removes_everything(endpoint: str) -> None:
    assert run_cli(endpoint, "deploy")[0] == 0
    s3 = client(endpoint, "s3")
    s3.put_object(Bucket="infra-monitoring-pipeline-data", Key="metrics-x.json", Body=b"{}")

    code, _ = run_cli(endpoint, "destroy")  # pytest's stdin is not a terminal
    assert code == 2
    assert s3.list_objects_v2(Bucket="infra-monitoring-pipeline-data")["KeyCount"] == 1

    code, out = run_cli(endpoint, "destroy", "--yes")
    assert code == 0, out
    assert "emptied s3://infra-monitoring-pipeline-data (1 objects)" in out
    assert "deleted" in out
    cfn = client(endpoint, "cloudformation")
    live = [s for s in cfn.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    assert live == []
    assert s3.list_buckets()["Buckets"] == []

    code, out = run_cli(endpoint, "destroy", "--yes")
    assert (code, out.strip()) == (
        0,
        "stack pipeline-tray in eu-west-1 does not exist: nothing to destroy",
    )


def test_destroy_confirmation_prompt(endpoint: str) -> None:
    assert run_cli(endpoint, "deploy")[0] == 0
    settings = config.load({"endpoint_url": endpoint, "region": REGION})
    out = io.StringIO()
    assert (
        stack_commands.destroy(settings, out, yes=False, ask=lambda _: "n", interactive=True) == 0
    )
    assert "nothing deleted" in out.getvalue()
    prompts: list[str] = []

    def answer_yes(prompt: str) -> str:
        prompts.append(prompt)
        return "y"

    stack_commands.destroy(settings, out, yes=False, ask=answer_yes, interactive=True)
    assert prompts == [
        "Delete stack pipeline-tray and every object in s3://infra-monitoring-pipeline-data? [y/N] "
    ]
    assert "stack pipeline-tray in eu-west-1 deleted" in out.getvalue()


def test_console_script_runs_as_a_real_process(endpoint: str) -> None:
    env = {**os.environ, "AWS_REGION": REGION, "PIPELINE_TRAY_ENDPOINT_URL": endpoint}
    done = subprocess.run(
        [sys.executable, "-m", "tray_app", "deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "created (CREATE_COMPLETE" in done.stdout


def test_unreachable_endpoint_is_one_actionable_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("http://127.0.0.1:9", "deploy")
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("pipeline-tray: cannot reach AWS to read your AWS identity")
    assert err.count("\n") == 1


def test_missing_credentials_is_one_actionable_line(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _ = run_cli(endpoint, "deploy")
    assert code == 1
    assert capsys.readouterr().err == (
        "pipeline-tray: no AWS credentials found: run `aws configure` (or `aws sso login`), "
        "or set AWS_PROFILE / --profile\n"
    )


def test_bad_config_is_exit_2_naming_file_and_key(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("session_minutes = -1\n")
    code, _ = run_cli(endpoint, "--config", str(bad), "deploy")
    assert code == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "session_minutes" in err
    cfn = client(endpoint, "cloudformation")
    assert cfn.list_stacks()["StackSummaries"] == []  # nothing was created


def test_global_options_also_work_after_the_command(endpoint: str) -> None:
    out = io.StringIO()
    code = cli.main(
        ["deploy", "--endpoint-url", endpoint, "--region", REGION, "--stack", "other"], out=out
    )
    assert code == 0, out.getvalue()
    assert "stack other in eu-west-1 created" in out.getvalue()


def test_a_stack_still_in_progress_is_reported_busy(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A function whose code does not exist leaves the emulator's stack in CREATE_IN_PROGRESS.
    stuck = (
        '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {'
        '"FunctionName": "f", "Runtime": "python3.13", "Handler": "a.b",'
        '"Role": "arn:aws:iam::123456789012:role/r",'
        '"Code": {"S3Bucket": "missing", "S3Key": "x.zip"}}}}}'
    )
    cfn = client(endpoint, "cloudformation")
    # The emulator answers this create with a malformed error, after recording the stack.
    with contextlib.suppress(botocore.parsers.ResponseParserError):
        cfn.create_stack(StackName="pipeline-tray", TemplateBody=stuck)
    assert cfn.describe_stacks(StackName="pipeline-tray")["Stacks"][0]["StackStatus"] == (
        "CREATE_IN_PROGRESS"
    )
    code, _ = run_cli(endpoint, "deploy")
    assert code == 1
    assert capsys.readouterr().err == (
        "pipeline-tray: stack pipeline-tray in eu-west-1 is busy (CREATE_IN_PROGRESS): "
        "wait for it to finish, then retry\n"
    )


def test_an_identity_without_permission_gets_access_denied(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = client(endpoint, "iam")
    iam.create_user(UserName="no-rights")
    key = iam.create_access_key(UserName="no-rights")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    with iam_enforced(endpoint):
        code, _ = run_cli(endpoint, "deploy")
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        "pipeline-tray: access denied: your AWS identity may not call HeadBucket on bucket "
        "pipeline-tray-artifacts-123456789012-eu-west-1 (see README, IAM setup)\n"
    )


def test_an_answer_botocore_cannot_parse_is_one_line_not_a_traceback(endpoint: str) -> None:
    # The emulator answers this create with a malformed error (see the test above).
    stuck = (
        '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {'
        '"FunctionName": "f", "Runtime": "python3.13", "Handler": "a.b",'
        '"Role": "arn:aws:iam::123456789012:role/r",'
        '"Code": {"S3Bucket": "missing", "S3Key": "x.zip"}}}}}'
    )
    settings = config.load({"endpoint_url": endpoint, "region": REGION}, env={})
    gateway = StackGateway(AwsSession(settings), "odd")
    with pytest.raises(AwsError, match=r"^could not deploy the stack: the answer about stack odd"):
        gateway.deploy(stuck, {})


def test_a_stack_of_the_previous_version_updates_to_the_new_layout(endpoint: str) -> None:
    """The previous version's stack (its collector switched its own rule off and kept the
    session in the metrics table, tests/events/template-before-connect.yaml) updates in place."""
    gateway = StackGateway(
        AwsSession(config.load({"endpoint_url": endpoint, "region": REGION}, env={})),
        "pipeline-tray",
    )
    package = lambda_package.build()
    bucket = gateway.artifacts_bucket()
    gateway.ensure_code(bucket, package.key, package.body)
    old = (
        Path(__file__).resolve().parents[1] / "events" / "template-before-connect.yaml"
    ).read_text()
    gateway.deploy(old, {"CodeS3Bucket": bucket, "CodeS3Key": package.key})
    dynamodb = client(endpoint, "dynamodb")
    old_item = {"collection_id": {"S": "session#data-collector-schedule"}, "version": {"N": "3"}}
    dynamodb.put_item(TableName="InfraMetrics", Item=old_item)

    code, out = run_cli(endpoint, "deploy")
    assert code == 0, out
    assert "stack pipeline-tray in eu-west-1 updated" in out
    assert "dropped the old session item session#data-collector-schedule from InfraMetrics" in out
    assert dynamodb.scan(TableName="InfraMetrics")["Items"] == []
    events = client(endpoint, "events")
    targets = events.list_targets_by_rule(Rule="data-collector-schedule")["Targets"]
    assert sorted(t["Id"] for t in targets) == ["data-collector", "pipeline-tray-off-switch"]
    fn = client(endpoint, "lambda").get_function_configuration(FunctionName="data-collector")
    assert set(fn["Environment"]["Variables"]) == {"S3_BUCKET", "DYNAMODB_TABLE", "REGION"}
    again = run_cli(endpoint, "deploy")[1]
    assert "dropped" not in again  # said once: there is nothing left to drop
