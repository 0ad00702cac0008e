"""A fault-injecting HTTP proxy between the app and the emulator: 127.0.0.1 only, bounded.

Every request is forwarded to `upstream` unless a fault matches it. A fault can drop the
connection (the network is down), delay the answer (for some seconds, or until the test releases
it: a race set up in a known order), or answer with an AWS error (throttling,
5xx, an expired token, access denied) itself; it can be limited to one API operation, to
requests signed with one access key, and to a number of requests. Every request is recorded.
With `dynamodb` set, DynamoDB's requests go there (DynamoDB Local) and the rest to `upstream`.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_REQUESTS = 5_000  # a runaway client gets dropped connections after this, not a busy loop
UPSTREAM_TIMEOUT = 20.0
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class Fault:
    """What to do to the requests it matches; `times` None means until cleared."""

    kind: str  # "drop" | "delay" | "error"
    operation: str | None = None  # e.g. "DisableRule"; None matches every operation
    access_key: str | None = None  # only requests signed with this key id
    times: int | None = None
    status: int = 400
    code: str = ""
    seconds: float = 0.0
    release: threading.Event | None = None  # "delay": until set (at most `seconds`)

    def matches(self, operation: str, access_key: str | None) -> bool:
        """Whether this fault applies to a request."""
        return (
            (self.times is None or self.times > 0)
            and self.operation in (None, operation)
            and self.access_key in (None, access_key)
        )


def throttled(operation: str | None = None, times: int | None = None) -> Fault:
    """429 ThrottlingException, as EventBridge and DynamoDB send it."""
    return Fault("error", operation, times=times, status=429, code="ThrottlingException")


def unavailable(operation: str | None = None, times: int | None = None) -> Fault:
    """503 ServiceUnavailable: a 5xx botocore retries."""
    return Fault("error", operation, times=times, status=503, code="ServiceUnavailableException")


def expired_token(access_key: str | None = None) -> Fault:
    """400 ExpiredTokenException for every request signed with `access_key`."""
    return Fault("error", access_key=access_key, status=400, code="ExpiredTokenException")


def access_denied(operation: str | None = None) -> Fault:
    """400 AccessDeniedException for `operation`."""
    return Fault("error", operation, status=400, code="AccessDeniedException")


def held_until(release: threading.Event, operation: str, seconds: float = 30.0) -> Fault:
    """Hold every matching request at the proxy until `release` is set, then forward it."""
    return Fault("delay", operation, seconds=seconds, release=release)


def network_down(operation: str | None = None) -> Fault:
    """Close every matching connection without an answer."""
    return Fault("drop", operation)


@dataclass
class Seen:
    """One request the proxy received."""

    at: float
    operation: str
    access_key: str | None
    fault: str | None


@dataclass
class FaultProxy:
    """The proxy; use as a context manager (it stops its server on exit)."""

    upstream: str
    faults: list[Fault] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    dynamodb: str | None = None  # DynamoDB's own upstream, when not `upstream`

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def inject(self, fault: Fault) -> Fault:
        """Add a fault (checked in the order added)."""
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault: the network is healthy again."""
        with self._lock:
            self.faults.clear()

    def count(self, operation: str | None = None, fault: str | None = None) -> int:
        """How many requests (of `operation`, that got `fault`) arrived so far."""
        with self._lock:
            return sum(
                1
                for s in self.seen
                if operation in (None, s.operation) and (fault is None or s.fault == fault)
            )

    def upstream_for(self, headers: Any) -> str:
        """Where a request goes: DynamoDB's JSON API names itself in X-Amz-Target."""
        target = str(headers.get("X-Amz-Target") or "")
        if self.dynamodb is not None and target.startswith("DynamoDB_"):
            return self.dynamodb
        return self.upstream

    def decide(self, operation: str, access_key: str | None) -> Fault | None:
        """Record the request; the fault to apply to it, if any (spending one of its `times`)."""
        with self._lock:
            chosen = next((f for f in self.faults if f.matches(operation, access_key)), None)
            if len(self.seen) >= MAX_REQUESTS:
                chosen = Fault("drop")
            if chosen is not None and chosen.times is not None:
                chosen.times -= 1
            kind = None if chosen is None else (chosen.code or chosen.kind)
            self.seen.append(Seen(time.monotonic(), operation, access_key, kind))
            return chosen


def operation_of(method: str, headers: Any, path: str, body: bytes) -> str:
    """The API operation a request calls: X-Amz-Target, a REST path (Lambda, S3), a query Action."""
    target = headers.get("X-Amz-Target")
    if target:
        return str(target).rsplit(".", 1)[-1]
    route = urllib.parse.urlsplit(path)
    if re.search(r"/functions/[^/]+/invocations$", route.path):
        return "Invoke"
    if method == "GET" and re.search(r"/functions/[^/]+/configuration$", route.path):
        return "GetFunctionConfiguration"
    if method == "PUT" and re.fullmatch(r"/[^/]+/.+", route.path) and not route.query:
        return "PutObject"  # path-style S3, as botocore sends it to an IP address
    action = urllib.parse.parse_qs(body.decode("latin-1")).get("Action")
    return action[0] if action else f"{method} {route.path}"


def error_body(fault: Fault, json_protocol: bool) -> tuple[str, bytes]:
    """The content type and body AWS would send for `fault`: JSON, or S3's XML."""
    if json_protocol:
        # JSON protocols read `__type`, REST-JSON (Lambda) the x-amzn-ErrorType header: both sent
        text = json.dumps({"__type": fault.code, "message": f"injected {fault.code}"})
        return "application/x-amz-json-1.1", text.encode()
    xml = f"<Error><Code>{fault.code}</Code><Message>injected {fault.code}</Message></Error>"
    return "application/xml", xml.encode()


def access_key_of(headers: Any) -> str | None:
    """The key id a SigV4 Authorization header names."""
    found = re.search(r"Credential=([^/]+)/", headers.get("Authorization", ""))
    return found.group(1) if found else None


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:  # noqa: C901  (one handler class per proxy)
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY: a reply goes out as headers then body, and Nagle would hold the body until
        # the client's delayed ACK (40 ms) on a kept-alive connection, as AWS never does.
        disable_nagle_algorithm = True

        def log_message(self, *_: Any) -> None:  # the test's output stays readable
            pass

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            operation = operation_of(self.command, self.headers, self.path, body)
            fault = proxy.decide(operation, access_key_of(self.headers))
            if fault is not None and fault.kind == "drop":
                self.close_connection = True
                return
            if fault is not None and fault.kind == "delay":
                if fault.release is None:
                    time.sleep(fault.seconds)
                else:
                    fault.release.wait(fault.seconds)
            elif fault is not None:
                json_protocol = "X-Amz-Target" in self.headers or operation == "Invoke"
                content_type, data = error_body(fault, json_protocol)
                headers = [("x-amzn-ErrorType", fault.code), ("Content-Type", content_type)]
                self._reply(fault.status, headers, data)
                return
            self._forward(body)

        def _forward(self, body: bytes) -> None:
            upstream = urllib.parse.urlsplit(proxy.upstream_for(self.headers))
            conn = http.client.HTTPConnection(
                upstream.hostname or "127.0.0.1", upstream.port, timeout=UPSTREAM_TIMEOUT
            )
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
            except OSError:  # the emulator is down: to the client that is a dropped connection
                self.close_connection = True
                return
            finally:
                conn.close()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
            self._reply(answer.status, kept, data)

        def _reply(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any  # noqa: N815 - http.server's names

    return Handler
