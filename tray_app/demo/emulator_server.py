"""moto's server, closed as the demo's other servers are (closed_door.py): only requests the
front door passes on are served, and no CORS grant is ever sent.

moto's own ThreadedMotoServer answers anyone on its port and, unless told otherwise, grants
every origin by CORS; this serves the same application behind a check, on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from tray_app.demo.closed_door import DOOR_HEADER, Guard

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_DOOR_KEY = "HTTP_" + DOOR_HEADER.upper().replace("-", "_")


def closed(app: WsgiApp, guard: Guard) -> WsgiApp:
    """`app` behind the guard: a refused request never reaches it, and no answer of it carries
    an Access-Control-* header."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        refused = guard.refusal(
            environ.get("HTTP_HOST"),
            environ.get("HTTP_ORIGIN"),
            environ.get("CONTENT_LENGTH"),
            chunked="HTTP_TRANSFER_ENCODING" in environ,
        ) or guard.behind_door(environ.get(_DOOR_KEY))
        if refused is not None:
            body = json.dumps({"message": refused.reason}).encode()
            start_response(
                f"{refused.status.value} {refused.status.phrase}",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]

        def without_cors(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:  # noqa: ANN401
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            return start_response(status, kept, *rest)

        return app(environ, without_cors)

    return serve


class EmulatorServer:
    """moto's application on 127.0.0.1, behind `guard`, served from a thread."""

    def __init__(self, guard: Guard) -> None:
        # read when moto's server module is first imported: no global CORS from the start
        os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
        from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - only the demo needs moto
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server  # noqa: PLC0415

        app = closed(DomainDispatcherApplication(create_backend_app), guard)
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
        )
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
        self._thread.join()
