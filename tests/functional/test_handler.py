"""The Lambda handler against moto's S3, DynamoDB and EventBridge (in-process)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import data_collector
import pytest
from collector.container import Container, MisconfiguredError
from collector.writer import WriteError
from data_collector import handle
from moto import mock_aws

from tests.aws_names import REGION
from tests.lambda_context import LambdaContext
from tests.template_resources import create_pipeline

pytestmark = pytest.mark.functional
EVENTS = Path(__file__).resolve().parents[1] / "events"
NOW = 1_795_700_000.0  # 2026-11-26T13:33:20Z


@dataclass
class Pipeline:
    s3: Any
    dynamodb: Any
    events: Any
    names: dict[str, str]

    def objects(self) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=self.names["bucket"])
        return [o["Key"] for o in listed.get("Contents", [])]

    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.dynamodb.scan(TableName=self.names["table"])["Items"]
        return items

    def newest(self) -> dict[str, Any] | None:
        found = self.dynamodb.query(
            TableName=self.names["table"],
            IndexName="latest-index",
            KeyConditionExpression="record_type = :t",
            ExpressionAttributeValues={":t": {"S": "metrics"}},
            ScanIndexForward=False,
            Limit=1,
        )["Items"]
        return found[0] if found else None

    def rule_state(self) -> str:
        return str(self.events.describe_rule(Name=self.names["rule"])["State"])


@pytest.fixture
def pipeline(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pipeline]:
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        names = create_pipeline(session, REGION)
        monkeypatch.setenv("S3_BUCKET", names["bucket"])
        monkeypatch.setenv("DYNAMODB_TABLE", names["table"])
        monkeypatch.setenv("REGION", REGION)
        yield Pipeline(
            s3=session.client("s3"),
            dynamodb=session.client("dynamodb"),
            events=session.client("events"),
            names=names,
        )


@pytest.fixture
def container() -> Container:
    return Container()


def event(name: str) -> Any:
    return json.loads((EVENTS / name).read_text())


def run(
    container: Container, payload: Any, request_id: str = "req-1", now: float = NOW
) -> dict[str, Any]:
    return handle(payload, LambdaContext(aws_request_id=request_id), container, now=now)


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_scheduled_event_writes_one_object_and_one_item(
    pipeline: Pipeline, container: Container
) -> None:
    result = run(container, event("scheduled_event.json"))
    assert result["statusCode"] == 200 and result["collected"] is True
    key = result["s3_key"]
    assert key == "metrics-2015-10-08-16-53-06-53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa.json"
    assert pipeline.objects() == [key]
    body = json.loads(
        pipeline.s3.get_object(Bucket=pipeline.names["bucket"], Key=key)["Body"].read()
    )
    assert body["timestamp"] == 1444323186 and body["timestamp_iso"] == "2015-10-08T16:53:06Z"
    (item,) = pipeline.items()
    assert item["timestamp"] == {"N": "1444323186"}
    assert item["timestamp_iso"] == {"S": "2015-10-08T16:53:06Z"}
    assert item["expires_at"] == {"N": str(1444323186 + 7 * 86400)}
    assert item["s3_key"] == {"S": key}
    for metric in (
        "cpu_percent",
        "memory_used_percent",
        "load_1m",
        "tmp_disk_used_percent",
        "uptime_seconds",
    ):
        assert set(item[metric]) == {"N"}, metric
        assert float(item[metric]["N"]) == body[metric]


@pytest.mark.parametrize(
    "payload",
    [{}, None, [1, 2, 3], "just text", 7],
    ids=["console", "null", "list", "string", "number"],
)
def test_any_event_without_our_fields_collects_as_a_direct_invoke(
    pipeline: Pipeline, container: Container, payload: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(container, payload)
    assert result["collected"] is True
    assert re.fullmatch(r"metrics-2026-11-26-13-33-20-req-1\.json", result["s3_key"])
    assert pipeline.newest() is not None
    (line,) = log_lines(capsys)
    assert line["collected"] is True and line["request_id"] == "req-1"


def test_a_bad_time_is_a_400_and_writes_nothing(
    pipeline: Pipeline, container: Container, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(container, {"time": "tomorrow"})
    assert result == {
        "statusCode": 400,
        "collected": False,
        "error": "time must be an ISO-8601 string, got 'tomorrow'",
    }
    assert pipeline.objects() == [] and pipeline.items() == []
    (line,) = log_lines(capsys)
    assert line["level"] == "error" and line["request_id"] == "req-1"


def test_the_collector_never_switches_the_rule_whatever_its_event_says(
    pipeline: Pipeline, container: Container
) -> None:
    pipeline.events.enable_rule(Name=pipeline.names["rule"])
    payload = {**event("scheduled_with_deadline.json"), "session_deadline": int(NOW) - 1}
    assert run(container, payload)["collected"] is True  # an older tray's copy: not its job
    assert pipeline.rule_state() == "ENABLED"
    assert len(pipeline.items()) == 1


def test_a_retried_delivery_never_adds_a_second_record(
    pipeline: Pipeline, container: Container
) -> None:
    scheduled = event("scheduled_with_deadline.json")
    scheduled["session_deadline"] = int(NOW) + 600
    first = run(container, scheduled, request_id="req-1")
    run(container, scheduled, request_id="req-1", now=NOW + 60)  # Lambda async retry
    run(container, scheduled, request_id="req-2", now=NOW + 120)  # EventBridge redelivery
    assert pipeline.objects() == [first["s3_key"]]
    assert len(pipeline.items()) == 1
    run(container, {}, request_id="direct-1")  # the tray's Invoke: synchronous, never retried
    assert len(pipeline.objects()) == 2 and len(pipeline.items()) == 2


def test_two_invocations_in_the_same_second_are_two_records(
    pipeline: Pipeline, container: Container
) -> None:
    a = run(container, {}, request_id="aaaa")
    b = run(container, {}, request_id="bbbb")
    assert a["s3_key"] != b["s3_key"]
    assert a["record"]["timestamp"] == b["record"]["timestamp"]
    assert len(pipeline.objects()) == 2 and len(pipeline.items()) == 2


def test_newest_record_is_one_query_away(pipeline: Pipeline, container: Container) -> None:
    run(container, {}, request_id="old", now=NOW)
    run(container, {}, request_id="new", now=NOW + 300)
    run(container, {}, request_id="mid", now=NOW + 150)
    newest = pipeline.newest()
    assert newest is not None and newest["collection_id"] == {"S": "new"}


def test_cold_then_warm(pipeline: Pipeline, container: Container) -> None:
    cold = run(container, {}, request_id="one")["record"]
    warm = run(container, {}, request_id="two")["record"]
    assert (cold["cold_start"], cold["cpu_window"]) == (True, "since_boot")
    assert warm["cold_start"] is False
    assert warm["remaining_time_ms"] == 59_000


def test_the_deployed_entry_point_runs_with_its_environment(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data_collector, "CONTAINER", Container())
    result = data_collector.lambda_handler({}, LambdaContext(aws_request_id="entry"))
    assert result["collected"] is True
    assert pipeline.newest() is not None


def test_a_failed_write_raises_logs_and_a_retry_completes_the_record(
    pipeline: Pipeline, container: Container, capsys: pytest.CaptureFixture[str]
) -> None:
    table = pipeline.names["table"]
    described = pipeline.dynamodb.describe_table(TableName=table)["Table"]
    pipeline.dynamodb.delete_table(TableName=table)
    with pytest.raises(WriteError, match=r"dynamodb: .*ResourceNotFoundException"):
        run(container, event("scheduled_event.json"), request_id="r")
    (line,) = log_lines(capsys)
    assert line["level"] == "error" and line["request_id"] == "r" and "dynamodb" in line["error"]
    assert line["error_type"] == "WriteError"
    assert len(pipeline.objects()) == 1  # S3 did not wait for DynamoDB
    pipeline.dynamodb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=described["AttributeDefinitions"],
        KeySchema=described["KeySchema"],
        GlobalSecondaryIndexes=[
            {k: g[k] for k in ("IndexName", "KeySchema", "Projection")}
            for g in described["GlobalSecondaryIndexes"]
        ],
    )
    run(container, event("scheduled_event.json"), request_id="r")  # Lambda's retry
    assert len(pipeline.objects()) == 1 and len(pipeline.items()) == 1


def test_missing_bucket_fails_loudly(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3_BUCKET", "no-such-bucket-here")
    with pytest.raises(WriteError, match=r"s3: .*NoSuchBucket"):
        run(Container(), {})


def test_missing_environment_is_a_misconfiguration(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DYNAMODB_TABLE")
    with pytest.raises(MisconfiguredError, match="DYNAMODB_TABLE not set"):
        run(Container(), {})


def test_clients_can_be_injected(pipeline: Pipeline) -> None:
    made: list[str] = []

    def factory(service: str, region: str | None) -> Any:
        made.append(service)
        return boto3.client(service, region_name=region)  # type: ignore[call-overload]

    injected = Container(client_factory=factory)
    assert run(injected, {})["collected"] is True
    assert run(injected, {})["collected"] is True
    assert sorted(made) == ["dynamodb", "s3"]  # once each per container
