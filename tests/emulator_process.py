"""Helpers around moto: the emulator in its own process, IAM enforcement, bulk metric items."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3

# A ThreadedMotoServer in a child process: it prints its port and runs until stdin closes.
EMULATOR_SCRIPT = """
import logging, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


@contextlib.contextmanager
def emulator_process() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Start the emulator in its own process; yield its URL and the process; stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", EMULATOR_SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        yield f"http://127.0.0.1:{proc.stdout.readline().strip()}", proc
    finally:
        if not proc.stdin.closed:
            proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.stdout.close()


def set_free_actions(endpoint: str, count: str) -> None:
    """How many requests the emulator lets through before it enforces IAM ("0", or "inf")."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=count.encode(),
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@contextlib.contextmanager
def iam_enforced(endpoint: str) -> Iterator[None]:
    """The emulator checks IAM policies inside the block (it outlives the test: switch back)."""
    set_free_actions(endpoint, "0")
    try:
        yield
    finally:
        set_free_actions(endpoint, "inf")


def put_metrics(count: int, start: int = 0, table: str = "InfraMetrics") -> None:
    """Write metric items start..count-1, newest last, 25 per batch."""
    dynamodb: Any = boto3.client("dynamodb", region_name="eu-west-1")
    for first in range(start, count, 25):
        batch = [
            {
                "PutRequest": {
                    "Item": {
                        "collection_id": {"S": f"id-{n}"},
                        "record_type": {"S": "metrics"},
                        "timestamp": {"N": str(1_700_000_000 + n * 300)},
                        "cpu_percent": {"N": "3.25"},
                        "cold_start": {"BOOL": False},
                    }
                }
            }
            for n in range(first, min(first + 25, count))
        ]
        dynamodb.batch_write_item(RequestItems={table: batch})
