"""Store one record in S3 and DynamoDB so that a retried delivery never adds a second record."""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector.container import Container
from collector.gate import Gate, call_through
from collector.proc_sampler import CpuTimes
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
    HeldWrites(lambda: (record, None), container).send()


# A run's record and the CPU times it was sampled from (the next run's baseline; None when the
# record was measured before it reached the writer).
Measured = tuple[dict[str, Any], CpuTimes | None]


class HeldWrites:
    """A stable-keyed record's two writes, each prepared on one of the pool's threads and held
    at one gate: sent together once it opens (send), or never (drop). The record is measured
    on the pool too, first.

    With stable keys (the scheduled event's) both writes simply overwrite, so they can run at
    the same time, and a retry rewrites the same record.
    """

    def __init__(self, measure: Callable[[], Measured], container: Container) -> None:
        self.gate = Gate()
        self._measure = measure
        self._container = container
        self._measured: Future[Measured] | None = None
        self._calls: dict[str, Future[Any]] = {}

    def prepare(self) -> None:
        """Start measuring the record and building both requests (once); nothing is sent
        before `send`."""
        if self._measured is not None:
            return
        container, settings = self._container, self._container.settings
        s3, dynamodb = container.s3, container.dynamodb  # made before held_back is asked
        self._measured = container.pool.submit(self._measure)
        self._calls = {
            "s3": self._held(
                "s3",
                s3.put_object,
                lambda record: {
                    "Bucket": settings.bucket,
                    "Key": record["s3_key"],
                    "Body": s3_body(record),
                    "ContentType": "application/json",
                },
            ),
            "dynamodb": self._held(
                "dynamodb",
                dynamodb.put_item,
                lambda record: {"TableName": settings.table, "Item": dynamodb_item(record)},
            ),
        }

    def measured(self) -> Measured:
        """The record the writes carry (measured now if `prepare` never ran)."""
        self.prepare()
        assert self._measured is not None  # set by prepare
        return self._measured.result()

    def send(self) -> None:
        """Write both (at the same time); raise WriteError naming each store that failed."""
        self.prepare()
        self.gate.open()
        failures: dict[str, Exception] = {}
        for store, call in self._calls.items():
            try:
                call.result()
            except (BotoCoreError, ClientError) as err:
                failures[store] = err
        if failures:
            raise WriteError(failures)

    def drop(self) -> None:
        """Write nothing: close the gate and wait until any prepared request is let go unsent."""
        self.gate.close()
        # Waited for, not asked for their results: whatever a thread met before the gate (a
        # botocore error while preparing, /proc unreadable), nothing was sent, and the guard's
        # decision stands.
        pending = list(self._calls.values())
        if self._measured is not None:
            pending.append(self._measured)
        futures.wait(pending)

    def _held(
        self,
        store: str,
        call: Callable[..., Any],
        params: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> Future[Any]:
        # The parameters too are built on the pool's thread: the caller's read is leaving.
        held_back, measured = store in self._container.held_back, self._measured
        assert measured is not None  # submitted first, by prepare

        def write() -> Any:  # noqa: ANN401 - botocore's response
            record, _ = measured.result()
            return call_through(self.gate, held_back, call, **params(record))

        return self._container.pool.submit(write)


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
