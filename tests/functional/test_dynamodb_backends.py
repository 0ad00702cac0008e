"""DynamoDB Local really serves the session store: the item a tray writes is there and not in
moto, both behind the tests' router and when boto3 picks the endpoint from
AWS_ENDPOINT_URL_DYNAMODB (a user's own split setup)."""

from __future__ import annotations

import time

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.dynamodb_local import DynamoDbLocal, call
from tests.template_resources import SESSION_KEY, SESSION_TABLE, create_pipeline
from tray_app.app import config
from tray_app.app.executor import Executor
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.core.events import Done, Join
from tray_app.core.holds import Judge, hold_for
from tray_app.core.resolved_config import Config

pytestmark = pytest.mark.functional
KEY = SESSION_KEY


def join(settings: Config) -> None:
    """One tray joins the session."""
    aws = AwsSession(settings)
    desk = Executor(Pipeline(aws, settings), HoldStore(aws, settings), Judge("desk"), time.time)
    now = time.time()
    assert isinstance(desk.perform(Join(hold_for("desk", "desk", int(now) + 3600, now, 900))), Done)


def holders_in_dynamodb_local(server: DynamoDbLocal, table: str) -> set[str]:
    """The session item's holders, read from DynamoDB Local itself (no router, no boto3)."""
    found = call(server.url, "GetItem", {"TableName": table, "Key": KEY, "ConsistentRead": True})
    item = found["Item"]
    assert isinstance(item, dict)
    return set(item["holds"]["M"])


def moto_tables(moto_server: str) -> list[str]:
    """The tables moto holds."""
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=moto_server)
    return list(client.list_tables()["TableNames"])


@pytest.mark.dynamodb_backends
def test_the_session_item_lands_on_the_backend_under_test(
    endpoint: str,
    stack: dict[str, str],
    moto_server: str,
    dynamodb_backend: str,
    request: pytest.FixtureRequest,
) -> None:
    join(config.load({"endpoint_url": endpoint, "region": REGION}, env={}))
    if dynamodb_backend == "moto":
        assert moto_tables(moto_server) == sorted([stack["table"], SESSION_TABLE])
        return
    assert moto_tables(moto_server) == []
    server: DynamoDbLocal = request.getfixturevalue("dynamodb_local")
    assert holders_in_dynamodb_local(server, SESSION_TABLE) == {"desk"}


def test_aws_endpoint_url_dynamodb_sends_only_dynamodb_to_dynamodb_local(
    endpoint: str,
    moto_server: str,
    dynamodb_local: DynamoDbLocal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dynamodb_local.clear()
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # moto: the rule, the bucket
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local.url)
    create_pipeline(boto3.session.Session(region_name=REGION), REGION)
    join(config.load({"region": REGION}))  # the endpoints from the environment, as a user sets them
    assert holders_in_dynamodb_local(dynamodb_local, SESSION_TABLE) == {"desk"}
    assert moto_tables(moto_server) == []
    events = boto3.client("events", region_name=REGION, endpoint_url=moto_server)
    assert events.describe_rule(Name=RULE)["State"] == "ENABLED"
