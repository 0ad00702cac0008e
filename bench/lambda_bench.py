"""The two Lambda functions (the collector and the off switch), each figure a ratio to a baseline.

collector_latency_ratio  warm collector run (lambda_handler with a scheduled event: sample /proc,
                         build the record, PutObject and PutItem at once) / one PutObject alone,
                         same client, same body; every AWS call 20 ms late          target <= 1.25
guard_latency_ratio      warm off switch (off_switch.run) with a live hold in the session record
                         (it reads the record and leaves the rule on) / one consistent GetItem
                         of the same item alone, same client; same 20 ms            target <= 1.25
p2_cold_ratio            cold init of the collector (import the handler + create its S3 and
                         DynamoDB clients) / import boto3 + the same two clients, in CPU time
                         of fresh processes (wall time too: p2_cold_wall_ratio)     target <= 1.10
p2_peak_rss_mb           peak RSS of a process doing 200 collector invocations      target <= 64 MB
p2_guard_cold_ratio      (reported, no target) the same cold init for the off switch (import,
                         DynamoDB and EventBridge clients) / import boto3 + those two clients

The 20 ms is an in-region round trip: tests/faults/fault_proxy.py, in a process of its own, holds
every request that long before passing it on to moto's ThreadedMotoServer. S3 and the rest
(DynamoDB, EventBridge) get one emulator and one proxy each, as in AWS they are independent
services. The latency figures are medians of interleaved rounds after a few unmeasured warm ones;
the session record holds one hold lapsing in an hour, so the off switch takes the path it takes
during a session. Cold init is counted in the child's CPU time (the median of 15 fresh processes
each): on a shared machine its wall time mostly measures the neighbours' load, while on an idle
CPU the two agree. Peak RSS is the kernel's VmHWM of a fresh process: ru_maxrss would carry over
the parent's peak across exec.
Run: `make bench` (or `.venv/bin/python bench/lambda_bench.py [--rounds N] [--json FILE]`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "lambda_function"), str(ROOT)]

from bench.slow_aws import LATENCY_S, slow_emulator  # noqa: E402
from tests.aws_names import REGION  # noqa: E402
from tests.lambda_context import LambdaContext  # noqa: E402

WARM_UP_ROUNDS = 5
HOLDER = "bench-device"
T = TypeVar("T")
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": REGION,
    "S3_BUCKET": "infra-monitoring-pipeline-data",
    "DYNAMODB_TABLE": "InfraMetrics",
    "REGION": REGION,
}
COLD_HANDLER = """
import time; t, c = time.perf_counter(), time.process_time()
import data_collector
_ = data_collector.CONTAINER.s3, data_collector.CONTAINER.dynamodb  # the clients made
print(time.process_time() - c, time.perf_counter() - t)
"""
COLD_GUARD = """
import time; t, c = time.perf_counter(), time.process_time()
import off_switch
off_switch.Clients("eu-west-1")
print(time.process_time() - c, time.perf_counter() - t)
"""
COLD_BASELINE = """
import sys, time; t, c = time.perf_counter(), time.process_time()
import boto3
for service in sys.argv[1:]: boto3.client(service, region_name="eu-west-1")
print(time.process_time() - c, time.perf_counter() - t)
"""
RSS_RUN = """
import os, sys, uuid
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import data_collector
from tests.lambda_context import LambdaContext

start = datetime(2026, 11, 26, tzinfo=UTC)
with open(os.devnull, "w") as devnull, redirect_stdout(devnull):
    for i in range(int(sys.argv[1])):
        when = (start + timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        event = {"time": when, "id": str(uuid.uuid4())}
        data_collector.lambda_handler(event, LambdaContext(aws_request_id=str(uuid.uuid4())))
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]) / 1024)
"""


def create_pipeline() -> str:
    """The bucket, table, rule and session table, made directly; returns the rule's name."""
    import boto3  # noqa: PLC0415 - only after os.environ points boto3 at the emulator

    from tests.template_resources import create_pipeline as create  # noqa: PLC0415

    return create(boto3.session.Session(region_name=REGION), REGION)["rule"]


def hold_the_rule(rule: str) -> None:
    """Write the session record a running session leaves: one hold that lapses in an hour."""
    import boto3  # noqa: PLC0415 - only after os.environ points boto3 at the emulator

    from tray_app.core.holds import Hold, Shared  # noqa: PLC0415
    from tray_app.core.session_record import write_item  # noqa: PLC0415

    now = time.time()
    hold = Hold(HOLDER, "bench", ends=now + 3600, heartbeat=True, lapses=now + 3600)
    item = write_item(rule, Shared((hold,), version=1), "bench", now)
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=f"pipeline-tray-sessions-{rule}", Item=item
    )


def timed(call: Callable[..., T], *args: object, **kwargs: object) -> tuple[float, T]:
    """Milliseconds `call` took, and what it returned."""
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def took_live_path(result: dict[str, object]) -> bool:
    """The off switch's real path during a session: record read, hold live, rule left on."""
    return (
        result.get("record") == "found"
        and result.get("live_holds") == [HOLDER]
        and result.get("rule_disabled") is False
    )


def latency_rounds(rule: str, rounds: int) -> dict[str, float]:
    """Median milliseconds of the collector, one PutObject, the off switch and one GetItem,
    interleaved round by round (the first WARM_UP_ROUNDS not counted)."""
    import data_collector  # noqa: PLC0415 - imported once the environment is set
    import off_switch  # noqa: PLC0415
    from collector.record import s3_body  # noqa: PLC0415

    from tray_app.core.session_record import record_key  # noqa: PLC0415

    container = data_collector.CONTAINER
    settings = off_switch.from_environment(
        {"RULE_NAME": rule, "SESSION_TABLE": f"pipeline-tray-sessions-{rule}", "REGION": REGION}
    )
    clients = off_switch.Clients(settings.region)
    start = datetime(2026, 11, 26, tzinfo=UTC)
    times: dict[str, list[float]] = {"collector": [], "put": [], "guard": [], "get": []}
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        for i in range(WARM_UP_ROUNDS + rounds):
            when = (start + timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            event = {"time": when, "id": str(uuid.uuid4())}
            context = LambdaContext(aws_request_id=str(uuid.uuid4()))
            ms = {}
            ms["collector"], collected = timed(data_collector.lambda_handler, event, context)
            if collected.get("collected") is not True:
                raise RuntimeError(f"the collector stored nothing: {collected}")
            ms["put"], _ = timed(
                container.s3.put_object,
                Bucket=ENV["S3_BUCKET"],
                Key=f"metrics-baseline-{uuid.uuid4()}.json",
                Body=s3_body(collected["record"]),
                ContentType="application/json",
            )
            ms["guard"], guarded = timed(off_switch.run, {}, settings, clients, time.time())
            if not took_live_path(guarded):
                raise RuntimeError(f"the off switch did not find the live hold: {guarded}")
            ms["get"], _ = timed(
                clients.dynamodb.get_item,
                TableName=settings.table,
                Key=record_key(rule),
                ConsistentRead=True,
            )
            if i >= WARM_UP_ROUNDS:
                for name, value in ms.items():
                    times[name].append(value)
    return {name: statistics.median(values) for name, values in times.items()}


def timed_child(code: str, env: dict[str, str], *args: str) -> list[float]:
    """Run `code` in a fresh interpreter and return the numbers it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT / "lambda_function",
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return [float(word) for word in done.stdout.strip().splitlines()[-1].split()]


@dataclass(frozen=True)
class Cold:
    """Median milliseconds of a cold init and of its baseline, CPU and wall."""

    cpu: float
    baseline_cpu: float
    wall: float
    baseline_wall: float


def p2_cold(rounds: int, env: dict[str, str], code: str, *services: str) -> Cold:
    """Cold init of `code` and of bare boto3 with `services`' clients, alternating fresh
    processes."""
    measured: list[list[float]] = []
    baseline: list[list[float]] = []
    for _ in range(rounds):
        measured.append(timed_child(code, env))
        baseline.append(timed_child(COLD_BASELINE, env, *services))

    def median_ms(runs: list[list[float]], column: int) -> float:
        return statistics.median(run[column] for run in runs) * 1000

    return Cold(
        median_ms(measured, 0),
        median_ms(baseline, 0),
        median_ms(measured, 1),
        median_ms(baseline, 1),
    )


def main() -> int:
    """Run the benchmark and print each figure with its baseline and target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=200, help="measured warm rounds")
    parser.add_argument("--cold-rounds", type=int, default=15, help="fresh processes each (P2)")
    parser.add_argument("--invocations", type=int, default=200, help="invocations for peak RSS")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    with slow_emulator() as s3_endpoint, slow_emulator() as other_endpoint:
        os.environ.update(
            ENV,
            AWS_ENDPOINT_URL=other_endpoint,  # DynamoDB and EventBridge
            AWS_ENDPOINT_URL_S3=s3_endpoint,
        )
        child_env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "lambda_function"), str(ROOT)]),
        }
        rule = create_pipeline()
        hold_the_rule(rule)
        ms = latency_rounds(rule, args.rounds)
        cold = p2_cold(args.cold_rounds, child_env, COLD_HANDLER, "s3", "dynamodb")
        guard_cold = p2_cold(args.cold_rounds, child_env, COLD_GUARD, "dynamodb", "events")
        [rss] = timed_child(RSS_RUN, child_env, str(args.invocations))

    figures = {
        "collector_latency_ratio": round(ms["collector"] / ms["put"], 3),
        "collector_ms": round(ms["collector"], 2),
        "put_object_ms": round(ms["put"], 2),
        "guard_latency_ratio": round(ms["guard"] / ms["get"], 3),
        "guard_ms": round(ms["guard"], 2),
        "get_item_ms": round(ms["get"], 2),
        "p2_cold_ratio": round(cold.cpu / cold.baseline_cpu, 3),
        "p2_cold_cpu_ms": round(cold.cpu, 1),
        "p2_baseline_cpu_ms": round(cold.baseline_cpu, 1),
        "p2_cold_wall_ratio": round(cold.wall / cold.baseline_wall, 3),
        "p2_peak_rss_mb": round(rss, 1),
        "p2_guard_cold_ratio": round(guard_cold.cpu / guard_cold.baseline_cpu, 3),
        "p2_guard_cold_cpu_ms": round(guard_cold.cpu, 1),
        "p2_guard_baseline_cpu_ms": round(guard_cold.baseline_cpu, 1),
    }
    late = f"(every call {LATENCY_S * 1000:.0f} ms late; median of {args.rounds} rounds)"
    print(
        f"collector run      {ms['collector']:7.2f} ms  vs one PutObject      {ms['put']:7.2f} ms  "
        f"ratio {figures['collector_latency_ratio']:.2f}  (target <= 1.25) {late}"
    )
    print(
        f"off switch, held   {ms['guard']:7.2f} ms  vs one GetItem        {ms['get']:7.2f} ms  "
        f"ratio {figures['guard_latency_ratio']:.2f}  (target <= 1.25) {late}"
    )
    print(
        f"P2 collector init  {cold.cpu:7.1f} ms CPU  vs boto3 + S3, DynamoDB "
        f"{cold.baseline_cpu:7.1f} ms  ratio {figures['p2_cold_ratio']:.2f}  (target <= 1.10; "
        f"wall time {cold.wall:.0f} vs {cold.baseline_wall:.0f} ms, "
        f"{figures['p2_cold_wall_ratio']:.2f})"
    )
    print(
        f"P2 off switch init {guard_cold.cpu:7.1f} ms CPU  vs boto3 + DynamoDB, EventBridge "
        f"{guard_cold.baseline_cpu:7.1f} ms  ratio {figures['p2_guard_cold_ratio']:.2f}  "
        "(no target)"
    )
    print(
        f"P2 peak RSS        {rss:7.1f} MB  after {args.invocations} collector invocations  "
        "(target <= 64 MB)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
