"""P1 and P2: the data-collector handler against a local emulator, each figure as a ratio.

P1  warm handler duration / (put_object + put_item back-to-back, same clients)   target <= 0.75
    also against the work a scheduled run must do since sessions are shared: the guard's
    consistent get_item of the session item, then the two writes (no target; the overhead figure)
P2  cold init (import handler + create clients) / (import boto3 + same clients)  target <= 1.10
P2  peak RSS of a process doing 200 invocations                                   target <= 64 MB

The emulator (moto's ThreadedMotoServer) runs outside the measured process, so its work is not
counted against the handler, and the writes travel over HTTP as they do to AWS. S3 and DynamoDB
get one emulator process each: in AWS they are independent services, while one emulator process
handles requests one at a time under its own GIL and would hide any overlap of the two writes.
Peak RSS is the kernel's VmHWM of a fresh process: ru_maxrss would carry over the parent's peak
across exec.
Run: `make bench` (or `.venv/bin/python bench/lambda_bench.py [--rounds N]`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "lambda_function"), str(ROOT)]

from tests.aws_names import REGION  # noqa: E402

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": REGION,
    "S3_BUCKET": "infra-monitoring-pipeline-data",
    "DYNAMODB_TABLE": "InfraMetrics",
    "REGION": REGION,
    "RULE_NAME": "data-collector-schedule",
}
COLD_HANDLER = """
import time; t = time.perf_counter()
import data_collector
data_collector.CONTAINER.warm_up()
print(time.perf_counter() - t)
"""
COLD_BASELINE = """
import time; t = time.perf_counter()
import boto3
boto3.client("s3", region_name="eu-west-1"); boto3.client("dynamodb", region_name="eu-west-1")
print(time.perf_counter() - t)
"""
RSS_RUN = """
import contextlib, io, sys, uuid
from datetime import UTC, datetime, timedelta
import data_collector

class Context:
    function_name, function_version = "data-collector", "$LATEST"
    def __init__(self): self.aws_request_id = str(uuid.uuid4())
    def get_remaining_time_in_millis(self): return 60000

start = datetime(2026, 11, 26, tzinfo=UTC)
with contextlib.redirect_stdout(io.StringIO()):
    for i in range(int(sys.argv[1])):
        when = (start + timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        data_collector.lambda_handler({"time": when, "id": str(uuid.uuid4())}, Context())
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]) / 1024)
"""


@contextlib.contextmanager
def emulator() -> Iterator[str]:
    """A ThreadedMotoServer in a child process; yields its endpoint URL."""
    from tests.emulator_process import emulator_process  # noqa: PLC0415 - after the path is set

    with emulator_process() as (url, _):
        yield url


def create_pipeline() -> None:
    """The bucket and table of template.yaml, made directly (creation is not what we measure)."""
    import boto3  # noqa: PLC0415 - only after os.environ points boto3 at the emulator

    from tests.template_resources import create_pipeline as create  # noqa: PLC0415

    create(boto3.session.Session(region_name=REGION), REGION)


class Context:
    """The parts of Lambda's context object the handler reads."""

    function_name = "data-collector"
    function_version = "$LATEST"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left, as Lambda's context reports them."""
        return 60_000


def bare_writes(container: Any, record: dict[str, Any]) -> None:  # noqa: ANN401 - a Container
    """The same two writes as the handler's, same clients and payload, one after the other."""
    from collector.record import dynamodb_item, s3_body  # noqa: PLC0415 - after the path is set

    record = {**record, "collection_id": str(uuid.uuid4())}
    container.s3.put_object(
        Bucket=ENV["S3_BUCKET"],
        Key=f"metrics-baseline-{record['collection_id']}.json",
        Body=s3_body(record),
        ContentType="application/json",
    )
    container.dynamodb.put_item(TableName=ENV["DYNAMODB_TABLE"], Item=dynamodb_item(record))


def p1_warm(rounds: int) -> tuple[float, float, float]:
    """Median warm handler time, back-to-back write time, and read-then-writes time, interleaved
    round by round."""
    import data_collector  # noqa: PLC0415 - imported once the environment is set

    container = data_collector.CONTAINER
    start = datetime(2026, 11, 26, tzinfo=UTC)
    handler_ms: list[float] = []
    baseline_ms: list[float] = []
    guarded_ms: list[float] = []
    with contextlib.redirect_stdout(io.StringIO()):
        data_collector.lambda_handler({}, Context())  # the cold start is P2's business
        for i in range(rounds):
            when = (start + timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            t = time.perf_counter()
            result = data_collector.lambda_handler(
                {"time": when, "id": str(uuid.uuid4())}, Context()
            )
            handler_ms.append((time.perf_counter() - t) * 1000)
            # The bare script: the same two writes, same clients, same payload, one after another.
            t = time.perf_counter()
            bare_writes(container, result["record"])
            baseline_ms.append((time.perf_counter() - t) * 1000)
            # The guard's read first (it decides whether anything may be written), then the same
            # two writes one after another.
            t = time.perf_counter()
            container.dynamodb.get_item(
                TableName=ENV["DYNAMODB_TABLE"],
                Key={"collection_id": {"S": "session#" + ENV["RULE_NAME"]}},
                ConsistentRead=True,
            )
            bare_writes(container, result["record"])
            guarded_ms.append((time.perf_counter() - t) * 1000)
    return (
        statistics.median(handler_ms),
        statistics.median(baseline_ms),
        statistics.median(guarded_ms),
    )


def timed_child(code: str, env: dict[str, str], *args: str) -> float:
    """Run `code` in a fresh interpreter and return the one number it prints."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT / "lambda_function",
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return float(done.stdout.strip().splitlines()[-1])


def p2_cold(rounds: int, env: dict[str, str]) -> tuple[float, float]:
    """Median cold init of the handler and of the bare baseline, alternating fresh processes."""
    handler: list[float] = []
    baseline: list[float] = []
    for _ in range(rounds):
        handler.append(timed_child(COLD_HANDLER, env) * 1000)
        baseline.append(timed_child(COLD_BASELINE, env) * 1000)
    return statistics.median(handler), statistics.median(baseline)


def main() -> int:
    """Run the benchmark and print each figure with its baseline and target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=300, help="warm invocations (P1)")
    parser.add_argument("--cold-rounds", type=int, default=15, help="fresh processes each (P2)")
    parser.add_argument("--invocations", type=int, default=200, help="invocations for peak RSS")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    with emulator() as s3_endpoint, emulator() as other_endpoint:
        os.environ.update(
            ENV,
            AWS_ENDPOINT_URL=other_endpoint,  # DynamoDB and EventBridge
            AWS_ENDPOINT_URL_S3=s3_endpoint,
        )
        child_env = {**os.environ, "PYTHONPATH": str(ROOT / "lambda_function")}
        create_pipeline()
        warm, back_to_back, read_then_writes = p1_warm(args.rounds)
        cold, bare = p2_cold(args.cold_rounds, child_env)
        rss = timed_child(RSS_RUN, child_env, str(args.invocations))

    figures = {
        "p1_ratio": round(warm / back_to_back, 3),
        "p1_handler_ms": round(warm, 2),
        "p1_baseline_ms": round(back_to_back, 2),
        "p1_guarded_ratio": round(warm / read_then_writes, 3),
        "p1_guarded_baseline_ms": round(read_then_writes, 2),
        "p2_cold_ratio": round(cold / bare, 3),
        "p2_cold_ms": round(cold, 1),
        "p2_baseline_ms": round(bare, 1),
        "p2_peak_rss_mb": round(rss, 1),
    }
    print(
        f"P1 warm handler    {warm:7.2f} ms  vs put_object+put_item back-to-back "
        f"{back_to_back:7.2f} ms  ratio {figures['p1_ratio']:.2f}  (target <= 0.75)"
    )
    print(
        f"   the same run    {warm:7.2f} ms  vs get_item + put_object + put_item       "
        f"{read_then_writes:7.2f} ms  ratio {figures['p1_guarded_ratio']:.2f}  "
        "(what a scheduled run must do)"
    )
    print(
        f"P2 cold init       {cold:7.1f} ms  vs import boto3 + the same clients  "
        f"{bare:7.1f} ms  ratio {figures['p2_cold_ratio']:.2f}  (target <= 1.10)"
    )
    print(
        f"P2 peak RSS        {rss:7.1f} MB  after {args.invocations} invocations  (target <= 64 MB)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
