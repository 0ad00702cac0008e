"""AWS at an in-region distance: moto's ThreadedMotoServer behind the fault proxy, both in
processes of their own, every request held LATENCY_S before it is passed on."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATENCY_S = 0.020  # an in-region round trip
PROXY_SCRIPT = """
import sys
from tests.faults import fault_proxy
fault_proxy.MAX_REQUESTS = 10**9  # its runaway guard is for tests; the bench sends thousands
with fault_proxy.FaultProxy(sys.argv[1]) as proxy:
    proxy.inject(fault_proxy.Fault("delay", seconds=float(sys.argv[2])))
    print(proxy.url, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def slow_proxy(upstream: str) -> Iterator[str]:
    """The fault proxy in a child process, every request LATENCY_S late; yields its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PROXY_SCRIPT, upstream, str(LATENCY_S)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.stdout.close()


@contextlib.contextmanager
def slow_emulator() -> Iterator[str]:
    """A ThreadedMotoServer in a child process behind a slow proxy; yields the proxy's URL."""
    from tests.emulator_process import emulator_process  # noqa: PLC0415 - after the path is set

    with emulator_process() as (url, _), slow_proxy(url) as proxied:
        yield proxied
