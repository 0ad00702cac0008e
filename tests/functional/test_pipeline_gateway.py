"""The session gateway against moto (in-process), Stubber only where moto cannot fail that way."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from moto import mock_aws

from tests.aws_names import REGION
from tests.emulator_process import put_metrics
from tests.template_resources import FUNCTION_ARN, OFF_SWITCH_ARN, create_pipeline
from tray_app.app import config
from tray_app.aws.client_session import AwsSession
from tray_app.aws.metrics_reader import MetricsReader
from tray_app.aws.pipeline import InvokeError, Pipeline
from tray_app.aws.target_input import OFF_SWITCH_ID
from tray_app.core.errors import AwsError, NotConnectedError

pytestmark = pytest.mark.functional


@pytest.fixture
def aws() -> Iterator[boto3.session.Session]:
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        create_pipeline(session, REGION)
        yield session


def pipeline(**flags: Any) -> Pipeline:
    settings = config.load({"region": REGION, **flags}, env={})
    return Pipeline(AwsSession(settings), settings)


def targets(
    aws: boto3.session.Session, rule: str = "data-collector-schedule"
) -> list[dict[str, Any]]:
    found = aws.client("events").list_targets_by_rule(Rule=rule)["Targets"]
    return [dict(t) for t in found]


def test_start_writes_the_deadline_copy_then_enables_and_stop_undoes_both(
    aws: boto3.session.Session,
) -> None:
    users = [t for t in targets(aws) if t["Id"] != OFF_SWITCH_ID]
    p = pipeline()
    assert p.rule_enabled() is False and p.session_deadline() is None
    p.start(1_800_000_000)
    assert p.rule_enabled() is True
    assert p.session_deadline() == 1_800_000_000
    ours = next(t for t in targets(aws) if t["Id"] == OFF_SWITCH_ID)
    assert (ours["Arn"], json.loads(ours["Input"])) == (
        OFF_SWITCH_ARN,
        {"session_deadline": 1_800_000_000},
    )
    p.write_deadline(1_800_000_600)  # extend
    assert p.session_deadline() == 1_800_000_600
    p.stop()
    assert p.rule_enabled() is False and p.session_deadline() is None
    assert [t for t in targets(aws) if t["Id"] != OFF_SWITCH_ID] == users  # never written


def test_a_hand_made_rule_that_is_not_connected_is_never_started_and_only_disabled(
    aws: boto3.session.Session,
) -> None:
    events = aws.client("events")
    events.put_rule(Name="my-rule", ScheduleExpression="rate(5 minutes)", State="ENABLED")
    console: Any = {"Id": "Id1234-console", "Arn": FUNCTION_ARN}
    events.put_targets(Rule="my-rule", Targets=[console])
    p = pipeline(rule="my-rule")
    with pytest.raises(NotConnectedError, match=r"run `pipeline-tray connect`"):
        p.start(1_800_000_000)
    assert p.session_deadline() is None
    p.stop()
    assert p.rule_enabled() is False
    assert targets(aws, "my-rule") == [console]  # byte for byte what the console made


@pytest.mark.parametrize("count", [10, 10_000])
def test_latest_metric_is_the_newest_item_in_one_query(
    aws: boto3.session.Session, count: int
) -> None:
    put_metrics(count)
    p = pipeline()
    calls: list[str] = []
    p.aws.client("dynamodb").meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    latest = p.latest_metric()
    assert calls == ["Query"]
    assert latest is not None
    assert latest["collection_id"] == f"id-{count - 1}"
    assert latest["timestamp"] == 1_700_000_000 + (count - 1) * 300
    assert latest["cpu_percent"] == 3.25 and latest["cold_start"] is False


def test_the_period_is_read_in_bounded_pages_newest_first(aws: boto3.session.Session) -> None:
    put_metrics(10)  # stamped 1_700_000_000 + 300 n
    reader = MetricsReader(pipeline().aws, "InfraMetrics", "infra-monitoring-pipeline-data")
    calls: list[str] = []
    reader.aws.client("dynamodb").meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    first, last = 1_700_000_000 + 300, 1_700_000_000 + 300 * 8
    whole = reader.between(first, last, page_size=3)
    assert [r["timestamp"] for r in whole.records] == list(range(last, first - 1, -300))
    assert (whole.pages, whole.complete, calls) == (3, True, ["Query"] * 3)
    assert set(whole.records[0]) == {"timestamp", "cpu_percent"}  # only what the report draws
    cut = reader.between(first, last, max_pages=2, page_size=3)
    assert (len(cut.records), cut.pages, cut.complete) == (6, 2, False)


def test_latest_metric_of_an_empty_table_is_none(aws: boto3.session.Session) -> None:
    assert pipeline().latest_metric() is None


def test_a_missing_rule_names_the_resource_and_the_deploy_hint(
    aws: boto3.session.Session,
) -> None:
    with pytest.raises(AwsError) as caught:
        pipeline(rule="gone").rule_enabled()
    assert str(caught.value) == (
        "rule gone in eu-west-1 not found: run `pipeline-tray deploy` or check --region"
    )


def put_file(aws: boto3.session.Session, key: str, record: dict[str, Any]) -> None:
    aws.client("s3").put_object(
        Bucket="infra-monitoring-pipeline-data", Key=key, Body=json.dumps(record).encode()
    )


def test_a_table_keyed_its_own_way_is_read_through_the_buckets_files(
    aws: boto3.session.Session,
) -> None:
    aws.client("dynamodb").create_table(
        TableName="Theirs",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "metric_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "metric_id", "KeyType": "HASH"}],
    )
    today = datetime.now(UTC)
    put_file(aws, f"metrics-{today:%Y-%m-%d}-00-00-01.json", {"cpu_usage": 1.5})
    put_file(aws, f"metrics-{today:%Y-%m-%d}-00-00-02.json", {"cpu_usage": 7.25, "mem": 40})
    put_file(aws, "metrics-2001-01-01-00-00-00.json", {"cpu_usage": 99})
    p = pipeline(table="Theirs")
    calls: list[str] = []
    p.aws.client("s3").meta.events.register(
        "before-call.s3", lambda model, **_: calls.append(model.name)
    )
    latest = p.latest_metric()
    assert latest is not None and (latest["cpu_usage"], latest["mem"]) == (7.25, 40)
    assert latest["s3_key"] == f"metrics-{today:%Y-%m-%d}-00-00-02.json"
    assert calls == ["ListObjectsV2", "GetObject"]  # today's prefix, then one file
    assert [r["cpu_usage"] for r in p.recent_metrics(5)] == [7.25, 1.5]
    without_table = pipeline(table="Nope").latest_metric()  # no table at all
    assert without_table is not None and without_table["cpu_usage"] == 7.25


def test_unreachable_endpoint() -> None:
    p = pipeline(endpoint_url="http://127.0.0.1:9")
    with pytest.raises(AwsError, match=r"^cannot reach AWS to read the rule: check your network"):
        p.rule_enabled()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ExpiredTokenException", "your AWS session token has expired: sign in again"),
        ("ThrottlingException", "AWS is throttling DescribeRule: wait a minute and try again"),
        (
            "AccessDeniedException",
            "access denied: your AWS identity may not call DescribeRule on rule "
            "data-collector-schedule in eu-west-1",
        ),
    ],
)
def test_errors_moto_cannot_produce(code: str, message: str) -> None:
    p = pipeline()
    with Stubber(p.aws.client("events")) as stub:
        stub.add_client_error("describe_rule", code, "from AWS")
        with pytest.raises(AwsError, match=message):
            p.rule_enabled()


def test_a_failed_function_reports_its_error_and_log_tail() -> None:
    p = pipeline()
    log = (
        "START RequestId: 1 Version: $LATEST\nTraceback (most recent call last):\n"
        "KeyError: 'S3_BUCKET'\nEND RequestId: 1\nREPORT RequestId: 1\tDuration: 3 ms\n"
    )
    payload = json.dumps({"errorMessage": "'S3_BUCKET'", "errorType": "KeyError"}).encode()
    with Stubber(p.aws.client("lambda")) as stub:
        stub.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "LogResult": base64.b64encode(log.encode()).decode(),
                "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
            },
        )
        with pytest.raises(InvokeError) as caught:
            p.invoke()
    assert (
        str(caught.value)
        == "function data-collector failed: 'S3_BUCKET' | log: KeyError: 'S3_BUCKET'"
    )
