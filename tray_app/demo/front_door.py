"""One URL for every service of the demo: Lambda Invoke goes to the local Invoke endpoint (which
runs our handler), everything else to the emulator. So `pipeline-tray --endpoint-url URL invoke`
and the stock AWS CLI work against the one URL the demo prints.

The door is closed to all but this user's clients (closed_door.py): its URL ends in a random
token every request's path must start with, and a web page's request is refused by its Host or
Origin. It passes requests on with the secret only it knows, which the servers behind require."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tray_app.demo.closed_door import DOOR_HEADER, Guard, Refusal
from tray_app.demo.invoke_endpoint import PATH_PREFIX

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}
DROPPED = HOP_BY_HOP | {DOOR_HEADER.lower()}  # a client's own "secret" is not passed on
TIMEOUT_SECONDS = 90.0  # longer than the function's own timeout


def is_invoke(method: str, path: str) -> bool:
    """True for Lambda's Invoke API: POST /2015-03-31/functions/NAME/invocations."""
    route = urllib.parse.urlsplit(path).path
    return method == "POST" and route.startswith(PATH_PREFIX) and route.endswith("/invocations")


class FrontDoor:
    """An HTTP server on 127.0.0.1 that forwards each request to the right local server."""

    def __init__(self, guard: Guard) -> None:
        door = self
        self.guard = guard
        self.emulator_url: str | None = None
        self.invoke_url: str | None = None

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                door.forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _any  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ANN401
                pass  # quiet: the demo prints its own lines

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self._server.server_address[1]
        guard.ports.add(port)
        self.url = f"http://127.0.0.1:{port}/{guard.token}"  # what every client is given
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def connect(self, emulator_url: str, invoke_url: str) -> None:
        """The servers behind the door are up: forward to them from now on."""
        self.emulator_url, self.invoke_url = emulator_url, invoke_url

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the port."""
        self._server.shutdown()
        self._server.server_close()

    def forward(self, request: BaseHTTPRequestHandler) -> None:
        """Pass one request on and its answer back; refuse one from outside (closed_door.py)."""
        headers = request.headers
        refused = self.guard.refusal(
            headers.get("Host"),
            headers.get("Origin"),
            headers.get("Content-Length"),
            chunked="Transfer-Encoding" in headers,
        )
        path = self.guard.through_door(request.path)
        if refused is None and path is None:
            refused = Refusal(HTTPStatus.FORBIDDEN, "the demo's URL has a token: use it whole")
        if refused is not None or path is None:
            _refuse(request, refused)
            return
        body = request.rfile.read(int(headers.get("Content-Length") or 0))
        target = self.invoke_url if is_invoke(request.command, path) else self.emulator_url
        if target is None:
            _answer(request, 503, [("Content-Type", "text/plain")], b"the demo is still starting")
            return
        where = urllib.parse.urlsplit(target)
        upstream = http.client.HTTPConnection(
            where.hostname or "127.0.0.1", where.port, timeout=TIMEOUT_SECONDS
        )
        try:
            passed = {k: v for k, v in headers.items() if k.lower() not in DROPPED}
            passed[DOOR_HEADER] = self.guard.secret  # the servers behind serve only the door
            upstream.request(request.command, path, body=body, headers=passed)
            answer = upstream.getresponse()
            data = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if not _dropped_answer(k)]
            status = answer.status
        except OSError as err:  # the server behind went away: say so as a 502
            data = f"demo front door: {target} did not answer ({err})".encode()
            kept, status = [("Content-Type", "text/plain")], 502
        finally:
            upstream.close()
        _answer(request, status, kept, data)


def _dropped_answer(name: str) -> bool:
    # no CORS grant leaves the demo, whatever a server behind says: no page may read an answer
    return name.lower() in HOP_BY_HOP or name.lower().startswith("access-control-")


def _refuse(request: BaseHTTPRequestHandler, refused: Refusal | None) -> None:
    status, reason = (refused.status, refused.reason) if refused else (HTTPStatus.FORBIDDEN, "")
    request.close_connection = True  # its body, if any, is not read
    _answer(
        request, status, [("Content-Type", "text/plain"), ("Connection", "close")], reason.encode()
    )


def _answer(
    request: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], data: bytes
) -> None:
    request.send_response(status)
    for name, value in headers:
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(data)))
    request.end_headers()
    if request.command != "HEAD":
        request.wfile.write(data)
