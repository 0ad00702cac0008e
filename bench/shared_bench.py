"""P8: how soon a second device sees a study session that another client started or stopped.

P8  client A (the CLI, `start --minutes 30` / `stop`) changes the session; the time until client
    B's panel (a tray on another device, poll_seconds=1) shows it: "held by ..." after a start,
    "Off — costs $0" after a stop; starts and stops alternate, 20 of each
    target p95 <= poll + 1 s = 2 s, from the moment A's command returns; baseline (same run):
    the poll interval (1 s) and one bare describe_rule + get_item round trip to the same emulator

A and B are real processes with state directories of their own (so device ids of their own),
against moto's ThreadedMotoServer in a process of its own on 127.0.0.1. Each time runs from A's
return (and, second figure, from A's launch) to the arrival of B's first line showing the new
state, searched from a cursor taken before A was launched, so no earlier line can match. A random
pause of up to one poll before each action lands it anywhere in B's poll cycle.
Run: `make bench` (or `.venv/bin/python bench/shared_bench.py [--trials N]`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402 - after the path is set

from tests.aws_names import REGION, RULE  # noqa: E402
from tests.emulator_process import emulator_process  # noqa: E402
from tests.template_resources import (  # noqa: E402
    SESSION_KEY,
    SESSION_TABLE,
    create_pipeline,
)
from tests.tray_process import Tray  # noqa: E402

POLL_SECONDS = 1
TARGET_SECONDS = POLL_SECONDS + 1
SHOWS = {"start": "held by", "stop": "Off — costs $0"}
COMMANDS = {"start": ("start", "--minutes", "30"), "stop": ("stop",)}
WAIT_SECONDS = 30  # the longest any single wait may take
ROUND_TRIPS = 20


def shown_at(tray: Tray, fragment: str, after: int) -> float:
    """When the first line with `fragment` from cursor `after` arrived (waits at most 30 s)."""
    tray.wait_line(fragment, timeout=WAIT_SECONDS, after=after)
    return tray.stamps[tray.index(fragment, after=after)]


def isolate(tmp: Path) -> None:
    """Fake credentials, and no AWS config, user config or PIPELINE_TRAY_ variable, for this
    process and the clients it starts."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "PIPELINE_TRAY_")):
            del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_CONFIG_FILE=str(tmp / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        XDG_CONFIG_HOME=str(tmp / "config"),
    )


def make_pipeline(endpoint: str) -> None:
    """The template's bucket, table and disabled rule in the emulator."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint  # for create_pipeline's clients only
    try:
        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
    finally:
        del os.environ["AWS_ENDPOINT_URL"]


def cli(endpoint: str, home: Path, action: str) -> tuple[float, float]:
    """Run client A's command; returns when it was launched and when it returned."""
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(home / "state"),
        "PIPELINE_TRAY_DEVICE_NAME": "deviceA",
    }
    command = [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION]
    launched = time.monotonic()
    done = subprocess.run(
        [*command, *COMMANDS[action]],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    returned = time.monotonic()
    if done.returncode != 0:
        raise RuntimeError(f"`{action}` exited {done.returncode}: {done.stderr.strip()}")
    return launched, returned


def round_trip_ms(endpoint: str) -> float:
    """Median time of one bare describe_rule + consistent get_item (B's poll, without the app)."""
    events = boto3.client("events", region_name=REGION, endpoint_url=endpoint)
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    key = SESSION_KEY
    times = []
    for _ in range(ROUND_TRIPS + 1):  # the first one opens the connections: not counted
        started = time.perf_counter()
        events.describe_rule(Name=RULE)
        dynamodb.get_item(TableName=SESSION_TABLE, Key=key, ConsistentRead=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])


def trials(endpoint: str, homes: Path, count: int) -> dict[str, list[tuple[float, float]]]:
    """`count` starts and `count` stops by A, alternating; per action, B's delay in seconds
    from A's return and from A's launch."""
    (homes / "b").mkdir()
    b_env = {
        "PIPELINE_TRAY_POLL_SECONDS": str(POLL_SECONDS),
        "PIPELINE_TRAY_DEVICE_NAME": "deviceB",
    }
    tray = Tray(endpoint, homes / "b", b_env)
    delays: dict[str, list[tuple[float, float]]] = {"start": [], "stop": []}
    pauses = random.Random(8)  # spreads the actions over B's poll cycle; seeded: repeatable
    try:
        shown_at(tray, SHOWS["stop"], 0)  # B is up and has seen the rule off
        for trial in range(2 * count):
            action = "start" if trial % 2 == 0 else "stop"
            time.sleep(pauses.uniform(0, POLL_SECONDS))
            cursor = tray.mark()
            launched, returned = cli(endpoint, homes / "a", action)
            shown = shown_at(tray, SHOWS[action], cursor)
            delays[action].append((shown - returned, shown - launched))
    finally:
        if tray.proc.poll() is None:
            tray.key("q")  # B holds nothing: quitting changes nothing in AWS
            with contextlib.suppress(subprocess.TimeoutExpired):  # stop() below kills it
                tray.proc.wait(timeout=15)
        tray.stop()
    return delays


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive quantiles: interpolated between the two highest of 20)."""
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def figures(values: list[float]) -> str:
    """'median 0.61 s  p95 1.20 s  max 1.25 s'."""
    middle, top = statistics.median(values), max(values)
    return f"median {middle:4.2f} s  p95 {p95(values):4.2f} s  max {top:4.2f} s"


def main() -> int:
    """Run the trials, then the baseline, and print each figure against the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trials", type=int, default=20, help="starts, and as many stops")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shared-bench-") as tmp:
        isolate(Path(tmp))
        with emulator_process() as (endpoint, _):
            make_pipeline(endpoint)
            delays = trials(endpoint, Path(tmp), args.trials)
            bare_ms = round_trip_ms(endpoint)
    every = [d for action in ("start", "stop") for d in delays[action]]
    print(
        f"P8 convergence     A's CLI start/stop -> B's panel, poll {POLL_SECONDS} s, "
        f"{args.trials} starts + {args.trials} stops alternating  (target p95 <= poll + 1 s = "
        f"{TARGET_SECONDS} s, from A's return)"
    )
    for label, values in (("start", delays["start"]), ("stop ", delays["stop"]), ("all  ", every)):
        print(
            f"   {label} from A's return: {figures([r for r, _ in values])}   "
            f"from A's launch: {figures([s for _, s in values])}"
        )
    worst = p95([r for r, _ in every])
    print(
        f"   p95 {worst:.2f} s = {worst / TARGET_SECONDS:.2f} of the target; baseline (same run): "
        f"poll interval {POLL_SECONDS:.2f} s, one bare describe_rule + get_item "
        f"{bare_ms:.1f} ms (median of {ROUND_TRIPS})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
