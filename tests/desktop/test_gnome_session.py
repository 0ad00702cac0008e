"""Logout with a session manager: python-dbusmock plays org.gnome.SessionManager on a private
session bus; the tray registers, answers QueryEndSession, and stops its session on EndSession."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from tests.aws_names import REGION
from tests.desktop.conftest import start_mock, stop
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tests.tray_process import Tray, eventually, rule, start_session
from tray_app.desktop.power.gnome_session import CLIENT_PRIVATE, SESSION_MANAGER

pytestmark = pytest.mark.desktop
CLIENT_PATH = "/org/gnome/SessionManager/Client1"
MANAGER_MOCK = DBusAddress(
    SESSION_MANAGER.object_path,
    bus_name=SESSION_MANAGER.bus_name,
    interface="org.freedesktop.DBus.Mock",
)
CLIENT_MOCK = DBusAddress(
    CLIENT_PATH, bus_name=SESSION_MANAGER.bus_name, interface="org.freedesktop.DBus.Mock"
)


def call(
    bus: str, address: DBusAddress, method: str, signature: str = "", *args: object
) -> tuple[Any, ...]:
    with open_dbus_connection(bus=bus) as connection:
        reply = connection.send_and_get_reply(
            new_method_call(address, method, signature, args), timeout=5
        )
    assert reply.header.message_type.name == "method_return", reply.body
    body: tuple[Any, ...] = reply.body
    return body


def calls_of(bus: str, address: DBusAddress, method: str) -> list[tuple[Any, ...]]:
    """The arguments of each call of `method` the mock object has logged."""
    (logged,) = call(bus, address, "GetMethodCalls", "s", method)
    return [tuple(value for _sig, value in args) for _stamp, args in logged]


SIGNATURES = {"QueryEndSession": "u", "EndSession": "u", "CancelEndSession": "", "Stop": ""}


def emit(bus: str, name: str) -> None:
    """The session manager sends the client signal `name` (flags 0 where it takes them)."""
    signature = SIGNATURES[name]
    args = [("u", 0)] if signature else []
    call(bus, CLIENT_MOCK, "EmitSignal", "sssav", CLIENT_PRIVATE, name, signature, args)


def holders() -> list[str]:
    """The names of the holds in the session record."""
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY
    )
    holds = item.get("Item", {}).get("holds", {"M": {}})["M"]
    return sorted(h["M"]["name"]["S"] for h in holds.values())


@pytest.fixture
def session_manager(private_bus: str) -> Iterator[str]:
    """The private bus with a mock gnome-session on it; yields the bus address."""
    mock = start_mock(
        private_bus,
        SESSION_MANAGER.bus_name,
        SESSION_MANAGER.bus_name,
        SESSION_MANAGER.object_path,
        SESSION_MANAGER.interface,
    )
    try:
        register = f'ret = dbus.ObjectPath("{CLIENT_PATH}")'
        call(
            private_bus,
            MANAGER_MOCK,
            "AddMethods",
            "sa(ssss)",
            SESSION_MANAGER.interface,
            [("RegisterClient", "ss", "o", register), ("UnregisterClient", "o", "", "")],
        )
        call(
            private_bus,
            MANAGER_MOCK,
            "AddObject",
            "ssa{sv}a(ssss)",
            CLIENT_PATH,
            CLIENT_PRIVATE,
            {},
            [("EndSessionResponse", "bs", "", "")],
        )
        yield private_bus
    finally:
        stop(mock)


def test_the_session_ends_before_the_desktop_does(
    session_manager: str, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    bus = session_manager
    tray = Tray(endpoint, tmp_path, {"DBUS_SESSION_BUS_ADDRESS": bus})
    try:
        eventually(lambda: len(calls_of(bus, MANAGER_MOCK, "RegisterClient")) == 1)
        (app_id, _startup_id) = calls_of(bus, MANAGER_MOCK, "RegisterClient")[0]
        assert app_id == "pipeline-tray"
        start_session(tray)
        assert holders() != []

        emit(bus, "QueryEndSession")  # may the session end? yes, and nothing stops yet
        eventually(lambda: calls_of(bus, CLIENT_MOCK, "EndSessionResponse") == [(True, "")])
        assert rule()[0] == "ENABLED"

        emit(bus, "CancelEndSession")
        ending = tray.mark()
        emit(bus, "EndSession")  # it ends now: the hold is released before we answer
        eventually(lambda: len(calls_of(bus, CLIENT_MOCK, "EndSessionResponse")) == 2)
        assert rule() == ("DISABLED", None)
        assert holders() == []
        tray.wait_line("Switched off (logout)", after=ending)
        assert tray.proc.poll() is None  # the session manager has not said "leave" yet

        leaving = tray.mark()
        emit(bus, "Stop")
        tray.wait_line("bye", after=leaving)
        assert tray.proc.wait(timeout=15) == 0
        eventually(lambda: calls_of(bus, MANAGER_MOCK, "UnregisterClient") == [(CLIENT_PATH,)])
    finally:
        tray.stop()
