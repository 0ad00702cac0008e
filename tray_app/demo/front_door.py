"""One URL for every service of the demo: Lambda Invoke goes to the local Invoke endpoint (which
runs our handler), everything else to the emulator. So `pipeline-tray --endpoint-url URL invoke`
and the stock AWS CLI work against the one URL the demo prints."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tray_app.demo.invoke_endpoint import PATH_PREFIX

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}
TIMEOUT_SECONDS = 90.0  # longer than the function's own timeout


def is_invoke(method: str, path: str) -> bool:
    """True for Lambda's Invoke API: POST /2015-03-31/functions/NAME/invocations."""
    route = urllib.parse.urlsplit(path).path
    return method == "POST" and route.startswith(PATH_PREFIX) and route.endswith("/invocations")


class FrontDoor:
    """An HTTP server on 127.0.0.1 that forwards each request to the right local server."""

    def __init__(self) -> None:
        door = self
        self.emulator_url: str | None = None
        self.invoke_url: str | None = None

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                door.forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ANN401
                pass  # quiet: the demo prints its own lines

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
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
        """Pass one request on and its answer back."""
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        target = self.invoke_url if is_invoke(request.command, request.path) else self.emulator_url
        if target is None:
            _answer(request, 503, [("Content-Type", "text/plain")], b"the demo is still starting")
            return
        where = urllib.parse.urlsplit(target)
        upstream = http.client.HTTPConnection(
            where.hostname or "127.0.0.1", where.port, timeout=TIMEOUT_SECONDS
        )
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream.request(request.command, request.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
            status = answer.status
        except OSError as err:  # the server behind went away: say so as a 502
            data = f"demo front door: {target} did not answer ({err})".encode()
            kept, status = [("Content-Type", "text/plain")], 502
        finally:
            upstream.close()
        _answer(request, status, kept, data)


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
