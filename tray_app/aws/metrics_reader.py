"""Metrics records, newest first: the last few (the menu's line and sparkline) and a period's
worth (the report). From our table's `latest-index` (a Query, never a Scan); from a table that is
not ours (no such index), from the bucket's `metrics-*.json` files instead (bucket_metrics.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from tray_app.aws.bucket_metrics import BucketMetrics, PeriodRecords
from tray_app.aws.client_session import AwsSession
from tray_app.aws.error_messages import error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

LATEST_INDEX = "latest-index"  # the GSI template.yaml defines (output LatestIndexName)
RECORD_TYPE = "metrics"
MAX_PAGES = 8  # a week at 5 minutes is ~2,000 items in 2 pages of 1 MB; more is not ours
# What the report draws: with only these fields a page holds many more records.
REPORT_FIELDS = ("timestamp", "cpu_percent", "memory_used_percent", "load_1m")


class MetricsReader:
    """Reads the metrics records of one table."""

    def __init__(self, aws: AwsSession, table: str, bucket: str) -> None:
        self.aws = aws
        self.table = table
        self.bucket = BucketMetrics(aws, bucket)
        self.from_bucket = False  # set once the table turns out not to be ours

    @property
    def _dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = self.aws.client("dynamodb")
        return client

    def recent(self, count: int) -> list[dict[str, Any]]:
        """The newest `count` records, newest first: one Query with Limit=count."""
        if not self.from_bucket:
            query = self._query("#type = :type", {}, {}, count)
            with self.aws.calling("read the latest metrics", self._where):
                try:
                    items = self._dynamodb.query(**query)["Items"]
                    return [plain(item) for item in items]
                except ClientError as err:
                    if not not_ours(err):
                        raise
            self.from_bucket = True
        return self.bucket.recent(count)

    def between(
        self, start: float, end: float, max_pages: int = MAX_PAGES, page_size: int | None = None
    ) -> PeriodRecords:
        """The records stamped from `start` to `end`, newest first, in at most `max_pages`
        pages of the paginated Query (pages of up to 1 MB, or of `page_size` records)."""
        if self.from_bucket:
            return self.bucket.between(start, end)
        fields = {f"#f{n}": field for n, field in enumerate(REPORT_FIELDS)}
        query = self._query(
            "#type = :type AND #at BETWEEN :start AND :end",
            {"#at": "timestamp", **fields},
            {":start": {"N": str(int(start))}, ":end": {"N": str(int(end))}},
            page_size,
        )
        query["ProjectionExpression"] = ", ".join(fields)
        query["ReturnConsumedCapacity"] = "TOTAL"
        records: list[dict[str, Any]] = []
        units = 0.0
        pages = 0
        with self.aws.calling("read the metrics of the period", self._where):
            while pages < max_pages:
                try:
                    answer = self._dynamodb.query(**query)
                except ClientError as err:
                    if pages or not not_ours(err):
                        raise
                    self.from_bucket = True
                    break
                pages += 1
                records += [plain(item) for item in answer["Items"]]
                units += answer.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0)
                after = answer.get("LastEvaluatedKey")
                if after is None:
                    return PeriodRecords(records, pages, units, complete=True)
                query["ExclusiveStartKey"] = after
        if self.from_bucket:
            return self.bucket.between(start, end)
        return PeriodRecords(records, pages, units, complete=False)

    @property
    def _where(self) -> str:
        return f"table {self.table} in {self.aws.region}"

    def _query(
        self, condition: str, names: dict[str, str], values: dict[str, Any], limit: int | None
    ) -> QueryInputTypeDef:
        query: QueryInputTypeDef = {
            "TableName": self.table,
            "IndexName": LATEST_INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#type": "record_type", **names},
            "ExpressionAttributeValues": {":type": {"S": RECORD_TYPE}, **values},
            "ScanIndexForward": False,
        }
        if limit is not None:
            query["Limit"] = limit
        return query


def not_ours(err: ClientError) -> bool:
    """True when the table has no `latest-index` (a table built by hand) or does not exist."""
    message = str(err.response.get("Error", {}).get("Message", ""))
    code = error_code(err)
    return code == "ResourceNotFoundException" or (
        code == "ValidationException" and "index" in message.lower()
    )


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as plain JSON values: boto3 reads numbers as Decimal, we want int/float."""
    deserialize = TypeDeserializer().deserialize
    record: dict[str, Any] = {}
    for name, typed in item.items():
        value = deserialize(typed)
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        record[name] = value
    return record
