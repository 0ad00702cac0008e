"""P5 and P6: what reading the latest metric and idling in the tray cost in AWS requests and time.

P5  latest-metric read with 100,000 items / with 10 items (moto)       target <= 1.5, one item read
P6  billable AWS requests per simulated hour with no session running   target 0

P6 drives the session core and the executor (the tray's own loop) with a simulated clock against
moto, counting every request by API. Billable: Lambda Invoke, anything on DynamoDB or S3;
EventBridge rule management (DescribeRule, PutTargets, ...) is free.
Run: `make bench` (or `.venv/bin/python bench/session_bench.py [--items N]`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402 - after the path is set
from moto import mock_aws  # noqa: E402

from tests.emulator_process import put_metrics  # noqa: E402
from tests.template_resources import create_pipeline  # noqa: E402
from tray_app import config  # noqa: E402
from tray_app.executor import perform  # noqa: E402
from tray_app.gateway.pipeline import Pipeline  # noqa: E402
from tray_app.gateway.session import AwsSession  # noqa: E402
from tray_app.session import Settings, State, step  # noqa: E402
from tray_app.session_events import AWS_ACTIONS, Done, StartRequested, Tick  # noqa: E402

REGION = "eu-west-1"
BILLABLE_SERVICES = {"dynamodb", "s3"}
BILLABLE_OPERATIONS = {"lambda.Invoke"}
T0 = 1_800_000_000.0


def counted_pipeline() -> tuple[Pipeline, Counter[str]]:
    """A Pipeline whose every request is counted as service.Operation."""
    settings = config.load({"region": REGION}, env={})
    pipeline = Pipeline(AwsSession(settings), settings)
    calls: Counter[str] = Counter()
    for service in ("events", "lambda", "dynamodb"):
        client = pipeline.aws.client(service)

        def count(model: Any, _service: str = service, **_: Any) -> None:  # noqa: ANN401
            calls[f"{_service}.{model.name}"] += 1

        client.meta.events.register(
            f"before-call.{client.meta.service_model.endpoint_prefix}", count
        )
    return pipeline, calls


def p5(items: int, rounds: int) -> dict[int, dict[str, float]]:
    """Median latest-metric time at 10 and at `items` items, and what one read consumed."""
    pipeline, _ = counted_pipeline()
    client: Any = boto3.client("dynamodb", region_name=REGION)
    figures: dict[int, dict[str, float]] = {}
    filled = 0
    for size in (10, items):
        put_metrics(size, filled)
        filled = size
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            pipeline.latest_metric()
            times.append((time.perf_counter() - t) * 1000)
        probe = client.query(
            TableName="InfraMetrics",
            IndexName="latest-index",
            KeyConditionExpression="#t = :t",
            ExpressionAttributeNames={"#t": "record_type"},
            ExpressionAttributeValues={":t": {"S": "metrics"}},
            ScanIndexForward=False,
            Limit=1,
            ReturnConsumedCapacity="TOTAL",
        )
        figures[size] = {
            "ms": statistics.median(times),
            "scanned": probe["ScannedCount"],
            "capacity": probe["ConsumedCapacity"]["CapacityUnits"],
        }
    return figures


def p6(seconds: int, session: bool) -> Counter[str]:
    """Run the tray's loop for `seconds` simulated seconds and count the requests it makes."""
    pipeline, calls = counted_pipeline()
    settings = Settings()
    state = State()
    pending: list[Any] = []
    if session:
        state, pending = step(state, StartRequested(T0), settings)
    for second in range(seconds):
        now = T0 + second
        state, actions = step(state, Tick(now, idle_seconds=10.0), settings)
        for action in [*pending, *actions]:
            if isinstance(action, AWS_ACTIONS):
                outcome = perform(action, pipeline, lambda: now)  # noqa: B023 - used at once
                state, _ = step(state, outcome, settings)
                assert not isinstance(outcome, Done) or outcome.action == action
        pending = []
    return calls


def billable(calls: Counter[str]) -> int:
    """How many of the counted requests AWS charges for."""
    return sum(
        n
        for name, n in calls.items()
        if name.split(".")[0] in BILLABLE_SERVICES or name in BILLABLE_OPERATIONS
    )


def main() -> int:
    """Run P5 and P6 and print each figure with its baseline and target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=100_000, help="the large table (P5)")
    parser.add_argument("--rounds", type=int, default=5, help="reads per table size (P5)")
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    with mock_aws():
        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        idle = p6(3600, session=False)
        studying = p6(3600, session=True)
        figures = p5(args.items, args.rounds)
    small, large = figures[10], figures[args.items]
    print(
        f"P5 latest metric   {large['ms']:8.1f} ms with {args.items:,} items vs "
        f"{small['ms']:.1f} ms with 10  ratio {large['ms'] / small['ms']:.1f}  (target <= 1.5)"
    )
    print(
        f"   items read per request: {small['scanned']} and {large['scanned']}; capacity units: "
        f"{small['capacity']} and {large['capacity']} (the same request at any size)"
    )
    print(
        "   moto's Query walks and sorts every item of the table, so its time grows with the "
        "table; DynamoDB reads the one item from the index."
    )
    print(
        f"P6 idle hour       {billable(idle)} billable requests  (target 0); all requests: "
        f"{dict(sorted(idle.items()))}"
    )
    print(
        f"   an hour of study: {billable(studying)} billable; all requests: "
        f"{dict(sorted(studying.items()))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
