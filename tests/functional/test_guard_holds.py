"""The handler's guard reads the shared session's holds: the emulator, behind a fault proxy.

The function's own clients (its retry and timeout settings) go through the proxy, which records
every call by operation, so "no GetItem was made" and "only the prune was written" are counted
on the wire, and a failing read is a real AccessDenied or a dropped connection.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
import pytest
from collector.collect import handle
from collector.container import Container

from tests.aws_names import REGION
from tests.faults.fault_proxy import Fault, FaultProxy, access_denied, network_down
from tests.lambda_context import LambdaContext

pytestmark = [pytest.mark.functional, pytest.mark.dynamodb_backends]
EVENTS = Path(__file__).resolve().parents[1] / "events"
NOW = 1_795_700_000  # 2026-11-26T13:33:20Z


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(endpoint) as running:
        yield running


def container_for(url: str, stack: dict[str, str], **env: str) -> Container:
    """A fresh Lambda container whose own clients talk to `url`."""
    container = Container(
        environment={
            "S3_BUCKET": stack["bucket"],
            "DYNAMODB_TABLE": stack["table"],
            "REGION": REGION,
            "RULE_NAME": stack["rule"],
            **env,
        }
    )
    with patch.dict(os.environ, {"AWS_ENDPOINT_URL": url}):  # read when a client is made
        _ = container.s3, container.dynamodb, container.events
    return container


def key(stack: dict[str, str]) -> dict[str, Any]:
    return {"collection_id": {"S": f"session#{stack['rule']}"}}


def put_session(stack: dict[str, str], lapses: dict[str, float], version: int = 7) -> None:
    """The sample session item with one heartbeat-less hold per holder (ends == lapses)."""
    item = json.loads((EVENTS / "session_item.json").read_text())
    item["collection_id"] = key(stack)["collection_id"]
    item["version"] = {"N": str(version)}
    item["holds"] = {
        "M": {
            holder: {
                "M": {
                    "name": {"S": f"{holder} tray"},
                    "ends": {"N": str(at)},
                    "heartbeat": {"BOOL": False},
                    "lapses": {"N": str(at)},
                }
            }
            for holder, at in lapses.items()
        }
    }
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=stack["table"], Item=item)


def session_item(stack: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=stack["table"], Key=key(stack), ConsistentRead=True
    )["Item"]
    return found


def records(stack: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The metrics items (the session item left out) and the bucket's object keys."""
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=stack["table"])["Items"]
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=stack["bucket"])
    metrics = [i for i in items if "record_type" in i]
    return metrics, [o["Key"] for o in listed.get("Contents", [])]


def rule_state(stack: dict[str, str]) -> str:
    return str(
        boto3.client("events", region_name=REGION).describe_rule(Name=stack["rule"])["State"]
    )


def enable(stack: dict[str, str]) -> None:
    boto3.client("events", region_name=REGION).enable_rule(Name=stack["rule"])


def scheduled(deadline: int | None = None) -> dict[str, Any]:
    """What the rule delivers: the schedule's time and id, and the deadline the tray put there."""
    payload: dict[str, Any] = json.loads((EVENTS / "scheduled_with_deadline.json").read_text())
    payload.pop("session_deadline")
    if deadline is not None:
        payload["session_deadline"] = deadline
    return payload


def run(container: Container, payload: Any, now: float = NOW) -> dict[str, Any]:
    return handle(payload, LambdaContext(), container, now=now)


def log_line(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    (line,) = capsys.readouterr().out.splitlines()
    found: dict[str, Any] = json.loads(line)
    return found


def test_a_live_hold_keeps_collecting_even_when_the_events_deadline_has_passed(
    stack: dict[str, str], proxy: FaultProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW + 600, "phone": NOW - 3600})
    container = container_for(proxy.url, stack)
    asked: list[dict[str, Any]] = []
    container.dynamodb.meta.events.register(
        "before-parameter-build.dynamodb.GetItem", lambda params, **_: asked.append(params)
    )
    # A PutTargets that lost the tray's extension leaves a stale deadline in the event.
    result = run(container, scheduled(deadline=NOW - 60))
    assert result["collected"] is True
    assert rule_state(stack) == "ENABLED"
    assert [len(found) for found in records(stack)] == [1, 1]
    assert session_item(stack)["version"] == {"N": "7"}  # a live session is left alone
    (params,) = asked
    assert params["ConsistentRead"] is True and params["Key"] == key(stack)
    # The whole item: the prune rewrites it, and must keep what a newer tray may have added.
    assert "ProjectionExpression" not in params
    line = log_line(capsys)
    assert (line["session"], line["guard"], line["live_holds"]) == (
        "found",
        "live hold",
        ["laptop"],
    )


def test_only_lapsed_holds_disable_the_rule_write_nothing_and_prune_the_item(
    stack: dict[str, str], proxy: FaultProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW - 600, "cli": NOW - 181})
    before = session_item(stack)
    # The event's deadline is still ahead: the holds, not this copy of them, decide.
    result = run(container_for(proxy.url, stack), scheduled(deadline=NOW + 3600))
    assert result["statusCode"] == 200 and result["collected"] is False
    assert result["reason"] == "no live hold"
    assert result["rule_disabled"] == stack["rule"]
    assert rule_state(stack) == "DISABLED"
    assert records(stack) == ([], [])
    assert proxy.count("PutObject") == 0 and proxy.count("PutItem") == 1  # the prune only
    assert session_item(stack) == {**before, "holds": {"M": {}}, "version": {"N": "8"}}
    line = log_line(capsys)
    assert (line["guard"], line["prune"]) == ("no live hold", "pruned")


def test_both_writes_are_prepared_during_the_read_and_dropped_unsent_without_a_live_hold(
    stack: dict[str, str], proxy: FaultProxy
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW - 600})
    container = container_for(proxy.url, stack)
    prepared: list[str] = []
    container.s3.meta.events.register(
        "request-created.s3.PutObject", lambda request, **_: prepared.append("object")
    )
    container.dynamodb.meta.events.register(
        "before-parameter-build.dynamodb.PutItem",
        lambda params, **_: prepared.append("item" if "record_type" in params["Item"] else "prune"),
    )
    result = run(container, scheduled())
    assert (result["collected"], result["reason"]) == (False, "no live hold")
    # built (and the object signed) while the guard read the session item ...
    assert sorted(prepared) == ["item", "object", "prune"]
    # ... and never sent: the one PutItem on the wire is the prune
    assert proxy.count("PutObject") == 0 and proxy.count("PutItem") == 1
    assert records(stack) == ([], [])


def test_a_hold_lapsed_within_the_clock_skew_margin_still_collects(
    stack: dict[str, str], proxy: FaultProxy
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW - 100})  # this laptop's clock may run 3 min slow
    assert run(container_for(proxy.url, stack), scheduled())["collected"] is True
    assert rule_state(stack) == "ENABLED"
    assert session_item(stack)["version"] == {"N": "7"}


def test_clock_skew_seconds_zero_ends_the_session_at_the_lapse_time(
    stack: dict[str, str], proxy: FaultProxy
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW - 100})
    container = container_for(proxy.url, stack, CLOCK_SKEW_SECONDS="0")
    result = run(container, scheduled())
    assert (result["collected"], result["reason"]) == (False, "no live hold")
    assert rule_state(stack) == "DISABLED"
    assert session_item(stack)["holds"] == {"M": {}}


@pytest.mark.parametrize(
    ("deadline", "collected", "state"),
    [(NOW - 1, False, "DISABLED"), (NOW + 60, True, "ENABLED"), (None, True, "ENABLED")],
    ids=["passed", "ahead", "none"],
)
def test_without_a_session_item_the_events_deadline_decides_as_before(
    stack: dict[str, str],
    proxy: FaultProxy,
    capsys: pytest.CaptureFixture[str],
    deadline: int | None,
    collected: bool,
    state: str,
) -> None:
    enable(stack)  # a tray older than holds writes no session item
    result = run(container_for(proxy.url, stack), scheduled(deadline))
    assert result["collected"] is collected
    assert rule_state(stack) == state
    assert proxy.count("GetItem") == 1
    if not collected:
        assert result["reason"] == "session deadline passed"
        assert proxy.count("PutItem") == 0 and records(stack) == ([], [])
    line = log_line(capsys)
    assert (line["session"], line["guard"]) == ("missing", "event deadline")


@pytest.mark.parametrize("payload", [{}, None, [1, 2], "console_test_event.json"])
def test_a_direct_invoke_never_reads_the_session(
    stack: dict[str, str],
    proxy: FaultProxy,
    payload: Any,
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW - 3600})  # lapsed long ago, not pruned yet
    if isinstance(payload, str):
        payload = json.loads((EVENTS / payload).read_text())
    assert run(container_for(proxy.url, stack), payload)["collected"] is True
    assert proxy.count("GetItem") == 0
    assert rule_state(stack) == "ENABLED"
    assert session_item(stack)["version"] == {"N": "7"}


@pytest.mark.parametrize(
    ("fault", "error"),
    [(access_denied("GetItem"), "ClientError"), (network_down("GetItem"), "ConnectionClosed")],
    ids=["denied", "network"],
)
@pytest.mark.parametrize(
    ("deadline", "collected"), [(NOW + 60, True), (NOW - 60, False)], ids=["ahead", "passed"]
)
def test_a_failed_read_falls_back_to_the_events_deadline_and_is_logged(
    stack: dict[str, str],
    proxy: FaultProxy,
    capsys: pytest.CaptureFixture[str],
    fault: Fault,
    error: str,
    deadline: int,
    collected: bool,
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW + 600})  # unreadable to this function
    proxy.inject(fault)
    result = run(container_for(proxy.url, stack), scheduled(deadline))
    assert result["collected"] is collected
    assert rule_state(stack) == ("ENABLED" if collected else "DISABLED")
    assert session_item(stack)["version"] == {"N": "7"}  # no prune without a read
    line = log_line(capsys)
    assert (line["level"], line["session"], line["guard"]) == (
        "info",
        "read failed",
        "event deadline",
    )
    assert error in line["session_error"] and "GetItem" in line["session_error"]


def test_an_unreadable_item_falls_back_and_a_malformed_hold_is_noted(
    stack: dict[str, str], proxy: FaultProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW + 600})
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(
        TableName=stack["table"],
        Key=key(stack),
        UpdateExpression="SET holds.odd = :odd",
        ExpressionAttributeValues={":odd": {"M": {"lapses": {"S": "tomorrow"}}}},
    )
    assert run(container_for(proxy.url, stack), scheduled())["collected"] is True
    line = log_line(capsys)
    assert line["session_notes"] == ["hold 'odd' ignored: lapses is not a number"]
    dynamodb.update_item(
        TableName=stack["table"], Key=key(stack), UpdateExpression="REMOVE version"
    )
    result = run(container_for(proxy.url, stack), scheduled(deadline=NOW - 1))
    assert (result["collected"], result["reason"]) == (False, "session deadline passed")
    line = log_line(capsys)
    assert (line["session"], line["guard"]) == ("unreadable", "event deadline")
    assert "version" in line["session_error"]


def test_a_prune_that_loses_to_a_concurrent_join_leaves_the_rule_on(
    stack: dict[str, str], proxy: FaultProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    enable(stack)
    put_session(stack, {"laptop": NOW - 600})
    container = container_for(proxy.url, stack)

    def tray_joins_meanwhile(params: dict[str, Any], **_: Any) -> None:
        # between the function's read and its prune (the metrics PutItem, prepared during the
        # read, also builds its parameters: only the session item's write counts)
        if params["Item"]["collection_id"] == key(stack)["collection_id"]:
            put_session(stack, {"laptop": NOW - 600, "desktop": NOW + 3600}, version=8)

    container.dynamodb.meta.events.register(
        "before-parameter-build.dynamodb.PutItem", tray_joins_meanwhile
    )
    result = run(container, scheduled())
    assert (result["collected"], result["reason"]) == (False, "session changed meanwhile")
    assert result["rule_disabled"] is None
    assert rule_state(stack) == "ENABLED"
    joined = session_item(stack)
    assert joined["version"] == {"N": "8"} and "desktop" in joined["holds"]["M"]
    assert log_line(capsys)["prune"] == "changed meanwhile"
