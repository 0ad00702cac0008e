"""The tray user's policy: exactly the calls the app makes, and enough to run every command."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.aws_names import REGION
from tests.emulator_process import set_free_actions
from tests.template_resources import create_pipeline, resource
from tray_app.app import config
from tray_app.aws.bucket_metrics import BucketMetrics
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.lambda_package import SESSION_TEMPLATE
from tray_app.aws.pipeline import Pipeline
from tray_app.core.errors import AwsError
from tray_app.core.holds import Judge, hold_for, join

pytestmark = pytest.mark.functional
POLICY = Path(__file__).resolve().parents[2] / "policies" / "tray-user.json"
# botocore's operation names -> the IAM actions that authorize them
IAM_ACTION = {"lambda.Invoke": "lambda:InvokeFunction", "s3.ListObjectsV2": "s3:ListBucket"}


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def statements(document: dict[str, Any]) -> dict[str, tuple[set[str], Any]]:
    result = {}
    for s in document["Statement"]:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        result[s["Sid"]] = (set(actions), s["Resource"])
    return result


def policy_actions() -> set[str]:
    return set().union(*(a for a, _ in statements(json.loads(POLICY.read_text())).values()))


def test_the_file_and_the_template_grant_the_same() -> None:
    in_file = statements(json.loads(POLICY.read_text()))
    in_template = statements(resource("TrayUserPolicy", SESSION_TEMPLATE)["PolicyDocument"])
    assert {sid: a for sid, (a, _) in in_file.items()} == {
        sid: a for sid, (a, _) in in_template.items()
    }
    for sid, (_, where) in in_file.items():
        assert where != "*", sid  # scoped to the rule, the function, the index, the files
    assert in_template["ReadTheLatestMetricFromTheTable"][1] == {
        "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/"
        "${TableName}/index/latest-index"
    }


def test_the_actions_are_exactly_the_calls_the_app_makes() -> None:
    with mock_aws():
        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        settings = config.load({"region": REGION}, env={})
        pipeline = Pipeline(AwsSession(settings), settings)
        made: set[str] = set()
        for service in ("events", "lambda", "dynamodb", "s3"):
            client = pipeline.aws.client(service)
            prefix = client.meta.service_model.endpoint_prefix

            def record(model: Any, _prefix: str = prefix, **_: Any) -> None:
                name = f"{_prefix}.{model.name}"
                made.add(IAM_ACTION.get(name, name.replace(".", ":")))

            client.meta.events.register(f"before-call.{prefix}", record)
        store = HoldStore(pipeline.aws, settings)
        pipeline.rule_enabled()
        mine = hold_for("desk", "desk", 1_800_000_000, 1_799_999_000, None)
        store.update(lambda s: join(s, mine, 1_799_999_000, Judge("desk")), "desk", 1_799_999_000)
        store.read()
        pipeline.start(1_800_000_000)
        pipeline.write_deadline(1_800_000_600)
        pipeline.session_deadline()
        pipeline.latest_metric()
        # a table built by hand: the newest files instead (listed, then one read)
        s3 = boto3.client("s3", region_name=REGION)
        s3.put_object(Bucket=settings.bucket, Key=f"metrics-{today()}-00-00-00.json", Body=b"{}")
        BucketMetrics(pipeline.aws, settings.bucket).recent(1)
        pipeline.stop()
        with contextlib.suppress(AwsError):  # moto cannot run it; the call is what counts
            pipeline.invoke()
        with contextlib.suppress(AwsError):  # no function in this stack; the call is what counts
            pipeline.function_clock_skew()
    assert made == policy_actions()


@pytest.fixture
def tray_user(endpoint: str, stack: dict[str, str]) -> Iterator[Any]:
    """Make IAM users holding the policy's actions; the emulator enforces IAM meanwhile."""
    iam = boto3.client("iam", region_name=REGION)

    def make(name: str, actions: set[str]) -> dict[str, str]:
        # The emulator checks actions only; resource-scoped statements never match in it.
        moto_actions = sorted(
            actions | ({"lambda:Invoke"} if "lambda:InvokeFunction" in actions else set())
        )
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": moto_actions, "Resource": "*"}],
        }
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="tray", PolicyDocument=json.dumps(document))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }

    users: dict[str, dict[str, str]] = {}
    yield lambda name, actions: users.setdefault(name, make(name, actions))
    set_free_actions(endpoint, "inf")


def cli(endpoint: str, keys: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, *args],
        env={**os.environ, **keys},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_policy_is_enough_for_every_session_command(endpoint: str, tray_user: Any) -> None:
    keys = tray_user("tray", policy_actions())
    set_free_actions(endpoint, "0")
    for command in (
        ["status"],
        ["start", "--minutes", "5"],
        ["latest"],
        ["stop"],
        ["status", "--json"],
    ):
        done = cli(endpoint, keys, *command)
        assert done.returncode == 0, (command, done.stderr)
    # Not `invoke`: with IAM enforced, moto's server answers every Lambda Invoke with
    # SignatureDoesNotMatch, even under lambda:*. test_the_actions_are_exactly_the_calls_the_app
    # _makes shows the one action it needs.


def test_one_action_less_is_denied_and_named(endpoint: str, tray_user: Any) -> None:
    keys = tray_user("almost", policy_actions() - {"events:PutTargets"})
    set_free_actions(endpoint, "0")
    done = cli(endpoint, keys, "start")
    assert done.returncode == 1
    assert "access denied: your AWS identity may not call PutTargets" in done.stderr


def test_without_the_session_record_start_is_denied_and_named(
    endpoint: str, tray_user: Any
) -> None:
    keys = tray_user("no-share", policy_actions() - {"dynamodb:PutItem"})
    set_free_actions(endpoint, "0")
    done = cli(endpoint, keys, "start")
    assert done.returncode == 1
    assert "access denied: your AWS identity may not call PutItem" in done.stderr
