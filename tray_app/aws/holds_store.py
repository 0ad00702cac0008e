"""The shared study session as one item in the metrics table, changed only by conditional write.

EventBridge has no compare-and-set, DynamoDB has: every change is read (strongly consistent) →
plan → PutItem on condition that `version` is still what we read. Two clients changing the
session at once: one write lands, the other reads again and plans anew, so no hold is lost.
The item has no `record_type`, so it stays out of the newest-first metrics index.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tray_app.aws.client_session import AwsSession
from tray_app.aws.error_messages import error_code
from tray_app.core.errors import AwsError
from tray_app.core.holds import Change, Hold, Shared
from tray_app.core.resolved_config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KEY_PREFIX = "session#"
ITEM_TYPE = "study-session"
MAX_WRITES = 12  # conflicting writers, each retried after a short random pause
CONFLICT = "ConditionalCheckFailedException"


def session_key(rule: str) -> str:
    """The item's `collection_id`: one session per rule, so two pipelines can share a table."""
    return KEY_PREFIX + rule


class HoldStore:
    """Reads and changes the session record of one rule."""

    def __init__(
        self, aws: AwsSession, config: Config, pause: Callable[[float], None] = time.sleep
    ) -> None:
        self.aws = aws
        self.table = config.table
        self.key = session_key(config.rule)
        self._pause = pause
        self._where = f"table {config.table} in {aws.region}"

    @property
    def _dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = self.aws.client("dynamodb")
        return client

    def read(self) -> Shared:
        """The session as it is now (a strongly consistent GetItem: 1 read unit)."""
        with self.aws.calling("read the study session", self._where):
            answer = self._dynamodb.get_item(
                TableName=self.table,
                Key={"collection_id": {"S": self.key}},
                ConsistentRead=True,
            )
        return from_item(answer.get("Item"))

    def update(
        self, plan: Callable[[Shared], Change | None], writer: str, now: float
    ) -> tuple[Shared, Change | None]:
        """Apply `plan` to the current session and write it if nothing changed meanwhile.

        Returns the session before the change and the change as written (its `shared` carries
        the new version), or the change None when `plan` declined (the session is unchanged).
        """
        for attempt in range(MAX_WRITES):
            current = self.read()
            change = plan(current)
            if change is None:
                return current, None
            written = Shared(change.shared.holds, current.version + 1)
            if self._put(written, current.version, writer, now):
                return current, Change(written, change.rule_on)
            # Someone else wrote first: back off a little at random so we do not collide again.
            self._pause(random.uniform(0, 0.02 * (attempt + 1)))  # noqa: S311 - jitter, not crypto
        raise AwsError(
            f"the study session in {self._where} kept changing under us ({MAX_WRITES} tries): "
            "try again"
        )

    def _put(self, shared: Shared, expected: int, writer: str, now: float) -> bool:
        """True when written; False when another client changed the session first."""
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(collection_id)"}
            if expected == 0
            else {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected)}},
            }
        )
        with self.aws.calling("change the study session", self._where):
            try:
                self._dynamodb.put_item(
                    TableName=self.table, Item=to_item(self.key, shared, writer, now), **condition
                )
            except ClientError as err:
                if error_code(err) == CONFLICT:
                    return False
                raise
        return True


def to_item(key: str, shared: Shared, writer: str, now: float) -> dict[str, Any]:
    """The DynamoDB item for `shared`."""
    return {
        "collection_id": {"S": key},
        "item_type": {"S": ITEM_TYPE},
        "version": {"N": str(shared.version)},
        "holds": {
            "M": {
                h.holder: {
                    "M": {
                        "name": {"S": h.name},
                        "ends": {"N": str(h.ends)},
                        "heartbeat": {"BOOL": h.heartbeat},
                        "lapses": {"N": str(h.lapses)},
                    }
                }
                for h in shared.holds
            }
        },
        "updated_by": {"S": writer},
        "updated_at": {"N": str(int(now))},
    }


def from_item(item: dict[str, Any] | None) -> Shared:
    """The session in `item`; a missing item is an empty session at version 0. A hold that does
    not parse (written by hand, or by a newer version) is skipped rather than trusted."""
    if not item:
        return Shared()
    holds: list[Hold] = []
    for holder, typed in item.get("holds", {}).get("M", {}).items():
        fields = typed.get("M", {}) if isinstance(typed, dict) else {}
        try:
            holds.append(
                Hold(
                    holder=holder,
                    name=str(fields.get("name", {}).get("S") or holder),
                    ends=int(fields["ends"]["N"]),
                    heartbeat=bool(fields.get("heartbeat", {}).get("BOOL", False)),
                    lapses=int(fields["lapses"]["N"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    try:
        version = int(item.get("version", {}).get("N", "0"))
    except (TypeError, ValueError):
        version = 0
    return Shared(tuple(sorted(holds, key=lambda h: h.holder)), version)
