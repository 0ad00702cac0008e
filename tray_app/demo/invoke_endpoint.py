"""A local Lambda Invoke endpoint: runs lambda_function/ in-process against the emulator.

moto cannot run function code without Docker (docs/emulator.md), so the demo answers the Lambda
Invoke API itself (POST /2015-03-31/functions/NAME/invocations), enough for boto3: the
function's configuration (environment, timeout) is read from the emulator, the handler runs
with clients pointed at the emulator, and errors come back as FunctionError, as from AWS. It
serves only the demo's front door (closed_door.py): the door passes Invoke calls on.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
from botocore.exceptions import ClientError

from tray_app.aws.lambda_package import LAMBDA_SOURCE
from tray_app.demo.closed_door import DOOR_HEADER, Guard

PATH_PREFIX = "/2015-03-31/functions/"


@dataclass
class Context:
    """What the Lambda runtime hands the handler."""

    function_name: str
    function_version: str
    aws_request_id: str
    deadline: float

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the function's timeout."""
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class InvokeEndpoint:
    """An HTTP server on 127.0.0.1 that runs the data-collector handler for Invoke calls."""

    def __init__(self, emulator_url: str, region: str, guard: Guard) -> None:
        self.emulator_url = emulator_url
        self.guard = guard
        self.region = region
        self._lambda = boto3.client("lambda", region_name=region, endpoint_url=emulator_url)
        self._containers: dict[str, Callable[[Any, Any], Any]] = {}  # one warm container each
        self._run_lock = threading.Lock()  # one run at a time: the handler logs to stdout
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                endpoint.handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ANN401
                pass  # quiet: the demo prints its own lines

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self._server.server_address[1]
        guard.ports.add(port)
        self.url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the port."""
        self._server.shutdown()
        self._server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Answer one Invoke request (from the front door only)."""
        asked = request.headers
        refused = self.guard.refusal(
            asked.get("Host"),
            asked.get("Origin"),
            asked.get("Content-Length"),
            chunked="Transfer-Encoding" in asked,
        ) or self.guard.behind_door(asked.get(DOOR_HEADER))
        if refused is not None:
            request.close_connection = True
            _reply(request, refused.status, json.dumps({"message": refused.reason}).encode(), {})
            return
        path = urlparse(request.path).path
        if not (path.startswith(PATH_PREFIX) and path.endswith("/invocations")):
            _reply(
                request,
                HTTPStatus.NOT_FOUND,
                b"",
                {"x-amzn-ErrorType": "UnknownOperationException"},
            )
            return
        name = unquote(path[len(PATH_PREFIX) : -len("/invocations")]).split(":function:")[-1]
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        try:
            config = dict(self._lambda.get_function_configuration(FunctionName=name))
        except ClientError as err:
            problem = err.response.get("Error", {})
            _reply(
                request,
                err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 404),
                json.dumps({"Type": "User", "Message": problem.get("Message", "")}).encode(),
                {"x-amzn-ErrorType": str(problem.get("Code", "ResourceNotFoundException"))},
            )
            return
        event = json.loads(body) if body else {}
        kind = request.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        if kind == "DryRun":
            _reply(request, HTTPStatus.NO_CONTENT, b"", {})
            return
        if kind == "Event":  # asynchronous: accepted now, run in the background
            threading.Thread(target=self.run, args=(config, event), daemon=True).start()
            _reply(request, HTTPStatus.ACCEPTED, b"", {})
            return
        payload, failed, log = self.run(config, event)
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if request.headers.get("X-Amz-Log-Type") == "Tail":
            headers["X-Amz-Log-Result"] = base64.b64encode(log[-4096:].encode()).decode()
        if failed:
            headers["X-Amz-Function-Error"] = "Unhandled"
        _reply(request, HTTPStatus.OK, json.dumps(payload).encode(), headers)

    def run(self, config: dict[str, Any], event: Any) -> tuple[Any, bool, str]:  # noqa: ANN401
        """Run the handler once; returns (payload, failed, log text)."""
        name = config["FunctionName"]
        request_id = str(uuid.uuid4())
        context = Context(name, "$LATEST", request_id, time.monotonic() + config.get("Timeout", 60))
        with self._run_lock:
            handle = self._handler(name, config)
            log = io.StringIO()
            log.write(f"START RequestId: {request_id} Version: $LATEST\n")
            try:
                with contextlib.redirect_stdout(log):
                    payload, failed = handle(event, context), False
            except Exception as err:  # noqa: BLE001 - the runtime reports any exception
                payload, failed = (
                    {
                        "errorMessage": str(err),
                        "errorType": type(err).__name__,
                        "stackTrace": traceback.format_tb(err.__traceback__),
                    },
                    True,
                )
                log.write(f"[ERROR] {type(err).__name__}: {err}\n")
            log.write(f"END RequestId: {request_id}\n")
        return payload, failed, log.getvalue()

    def _handler(self, name: str, config: dict[str, Any]) -> Callable[[Any, Any], Any]:
        """The function's handler, bound to its container (made once per function), chosen by
        its Handler setting: the collector, or the off switch."""
        if name not in self._containers:
            url, region = self.emulator_url, self.region

            def client(service: str, client_region: str | None) -> Any:  # noqa: ANN401
                return boto3.client(  # type: ignore[call-overload]
                    service, region_name=client_region or region, endpoint_url=url
                )

            environment = config.get("Environment", {}).get("Variables", {})
            self._containers[name] = _bind(config.get("Handler", ""), environment, client)
        return self._containers[name]


def _bind(
    handler: str, environment: dict[str, str], client: Callable[[str, str | None], Any]
) -> Callable[[Any, Any], Any]:
    """The function's own modules, imported the way the Lambda runtime finds them."""
    if str(LAMBDA_SOURCE) not in sys.path:
        sys.path.insert(0, str(LAMBDA_SOURCE))
    if handler == "off_switch.lambda_handler":
        import off_switch  # noqa: PLC0415

        settings = off_switch.from_environment(environment)
        clients = off_switch.Clients(settings.region, client)
        return lambda event, _context: off_switch.run(event, settings, clients, now=time.time())
    import data_collector  # noqa: PLC0415
    from collector.container import Container  # noqa: PLC0415

    made = Container(environment=environment, client_factory=client)
    return lambda event, context: data_collector.handle(event, context, made, now=time.time())


def _reply(
    request: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
) -> None:
    request.send_response(status)
    for key, value in headers.items():
        request.send_header(key, value)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)
