"""P7: `make demo` on a warm machine (venv present) until the panel is ready, against a floor.

P7  launch -> the panel's first visible state ("Deploying the stack…")     target <= 1.5 s
    launch -> ready (the rule's state read from our deployed stack: "Off")   target <= 3 s
    baseline (same run): a bare interpreter that imports moto's server and starts it, the
    floor any emulator-based demo pays
Run: `make bench` (or `.venv/bin/python bench/demo_bench.py [--runs N]`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = """
import logging
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print("up", flush=True)
server.stop()
"""


def demo_seconds() -> tuple[float, float]:
    """Seconds from launching the demo to its panel's first state line, and to ready."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tray_app", "demo", "--terminal"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    visible = None
    try:
        for line in proc.stdout:
            if visible is None and "Deploying the stack" in line:
                visible = time.perf_counter() - started
            if "Off — costs $0" in line:
                assert visible is not None, "ready before any state was shown"
                return visible, time.perf_counter() - started
        raise RuntimeError("the demo ended before it was ready")
    finally:
        proc.stdin.write("q")
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()


def floor_seconds() -> float:
    """Seconds for a bare interpreter to import moto's server and start it."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR], check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


def main() -> int:
    """Alternate demo and floor runs; print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    shown, ready, floor = [], [], []
    for _ in range(args.runs):
        first, done = demo_seconds()
        shown.append(first)
        ready.append(done)
        floor.append(floor_seconds())
    v, d, f = statistics.median(shown), statistics.median(ready), statistics.median(floor)
    print(
        f"P7 first state     {v:5.2f} s  vs bare emulator start {f:5.2f} s  ratio {v / f:.2f}  "
        "(target <= 1.5 s)"
    )
    print(
        f"P7 demo ready      {d:5.2f} s  vs bare emulator start {f:5.2f} s  ratio {d / f:.1f}  "
        "(target <= 3 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
