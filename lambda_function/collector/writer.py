"""Store one record in S3 and DynamoDB at the same time; a retry overwrites the same keys."""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector.container import Container
from collector.record import dynamodb_item, s3_body


class WriteError(RuntimeError):
    """One or both writes failed; the message names each store and its error (S3 first)."""


def write_record(record: dict[str, Any], container: Container) -> None:
    """Write the S3 object on the pool while this thread writes the item: one round trip."""
    s3_write = container.pool.submit(
        container.s3.put_object,
        Bucket=container.settings.bucket,
        Key=record["s3_key"],
        Body=s3_body(record),
        ContentType="application/json",
    )
    failures: list[str] = []
    try:
        container.dynamodb.put_item(TableName=container.settings.table, Item=dynamodb_item(record))
    except (BotoCoreError, ClientError) as err:
        failures.append(f"dynamodb: {err}")
    try:
        s3_write.result()
    except (BotoCoreError, ClientError) as err:
        failures.insert(0, f"s3: {err}")
    if failures:
        raise WriteError("; ".join(failures))
