"""The demo's servers answer this user's AWS clients only: a web page's cross-origin POST, a
request under a foreign Host (DNS rebinding), one without the URL's token or around the front
door, and an endless body are refused by each of them; no answer carries a CORS grant. Real
servers on 127.0.0.1 (moto's application, our Invoke endpoint, the front door), raw HTTP."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tray_app.demo.closed_door import DOOR_HEADER, MAX_BODY, Guard
from tray_app.demo.emulator_server import EmulatorServer
from tray_app.demo.front_door import FrontDoor
from tray_app.demo.invoke_endpoint import InvokeEndpoint

pytestmark = pytest.mark.functional
EVIL = "http://evil.example"
RESET = "/moto-api/reset"
INVOCATIONS = "/2015-03-31/functions/data-collector/invocations"


@dataclass
class Demo:
    guard: Guard
    door: FrontDoor
    emulator: EmulatorServer
    invoke: InvokeEndpoint


@pytest.fixture
def demo() -> Iterator[Demo]:
    guard = Guard()
    door = FrontDoor(guard)
    emulator = EmulatorServer(guard)
    invoke = InvokeEndpoint(door.url, "eu-west-1", guard)
    door.connect(emulator.url, invoke.url)
    for server in (door, emulator, invoke):
        server.start()
    try:
        yield Demo(guard, door, emulator, invoke)
    finally:
        for server in (door, emulator, invoke):
            server.stop()


def send(
    url: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> http.client.HTTPResponse:
    """One raw request to the server at `url` (its path is not added: `path` is all of it)."""
    where = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in {"Content-Length": str(len(body)), **headers}.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer


def host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def token_path(demo: Demo, path: str) -> str:
    return urllib.parse.urlsplit(demo.door.url).path + path


def test_the_front_door_serves_its_own_url_and_refuses_the_rest(demo: Demo) -> None:
    door = host(demo.door.url)
    assert send(demo.door.url, "POST", token_path(demo, RESET), {"Host": door}).status == 200
    for refused in (
        # a web page's "simple" cross-origin POST: no preflight, but an Origin
        (
            "POST",
            token_path(demo, RESET),
            {"Host": door, "Origin": EVIL, "Content-Type": "text/plain"},
        ),
        ("OPTIONS", token_path(demo, RESET), {"Host": door, "Origin": EVIL}),
        ("POST", token_path(demo, RESET), {"Host": door, "Origin": "null"}),
        # a DNS name rebound to 127.0.0.1: the right port, a foreign Host
        (
            "POST",
            token_path(demo, RESET),
            {"Host": f"evil.example:{demo.door.url.split(':')[2].split('/')[0]}"},
        ),
        ("POST", RESET, {"Host": door}),  # without the token
        ("POST", f"/{demo.guard.token[:-1]}{RESET}", {"Host": door}),  # a token guessed almost
        ("POST", f"/{demo.guard.token}x{RESET}", {"Host": door}),  # another path
    ):
        method, path, headers = refused
        assert send(demo.door.url, method, path, headers).status == 403, refused


def test_the_servers_behind_the_door_serve_only_the_door(demo: Demo) -> None:
    secret = {DOOR_HEADER: demo.guard.secret}
    for url, path in ((demo.emulator.url, RESET), (demo.invoke.url, INVOCATIONS)):
        here = host(url)
        for headers in (
            {"Host": here},  # around the door, even from this machine
            {"Host": here, DOOR_HEADER: "guessed"},
            {"Host": here, "Origin": EVIL, "Content-Type": "text/plain", **secret},
            {"Host": "evil.example", **secret},
        ):
            assert send(url, "POST", path, headers).status == 403, (url, headers)
    answer = send(demo.emulator.url, "POST", RESET, {"Host": host(demo.emulator.url), **secret})
    assert answer.status == 200  # the door's own requests are served


def test_no_answer_grants_cors_and_bodies_are_capped(demo: Demo) -> None:
    door = host(demo.door.url)
    same_origin = {"Host": door, "Origin": f"http://{door}"}
    behind = host(demo.emulator.url)
    secret = {DOOR_HEADER: demo.guard.secret}
    for url, path, headers in (
        (demo.door.url, token_path(demo, RESET), same_origin),
        (demo.emulator.url, RESET, {"Host": behind, "Origin": f"http://{behind}", **secret}),
    ):
        # moto's global CORS would grant this origin (and any other) by Access-Control-*
        answer = send(url, "POST", path, headers)
        assert answer.status == 200
        assert not [k for k, _ in answer.getheaders() if k.lower().startswith("access-control-")]
    too_big = {"Host": door, "Content-Length": str(MAX_BODY + 1)}
    for url, headers in (
        (demo.door.url, too_big),
        (
            demo.emulator.url,
            {**too_big, "Host": host(demo.emulator.url), DOOR_HEADER: demo.guard.secret},
        ),
    ):
        path = token_path(demo, RESET) if url == demo.door.url else RESET
        assert send(url, "POST", path, headers).status == 413  # refused before it is read
