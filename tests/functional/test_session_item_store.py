"""The tray's store against the emulator with session items other writers left: a hold it cannot
parse survives its joins and leaves, and an unreadable version is one clear error."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from tests.aws_names import REGION
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tray_app.app import config
from tray_app.app.executor import Executor
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.core.errors import AwsError
from tray_app.core.events import Done, Failed, Join, Leave
from tray_app.core.holds import Judge, hold_for

pytestmark = [pytest.mark.functional, pytest.mark.dynamodb_backends]
KEY = SESSION_KEY
ODD = {"M": {"lapses": {"S": "when the build is green"}, "by": {"S": "a newer tray"}}}


def tray(endpoint: str, name: str) -> tuple[Executor, HoldStore, list[str]]:
    """A tray's executor and store; the list collects the DynamoDB calls it makes."""
    settings = config.load({"endpoint_url": endpoint, "region": REGION}, env={})
    aws = AwsSession(settings)
    store = HoldStore(aws, settings)
    calls: list[str] = []
    aws.client("dynamodb").meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    return Executor(Pipeline(aws, settings), store, Judge(name), time.time), store, calls


def put_item(item: dict[str, Any]) -> None:
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=SESSION_TABLE, Item=item)


def stored_holds() -> dict[str, Any]:
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=KEY, ConsistentRead=True
    )["Item"]
    return dict(item["holds"]["M"])


def test_a_hold_the_tray_cannot_parse_survives_its_join_and_its_leave(
    endpoint: str, stack: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    put_item({**KEY, "version": {"N": "4"}, "holds": {"M": {"odd": ODD}}})
    desk, _, _ = tray(endpoint, "desk")
    now = time.time()
    assert isinstance(desk.perform(Join(hold_for("desk", "desk", int(now) + 3600, now, 900))), Done)
    assert set(stored_holds()) == {"odd", "desk"} and stored_holds()["odd"] == ODD
    assert isinstance(desk.perform(Leave("desk", "quit")), Done)
    assert stored_holds() == {"odd": ODD}
    assert "hold 'odd' kept as it is: lapses is not a number" in caplog.text
    assert caplog.text.count("hold 'odd'") == 1  # said once, not at every read


def test_an_unreadable_version_is_one_clear_error_not_a_dozen_retries(
    endpoint: str, stack: dict[str, str]
) -> None:
    put_item({**KEY, "version": {"S": "seven"}, "holds": {"M": {}}})
    desk, store, calls = tray(endpoint, "desk")
    now = time.time()
    outcome = desk.perform(Join(hold_for("desk", "desk", int(now) + 3600, now, 900)))
    assert isinstance(outcome, Failed)
    assert "cannot be read: its version is not an integer" in outcome.message
    assert calls == ["GetItem"]  # no conditional write was tried
    with pytest.raises(AwsError, match="fix or delete that item"):
        store.read()
