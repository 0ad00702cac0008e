"""Metrics records, read newest first from the table's `latest-index`: the last few (the menu's
line and sparkline) and a period's worth (the report). Always a Query, never a Scan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer

from tray_app.aws.client_session import AwsSession

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

LATEST_INDEX = "latest-index"  # the GSI template.yaml defines (output LatestIndexName)
RECORD_TYPE = "metrics"
MAX_PAGES = 8  # a week at 5 minutes is ~2,000 items in 2 pages of 1 MB; more is not ours
# What the report draws: with only these fields a page holds many more records.
REPORT_FIELDS = ("timestamp", "cpu_percent", "memory_used_percent", "load_1m")


@dataclass(frozen=True)
class PeriodRecords:
    """The records of a period and what reading them took."""

    records: list[dict[str, Any]]  # newest first
    pages: int
    read_units: float
    complete: bool  # False: MAX_PAGES were read and more records remain


class MetricsReader:
    """Reads the metrics records of one table."""

    def __init__(self, aws: AwsSession, table: str) -> None:
        self.aws = aws
        self.table = table

    @property
    def _dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = self.aws.client("dynamodb")
        return client

    def recent(self, count: int) -> list[dict[str, Any]]:
        """The newest `count` records, newest first: one Query with Limit=count."""
        query = self._query("#type = :type", {}, {}, count)
        with self.aws.calling("read the latest metrics", self._where):
            items = self._dynamodb.query(**query)["Items"]
        return [plain(item) for item in items]

    def between(
        self, start: float, end: float, max_pages: int = MAX_PAGES, page_size: int | None = None
    ) -> PeriodRecords:
        """The records stamped from `start` to `end`, newest first, in at most `max_pages`
        pages of the paginated Query (pages of up to 1 MB, or of `page_size` records)."""
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
                answer = self._dynamodb.query(**query)
                pages += 1
                records += [plain(item) for item in answer["Items"]]
                units += answer.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0)
                after = answer.get("LastEvaluatedKey")
                if after is None:
                    return PeriodRecords(records, pages, units, complete=True)
                query["ExclusiveStartKey"] = after
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
