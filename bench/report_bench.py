"""P10: the study report's cost over the bare read of its records.

P10  `report --days 7` with 2,016 records (a week at 5 minutes) / the bare paginated Query of
     the same records (a plain boto3 paginator on the newest-first index, same key condition),
     interleaved, median of --rounds each; target <= 1.3. And the HTML file: target <= 300 KB.
Both sides run in this process and make their own client, as a user's run would; the emulator
(moto's ThreadedMotoServer) is a process of its own, so its work is not counted. The report side
is the command's own function (`write_report`): the history file, the paginated Query, the
model, the page and the write.
Read units: the bare Query asks for ReturnConsumedCapacity TOTAL and the figure is printed, but
moto answers a fixed 1.0 per page, so the units that count are computed from the items' sizes as
DynamoDB counts them (eventually consistent: half a unit per 4 KB of the items read).
Run: `make bench` (or `.venv/bin/python bench/report_bench.py [--rounds N]`).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.aws_names import REGION  # noqa: E402
from tests.emulator_process import emulator_process  # noqa: E402

RECORDS = 2016  # a week at one record per 5 minutes
NOW = 1_795_860_000.0  # Sat 28 Nov 2026 10:00 UTC
RRU_USD_PER_MILLION = 0.1415  # DynamoDB on-demand, eu-west-1


def record(n: int) -> dict[str, Any]:
    """A record as the collector writes it (every field, so the items have their real size)."""
    at = int(NOW - 300 * (RECORDS - 1 - n))
    text = {"S": "x"}
    return {
        "collection_id": {"S": f"{n:08d}-5d1f-4c7e-9b8a-0f2e3d4c5b6a"},
        "record_type": {"S": "metrics"},
        "timestamp": {"N": str(at)},
        "timestamp_iso": {"S": "2026-11-28T10:00:00Z"},
        "expires_at": {"N": str(at + 7 * 86400)},
        "s3_key": {"S": f"metrics-2026-11-28-10-00-00-{n:08d}-5d1f-4c7e-9b8a-0f2e3d4c5b6a.json"},
        "trigger": {"S": "schedule"},
        "cpu_percent": {"N": f"{3 + n % 7 * 0.9:.1f}"},
        "cpu_window": text,
        "memory_used_percent": {"N": f"{38 + n % 5:.1f}"},
        "load_1m": {"N": f"{0.1 + n % 9 * 0.04:.2f}"},
        "load_5m": {"N": "0.12"},
        "load_15m": {"N": "0.10"},
        "tmp_disk_used_percent": {"N": "0.4"},
        "uptime_seconds": {"N": str(1000 + n)},
        "function_name": {"S": "data-collector"},
        "function_version": {"S": "$LATEST"},
        "request_id": {"S": f"{n:08d}-aaaa-bbbb-cccc-0123456789ab"},
        "cold_start": {"BOOL": n % 50 == 0},
        "remaining_time_ms": {"N": "59000"},
    }


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: names plus values (numbers about 1 byte per 2
    digits plus 1)."""
    size = 0
    for name, typed in item.items():
        ((kind, value),) = typed.items()
        size += len(name.encode())
        if kind == "S":
            size += len(value.encode())
        elif kind == "N":
            size += math.ceil(len(value) / 2) + 1
        else:  # BOOL
            size += 1
    return size


def main() -> int:  # noqa: C901  (one linear script: each branch is one benchmark option)
    """Fill the emulator, then time the two sides interleaved and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    with emulator_process() as (url, _proc), tempfile.TemporaryDirectory() as state:
        os.environ.update(
            AWS_ENDPOINT_URL=url,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION=REGION,
            XDG_STATE_HOME=state,
        )
        import boto3  # noqa: PLC0415 - after the environment points it at the emulator

        from tests.template_resources import create_pipeline  # noqa: PLC0415
        from tray_app.app import config  # noqa: PLC0415
        from tray_app.app.state_files import StateFiles, default_state_dir  # noqa: PLC0415
        from tray_app.commands.report_command import write_report  # noqa: PLC0415
        from tray_app.core.report_model import period  # noqa: PLC0415

        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        client: Any = boto3.client("dynamodb", region_name=REGION)
        items = [record(n) for n in range(RECORDS)]
        for first in range(0, RECORDS, 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[first : first + 25]]
            client.batch_write_item(RequestItems={"InfraMetrics": batch})
        files = StateFiles(default_state_dir())
        for day in range(7):  # two sessions a day
            for start in (NOW - day * 86400 - 30_000, NOW - day * 86400 - 9_000):
                files.record_session(start, start + 5400, "timer", 1)
        settings = config.load({"region": REGION}, env={})
        start, end, _ = period(7, NOW, UTC)
        out = Path(state) / "report.html"

        consumed: list[float] = []  # ConsumedCapacity of each page of the last bare Query

        def bare(projected: bool = False) -> int:
            query: dict[str, Any] = {
                "TableName": "InfraMetrics",
                "IndexName": "latest-index",
                "KeyConditionExpression": "#t = :t AND #at BETWEEN :s AND :e",
                "ExpressionAttributeNames": {"#t": "record_type", "#at": "timestamp"},
                "ExpressionAttributeValues": {
                    ":t": {"S": "metrics"},
                    ":s": {"N": str(int(start))},
                    ":e": {"N": str(int(end))},
                },
                "ScanIndexForward": False,
                "ReturnConsumedCapacity": "TOTAL",
            }
            if projected:  # only the four fields the report draws, as the report asks
                query["ExpressionAttributeNames"].update(
                    {"#c": "cpu_percent", "#m": "memory_used_percent", "#l": "load_1m"}
                )
                query["ProjectionExpression"] = "#at, #c, #m, #l"
            dynamodb: Any = boto3.client("dynamodb", region_name=REGION)
            consumed.clear()
            count = 0
            for page in dynamodb.get_paginator("query").paginate(**query):
                count += len(page["Items"])
                consumed.append(page["ConsumedCapacity"]["CapacityUnits"])
            return count

        def report() -> int:
            _path, made, _reading = write_report(settings, 7, out, now=NOW, tz=UTC)
            return len(made.samples)

        def projected() -> int:
            return bare(projected=True)

        sides: dict[str, Callable[[], int]] = {
            "report": report,
            "bare": bare,
            "projected": projected,
        }
        times: dict[str, list[float]] = {name: [] for name in sides}
        counts = {name: side() for name, side in sides.items()}  # warm: imports, connections
        bare()
        reported = (sum(consumed), len(consumed))
        for _ in range(rounds):
            for name, side in sides.items():
                began = time.perf_counter()
                side()
                times[name].append(time.perf_counter() - began)
        read = [i for i in items if start <= int(i["timestamp"]["N"]) <= end]
        units = math.ceil(sum(item_bytes(i) for i in read) / 4096) * 0.5
        html_kb = out.stat().st_size / 1024
    a, b, c = (statistics.median(times[name]) for name in ("report", "bare", "projected"))
    print(f"P10 records in the period: {counts}")
    print(
        f"P10 report ÷ bare query  {a / b:.2f}  ({a * 1000:.0f} ms vs {b * 1000:.0f} ms, median "
        f"of {rounds})  (target <= 1.3)"
    )
    print(
        f"    report ÷ the same query projected to its 4 fields  {a / c:.2f}  "
        f"({c * 1000:.0f} ms): the model, the page and the write on top of the read"
    )
    print(f"P10 HTML size  {html_kb:.0f} KB  (target <= 300 KB)")
    print(
        f"P10 read units per report  {units:g} (items of {item_bytes(read[0])} bytes), "
        f"${units * RRU_USD_PER_MILLION / 1e6:.7f} on demand; moto's ReturnConsumedCapacity "
        f"TOTAL summed: {reported[0]:g} over {reported[1]} pages (its fixed 1.0 a page)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
