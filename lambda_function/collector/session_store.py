"""The guard's two DynamoDB calls: read the shared session's item, prune its lapsed holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector.container import Container
from collector.holds import (
    Session,
    UnreadableSessionError,
    parse_session,
    pruned_item,
    session_key,
)

# A placeholder for `version`: DynamoDB rejects reserved words used bare, and moto does not
# (EMULATOR.md), so only AWS would catch a bare one.
VERSION = "#version"

PRUNED = "pruned"
CHANGED = "changed meanwhile"


@dataclass(frozen=True)
class Lookup:
    """What the read found; `session` is None unless the item exists and could be read."""

    status: str  # "found", "missing", "unreadable" or "read failed"
    session: Session | None = None
    item: dict[str, Any] | None = None  # the item as read, for the prune
    error: str | None = None  # why it was unreadable or the read failed


def read_session(container: Container, rule_name: str) -> Lookup:
    """Read the session item strongly consistently; failures become a Lookup, never raise."""
    try:
        found = container.dynamodb.get_item(
            TableName=container.settings.table,
            Key={"collection_id": {"S": session_key(rule_name)}},
            # A hold written just before this run must count: an eventually consistent read
            # could miss it and end a session someone has just joined.
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as err:
        # The guard falls back to the event's deadline; failing the run would only make Lambda
        # retry it, with the rule still on.
        return Lookup(status="read failed", error=f"GetItem: {type(err).__name__}: {err}")
    item: dict[str, Any] | None = found.get("Item")
    if item is None:
        return Lookup(status="missing")
    try:
        session = parse_session(item)
    except UnreadableSessionError as err:
        return Lookup(status="unreadable", item=item, error=str(err))
    return Lookup(status="found", session=session, item=item)


def prune(container: Container, item: Mapping[str, Any], session: Session) -> str:
    """Clear the lapsed holds if the item is still at the version read: PRUNED, CHANGED or the
    error's text."""
    version = session.version
    try:
        container.dynamodb.put_item(
            TableName=container.settings.table,
            Item=pruned_item(item, session),
            ConditionExpression=f"{VERSION} = :v",
            ExpressionAttributeNames={VERSION: "version"},
            ExpressionAttributeValues={":v": {"N": str(version)}},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return CHANGED
        return f"{type(err).__name__}: {err}"
    except BotoCoreError as err:
        return f"{type(err).__name__}: {err}"
    return PRUNED
