"""The shared study session as one item in the session table of ours (session-control.yaml),
changed only by conditional write.

EventBridge has no compare-and-set, DynamoDB has: every change is read (strongly consistent) →
plan → PutItem on condition that `version` is still what we read. Two clients changing the
session at once: one write lands, the other reads again and plans anew, so no hold is lost.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tray_app.aws.client_session import AwsSession
from tray_app.aws.error_messages import error_code
from tray_app.core.errors import CONNECT_HINT, AwsError, NotConnectedError, NotFoundError
from tray_app.core.holds import Change, Shared
from tray_app.core.resolved_config import Config
from tray_app.core.session_record import (
    ReadItem,
    UnreadableItemError,
    read_item,
    record_key,
    write_item,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

log = logging.getLogger(__name__)

MAX_WRITES = 12  # conflicting writers, each retried after a short random pause
CONFLICT = "ConditionalCheckFailedException"


class HoldStore:
    """Reads and changes the session record of one rule."""

    def __init__(
        self, aws: AwsSession, config: Config, pause: Callable[[float], None] = time.sleep
    ) -> None:
        self.aws = aws
        self.table = config.session_table
        self.rule = config.rule
        self._pause = pause
        self._where = f"table {self.table} in {aws.region}"
        self._noted: set[str] = set()  # kept holds already logged: a poll must not repeat them

    @property
    def _dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = self.aws.client("dynamodb")
        return client

    def read(self) -> Shared:
        """The session as it is now (a strongly consistent GetItem: 1 read unit)."""
        return self._read().shared

    def _read(self) -> ReadItem:
        try:
            with self.aws.calling("read the study session", self._where):
                answer = self._dynamodb.get_item(
                    TableName=self.table, Key=record_key(self.rule), ConsistentRead=True
                )
        except NotFoundError as err:
            raise NotConnectedError(
                f"rule {self.rule} has no session control yet ({self._where} not found): "
                f"{CONNECT_HINT}"
            ) from err
        try:
            found = read_item(answer.get("Item"))
        except UnreadableItemError as err:
            # Said once, as one error: retrying the write cannot make the item readable.
            raise AwsError(
                f"the study session record of rule {self.rule} in {self._where} cannot be read: "
                f"{err}; "
                "fix or delete that item (the next start writes a new one)"
            ) from err
        for note in found.notes:
            if note not in self._noted:
                self._noted.add(note)
                log.warning("study session of rule %s: %s", self.rule, note)
        return found

    def update(
        self, plan: Callable[[Shared], Change | None], writer: str, now: float
    ) -> tuple[Shared, Change | None]:
        """Apply `plan` to the current session and write it if nothing changed meanwhile.

        Returns the session before the change and the change as written (its `shared` carries
        the new version), or the change None when `plan` declined (the session is unchanged).
        What the read could not parse is written back unchanged.
        """
        for attempt in range(MAX_WRITES):
            found = self._read()
            current = found.shared
            change = plan(current)
            if change is None:
                return current, None
            written = Shared(change.shared.holds, current.version + 1)
            item = write_item(self.rule, written, writer, now, carried=found)
            if self._put(item, current.version):
                return current, Change(written, change.rule_on)
            # Someone else wrote first: back off a little at random so we do not collide again.
            self._pause(random.uniform(0, 0.02 * (attempt + 1)))  # noqa: S311 - jitter, not crypto
        raise AwsError(
            f"the study session in {self._where} kept changing under us ({MAX_WRITES} tries): "
            "try again"
        )

    def _put(self, item: dict[str, Any], expected: int) -> bool:
        """True when written; False when another client changed the session first."""
        condition: dict[str, Any] = (
            {
                "ConditionExpression": "attribute_not_exists(#key)",
                "ExpressionAttributeNames": {"#key": "rule"},
            }
            if expected == 0
            else {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected)}},
            }
        )
        with self.aws.calling("change the study session", self._where):
            try:
                self._dynamodb.put_item(TableName=self.table, Item=item, **condition)
            except ClientError as err:
                if error_code(err) == CONFLICT:
                    return False
                raise
        return True
