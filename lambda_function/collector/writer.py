"""Store one record in S3 and DynamoDB so that a retried delivery never adds a second record."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector.container import Container
from collector.gate import Gate, NotSentError, call_through
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


def _write_both_at_once(record: dict[str, Any], container: Container) -> None:
    gate = Gate()
    gate.open()
    held_writes(record, container, gate).result()


class HeldWrites:
    """The two writes of a scheduled run, prepared on the pool's threads and held at a gate."""

    def __init__(self, gate: Gate, s3: Future[None], dynamodb: Future[None]) -> None:
        self.gate = gate
        self._futures = {"dynamodb": dynamodb, "s3": s3}

    def result(self) -> None:
        """Wait for both; raise WriteError naming each store that failed (an unsent one did not)."""
        failures: dict[str, Exception] = {}
        for store, future in self._futures.items():
            try:
                future.result()
            except NotSentError:
                continue  # the gate was closed: nothing was written, as the guard decided
            except (BotoCoreError, ClientError) as err:
                failures[store] = err
        if failures:
            raise WriteError(failures)

    def drop(self) -> None:
        """Close the gate and wait until both threads have let their requests go unsent."""
        self.gate.close()
        self.result()


def held_writes(record: dict[str, Any], container: Container, gate: Gate) -> HeldWrites:
    """Start both writes of a stable-keyed record; each is sent only once `gate` opens.

    With stable keys (the scheduled event's) both writes simply overwrite, so they can run at
    the same time, and a retry rewrites the same record.
    """
    pool = container.pool
    s3_client, dynamodb_client = container.s3, container.dynamodb  # created before asking held_back
    s3 = pool.submit(
        call_through,
        gate,
        "s3" in container.held_back,
        s3_client.put_object,
        Bucket=container.settings.bucket,
        Key=record["s3_key"],
        Body=s3_body(record),
        ContentType="application/json",
    )
    dynamodb = pool.submit(
        call_through,
        gate,
        "dynamodb" in container.held_back,
        dynamodb_client.put_item,
        TableName=container.settings.table,
        Item=dynamodb_item(record),
    )
    return HeldWrites(gate, s3, dynamodb)


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
