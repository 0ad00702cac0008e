"""Metrics records read from the bucket's `metrics-YYYY-MM-DD-HH-MM-SS….json` files: for a
pipeline built by hand, whose table is keyed its own way. Needs no schema of the user's."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tray_app.aws.client_session import AwsSession

PREFIX = "metrics-"
STAMP = "%Y-%m-%d-%H-%M-%S"
MAX_OBJECTS = 600  # a report reads at most this many files (50 study hours at 5 minutes)
CACHED = 64  # parsed files kept: a poll reads only the files it has not seen


@dataclass(frozen=True)
class PeriodRecords:
    """The records of a period and what reading them took."""

    records: list[dict[str, Any]]  # newest first
    pages: int
    read_units: float
    complete: bool  # False: more records remain than were read


class BucketMetrics:
    """Reads the newest metrics files of one bucket."""

    def __init__(
        self, aws: AwsSession, bucket: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.aws = aws
        self.bucket = bucket
        self._clock = clock or (lambda: datetime.now(tz=UTC))
        self._parsed: dict[str, dict[str, Any]] = {}
        self._where = f"bucket {bucket} in {aws.region}"

    def recent(self, count: int) -> list[dict[str, Any]]:
        """The newest `count` records, newest first: today's files (yesterday's if none)."""
        today = self._clock()
        for day in (today, today - timedelta(days=1)):
            keys = self._keys(f"{PREFIX}{day:%Y-%m-%d}")
            if keys:
                return [self._read(key) for key in reversed(keys[-count:])]
        return []

    def between(self, start: float, end: float) -> PeriodRecords:
        """The records stamped from `start` to `end`, newest first (at most MAX_OBJECTS)."""
        first = datetime.fromtimestamp(start, tz=UTC).date()
        last = datetime.fromtimestamp(end, tz=UTC).date()
        keys: list[str] = []
        day = first
        while day <= last:
            keys += [k for k in self._keys(f"{PREFIX}{day:%Y-%m-%d}") if start <= stamp(k) <= end]
            day += timedelta(days=1)
        chosen = keys[-MAX_OBJECTS:]
        with ThreadPoolExecutor(max_workers=8) as pool:
            records = list(pool.map(self._read, reversed(chosen)))
        return PeriodRecords(records, pages=len(chosen), read_units=0.0, complete=chosen == keys)

    def _keys(self, prefix: str) -> list[str]:
        """Every key under `prefix`, oldest first (the name carries the time, to the second)."""
        keys: list[str] = []
        with self.aws.calling("list the metrics files", self._where):
            pages = self.aws.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            )
            for page in pages:
                keys += [o["Key"] for o in page.get("Contents", []) if o["Key"].endswith(".json")]
        return sorted(keys)

    def _read(self, key: str) -> dict[str, Any]:
        if key not in self._parsed:
            with self.aws.calling("read a metrics file", f"s3://{self.bucket}/{key}"):
                body = self.aws.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            record = data if isinstance(data, dict) else {}
            record.setdefault("timestamp", stamp(key))
            record.setdefault("s3_key", key)
            if len(self._parsed) >= CACHED:
                self._parsed.pop(next(iter(self._parsed)))
            self._parsed[key] = record
        return self._parsed[key]


def stamp(key: str) -> int:
    """The Unix time a `metrics-YYYY-MM-DD-HH-MM-SS…` key names (0 when it names none)."""
    try:
        when = datetime.strptime(key[len(PREFIX) : len(PREFIX) + 19], STAMP)
    except ValueError:
        return 0
    return int(when.replace(tzinfo=UTC).timestamp())
