"""P5, P6 and P9: what reading the latest metric, idling and studying cost in AWS requests.

P5  latest-metric read with 100,000 items / with 10 items (moto)       target <= 1.5, one item read
P6  billable AWS requests per simulated hour with no session running   target 0
P9  AWS requests per device-hour, poll 30 s, heartbeat 300 s: (a) idle (= P6), (b) holding a
    60-minute session while active, (c) following another device's session; each with its
    billable requests, their request units and their price (DynamoDB on-demand, eu-west-1)

P6 and P9 drive the session core and the Executor (a Pipeline and a HoldStore on one AwsSession,
the tray's own loop) with a simulated clock against moto in-process, counting every request by
API. Billable: Lambda Invoke, anything on DynamoDB or S3; EventBridge rule management
(DescribeRule, PutTargets, ...) is free.
Run: `make bench` (or `.venv/bin/python bench/session_bench.py [--items N]`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402 - after the path is set
from moto import mock_aws  # noqa: E402

from tests.aws_names import REGION  # noqa: E402
from tests.emulator_process import put_metrics  # noqa: E402
from tests.template_resources import (  # noqa: E402
    SESSION_KEY,
    SESSION_TABLE,
    create_pipeline,
)
from tray_app.app import config  # noqa: E402
from tray_app.app.executor import Executor  # noqa: E402
from tray_app.app.state_files import estimated_cost_usd  # noqa: E402
from tray_app.aws.client_session import AwsSession  # noqa: E402
from tray_app.aws.holds_store import HoldStore  # noqa: E402
from tray_app.aws.pipeline import Pipeline  # noqa: E402
from tray_app.core.events import AWS_ACTIONS, Event, Failed, StartRequested, Tick  # noqa: E402
from tray_app.core.machine import Settings, State, step  # noqa: E402

BILLABLE_SERVICES = {"dynamodb", "s3"}
BILLABLE_OPERATIONS = {"lambda.Invoke"}
T0 = 1_800_000_000.0
HOUR = 3600
ACTIVE_IDLE_SECONDS = 10.0  # the user touched the machine 10 s ago: the tray heartbeats
# DynamoDB on-demand, Standard table class, Europe (Ireland) eu-west-1, after the 1 November 2024
# price cut, from the AWS pricing page https://aws.amazon.com/dynamodb/pricing/on-demand/
# (USD per million request units).
RRU_USD_PER_MILLION = 0.1415
WRU_USD_PER_MILLION = 0.705
PRICE_SOURCE = (
    f"${RRU_USD_PER_MILLION}/M RRU, ${WRU_USD_PER_MILLION}/M WRU: DynamoDB on-demand eu-west-1, "
    "aws.amazon.com/dynamodb/pricing/on-demand/ (after the Nov 2024 cut)"
)


class Clock:
    """The simulated time every client of one run reads."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        """The current simulated time."""
        return self.now


def counted_aws(calls: Counter[str], units: dict[str, float]) -> AwsSession:
    """An AwsSession whose every request is counted as service.Operation, and whose DynamoDB
    requests ask for ReturnConsumedCapacity, summed by operation into `units`."""
    settings = config.load({"region": REGION}, env={})
    aws = AwsSession(settings)
    for service in ("events", "lambda", "dynamodb", "s3"):
        client = aws.client(service)

        def count(model: Any, _service: str = service, **_: Any) -> None:  # noqa: ANN401
            calls[f"{_service}.{model.name}"] += 1

        client.meta.events.register(
            f"before-call.{client.meta.service_model.endpoint_prefix}", count
        )

    def ask_capacity(params: dict[str, Any], model: Any, **_: Any) -> None:  # noqa: ANN401
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def add_capacity(parsed: dict[str, Any], model: Any, **_: Any) -> None:  # noqa: ANN401
        consumed = parsed.get("ConsumedCapacity")
        if isinstance(consumed, dict):
            units[model.name] = units.get(model.name, 0.0) + consumed.get("CapacityUnits", 0)

    events = aws.client("dynamodb").meta.events
    events.register("before-parameter-build.dynamodb", ask_capacity)
    events.register("after-call.dynamodb", add_capacity)
    return aws


@dataclass
class Device:
    """One simulated client: its core, its Executor, and the requests it made."""

    settings: Settings
    executor: Executor
    calls: Counter[str] = field(default_factory=Counter)
    units: dict[str, float] = field(default_factory=dict)  # capacity units as moto reports
    state: State = field(default_factory=State)

    def feed(self, event: Event) -> None:
        """Step the core with `event` and perform the AWS actions it asks for, in order."""
        self.state, actions = step(self.state, event, self.settings)
        for action in actions:
            if isinstance(action, AWS_ACTIONS):
                outcome = self.executor.perform(action)
                if isinstance(outcome, Failed):
                    raise RuntimeError(f"{action} failed: {outcome.message}")
                self.feed(outcome)


def device(holder: str, clock: Clock) -> Device:
    """A tray with the default settings (poll 30 s, heartbeat 300 s) on its own AwsSession."""
    calls: Counter[str] = Counter()
    units: dict[str, float] = {}
    aws = counted_aws(calls, units)
    cfg = config.load({"region": REGION}, env={})
    settings = Settings(holder=holder, name=holder)
    executor = Executor(Pipeline(aws, cfg), HoldStore(aws, cfg), settings.judge, clock)
    return Device(settings, executor, calls, units)


def run(devices: list[Device], clock: Clock, seconds: int) -> None:
    """Tick every device once a simulated second, as the tray's loop does while a rule runs."""
    for second in range(seconds):
        clock.now = T0 + second
        for each in devices:
            each.feed(Tick(clock.now, idle_seconds=ACTIVE_IDLE_SECONDS))


def p6(seconds: int) -> Device:
    """(a) A tray with no session for `seconds`."""
    clock = Clock()
    me = device("desk", clock)
    run([me], clock, seconds)
    return me


def holding(seconds: int) -> Device:
    """(b) A tray that starts a session of `seconds` and stays active until its timer ends it."""
    clock = Clock()
    me = device("desk", clock)
    me.feed(StartRequested(T0, seconds // 60))
    run([me], clock, seconds + 1)  # the last second is the timer's: the Leave is in the hour
    assert me.state.ours.deadline is None, "the session should have ended on its timer"
    return me


def following(seconds: int) -> tuple[Device, int]:
    """(c) A tray on a second device while another device holds a longer session; returns it
    and the size (bytes) of the session item's JSON at the end (an upper bound of its size)."""
    clock = Clock()
    owner, me = device("laptop", clock), device("desk", clock)
    owner.feed(StartRequested(T0, 2 * seconds // 60))
    run([owner, me], clock, seconds)
    assert me.state.shared.holds and not me.state.holding, "desk should follow laptop's session"
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE,
        Key=SESSION_KEY,
    )["Item"]
    return me, len(json.dumps(item))


def p5(items: int, rounds: int) -> dict[int, dict[str, float]]:
    """Median latest-metric time at 10 and at `items` items, and what one read consumed."""
    pipeline = Pipeline(counted_aws(Counter(), {}), config.load({"region": REGION}, env={}))
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


def billable(calls: Counter[str]) -> int:
    """How many of the counted requests AWS charges for."""
    return sum(
        n
        for name, n in calls.items()
        if name.split(".")[0] in BILLABLE_SERVICES or name in BILLABLE_OPERATIONS
    )


def charged_units(calls: Counter[str], item_bytes: int) -> tuple[int, int]:
    """(RRU, WRU) AWS charges: a strongly consistent GetItem reads ceil(size / 4 KB) units, a
    PutItem writes ceil(size / 1 KB); every session read is consistent (HoldStore.read)."""
    reads = calls["dynamodb.GetItem"] * math.ceil(item_bytes / 4096)
    writes = calls["dynamodb.PutItem"] * math.ceil(item_bytes / 1024)
    return reads, writes


def usd(rru: int, wru: int) -> float:
    """The price of `rru` read and `wru` write request units."""
    return (rru * RRU_USD_PER_MILLION + wru * WRU_USD_PER_MILLION) / 1_000_000


def p9(label: str, me: Device, item_bytes: int, note: str = "") -> float:
    """Print one P9 line (billable requests, their units and price, every request); the price."""
    rru, wru = charged_units(me.calls, item_bytes)
    other = billable(me.calls) - me.calls["dynamodb.GetItem"] - me.calls["dynamodb.PutItem"]
    unpriced = f" + {other} other billable (unpriced)" if other else ""
    print(
        f"   {label} {billable(me.calls):4d} billable: {me.calls['dynamodb.GetItem']} GetItem "
        f"({rru} RRU) + {me.calls['dynamodb.PutItem']} PutItem ({wru} WRU){unpriced}  "
        f"${usd(rru, wru):.7f}/h{note}; all: {dict(sorted(me.calls.items()))}"
    )
    return usd(rru, wru)


def main() -> int:
    """Run P5, P6 and P9 and print each figure with its baseline and target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=100_000, help="the large table (P5)")
    parser.add_argument("--rounds", type=int, default=5, help="reads per table size (P5)")
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    with mock_aws():
        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        idle = p6(HOUR)
        studying = holding(HOUR)
        follower, item_bytes = following(HOUR)
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
        f"P6 idle hour       {billable(idle.calls)} billable requests  (target 0); all requests: "
        f"{dict(sorted(idle.calls.items()))}"
    )
    print(f"P9 AWS requests per device-hour, poll 30 s, heartbeat 300 s; prices: {PRICE_SOURCE}")
    p9("(a) idle, no session      ", idle, item_bytes, "  (target 0: P6)")
    held = p9("(b) holding, user active  ", studying, item_bytes)
    followed = p9("(c) following laptop's    ", follower, item_bytes)
    lambda_hour = estimated_cost_usd(12)
    print(
        f"   (b) is one 60-min session from its Join to its timer's Leave. Reference: the rule's "
        f"12 function runs an hour cost ${lambda_hour:.7f} in Lambda alone (app/state_files.py): "
        f"(b) {held / lambda_hour:.1f}x, (c) {followed / lambda_hour:.1f}x that"
    )
    moto_get = studying.units.get("GetItem", 0) / max(1, studying.calls["dynamodb.GetItem"])
    moto_put = studying.units.get("PutItem", 0) / max(1, studying.calls["dynamodb.PutItem"])
    print(
        f"   units: moto's ReturnConsumedCapacity gives constants ({moto_get:g} per GetItem "
        f"whatever ConsistentRead, {moto_put:g} per PutItem), so they are counted as AWS charges "
        f"them: 1 RRU per consistent GetItem of an item <= 4 KB, 1 WRU per PutItem of an item "
        f"<= 1 KB; the session item (one hold) is at most {item_bytes} bytes (its JSON)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
