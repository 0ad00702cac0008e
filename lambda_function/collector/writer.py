"""Store one record in S3 and DynamoDB so that a retried delivery never adds a second record."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector.container import Container
from collector.record import dynamodb_item, record_from_item, s3_body


class WriteError(RuntimeError):
    """One or both writes failed; the message names each store and its error."""

    def __init__(self, failures: dict[str, Exception]) -> None:
        self.failures = failures
        super().__init__("; ".join(f"{store}: {err}" for store, err in failures.items()))


def write_record(record: dict[str, Any], container: Container, stable_keys: bool) -> dict[str, Any]:
    """Store the record and return what is stored (a retry may find an earlier attempt's record).

    `stable_keys`: the S3 key and item key come from the scheduled event, the same on every
    retry, so both writes can simply overwrite and run at the same time. Otherwise (a direct
    invoke keyed by request id and the time of this attempt) the first attempt's record wins.
    """
    if stable_keys:
        _write_both_at_once(record, container)
        return record
    return _write_first_attempt_wins(record, container)


def _put_object(container: Container, record: dict[str, Any]) -> None:
    container.s3.put_object(
        Bucket=container.settings.bucket,
        Key=record["s3_key"],
        Body=s3_body(record),
        ContentType="application/json",
    )


def _put_item(container: Container, record: dict[str, Any]) -> None:
    container.dynamodb.put_item(TableName=container.settings.table, Item=dynamodb_item(record))


def _write_both_at_once(record: dict[str, Any], container: Container) -> None:
    # The S3 write goes to the pool while this thread writes the item: one round trip, not two.
    s3_write = container.pool.submit(_put_object, container, record)
    failures: dict[str, Exception] = {}
    try:
        _put_item(container, record)
    except (BotoCoreError, ClientError) as err:
        failures["dynamodb"] = err
    try:
        s3_write.result()
    except (BotoCoreError, ClientError) as err:
        failures["s3"] = err
    if failures:
        raise WriteError(dict(sorted(failures.items(), key=lambda pair: pair[0] != "s3")))


def _write_first_attempt_wins(record: dict[str, Any], container: Container) -> dict[str, Any]:
    # The item goes first and only if new; a retry gets the first attempt's item back (same
    # request id) and rewrites S3 under that attempt's key instead of adding a second object.
    stored = record
    try:
        container.dynamodb.put_item(
            TableName=container.settings.table,
            Item=dynamodb_item(record),
            ConditionExpression="attribute_not_exists(collection_id)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise WriteError({"dynamodb": err}) from err
        stored = record_from_item(err.response.get("Item") or {})  # type: ignore[arg-type]
        if "s3_key" not in stored:
            raise WriteError({"dynamodb": err}) from err
    except BotoCoreError as err:
        raise WriteError({"dynamodb": err}) from err
    try:
        _put_object(container, stored)
    except (BotoCoreError, ClientError) as err:
        raise WriteError({"s3": err}) from err
    return stored
