"""Who may talk to the demo's local servers: this user's AWS clients, not a web page.

Every server of the demo listens on 127.0.0.1, which any web page the user opens can reach too
(a "simple" cross-origin POST needs no preflight), and which a DNS name rebound to 127.0.0.1
reaches with a foreign Host. So each server answers only a request that

- names it by Host: 127.0.0.1 or localhost, on a port of the demo (DNS rebinding fails here);
- carries no foreign Origin (browsers send one with every cross-origin POST; AWS clients never);
- has a body of at most MAX_BODY bytes, with a Content-Length (nothing to read without end);
- and, at the front door, starts its path with the random token of the URL the demo prints
  (botocore and the AWS CLI keep an endpoint URL's path as a prefix of every request's);
  behind the door, carries the door's random secret header (only the door can call them).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http import HTTPStatus

MAX_BODY = 8 * 1024 * 1024  # Lambda's payload limit is 6 MB; metrics objects are a few KB
DOOR_HEADER = "X-Pipeline-Tray-Door"
LOCAL_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Refusal:
    """Why a request is not served: its status and a line for the client."""

    status: HTTPStatus
    reason: str


@dataclass
class Guard:
    """The checks every demo server makes; `ports` are the demo's own (the door's is named by
    the Host of every request it passes on)."""

    ports: set[int] = field(default_factory=set)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def local_origins(self) -> set[str]:
        """The Host values (and, with http://, the Origin values) the demo's servers accept."""
        return {f"{name}:{port}" for name in LOCAL_NAMES for port in self.ports}

    def refusal(
        self,
        host: str | None,
        origin: str | None,
        length: str | None,
        chunked: bool,
    ) -> Refusal | None:
        """None when Host, Origin and body size are acceptable, else why not."""
        hosts = self.local_origins()
        if (host or "").lower() not in hosts:
            return Refusal(HTTPStatus.FORBIDDEN, f"Host {host!r} is not this demo's")
        if origin is not None and origin.lower() not in {f"http://{h}" for h in hosts}:
            return Refusal(HTTPStatus.FORBIDDEN, f"requests from {origin!r} are not served")
        if chunked:
            return Refusal(HTTPStatus.LENGTH_REQUIRED, "a body needs a Content-Length")
        try:
            size = int(length or 0)
        except ValueError:
            return Refusal(HTTPStatus.BAD_REQUEST, "Content-Length is not a number")
        if not 0 <= size <= MAX_BODY:
            return Refusal(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"bodies are cut at {MAX_BODY} bytes"
            )
        return None

    def behind_door(self, sent: str | None) -> Refusal | None:
        """None when the request came through the front door (it carries the door's secret)."""
        if sent is not None and hmac.compare_digest(sent.encode(), self.secret.encode()):
            return None
        return Refusal(HTTPStatus.FORBIDDEN, "only the demo's front door is served here")

    def through_door(self, path: str) -> str | None:
        """`path` without the token it must start with ('/TOKEN/x' -> '/x'), or None."""
        prefix = f"/{self.token}"
        if not hmac.compare_digest(path[: len(prefix)].encode(), prefix.encode()):
            return None
        rest = path[len(prefix) :]
        if rest and rest[0] not in "/?":
            return None  # /TOKENx: another path, not ours
        return rest if rest.startswith("/") else "/" + rest
