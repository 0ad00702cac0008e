"""Sleep and shutdown on a real D-Bus: python-dbusmock's logind template on a private bus."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from tests.desktop.conftest import start_mock, stop
from tests.tray_process import Tray, eventually, rule
from tray_app.desktop.power.logind import LOGIN1

pytestmark = pytest.mark.desktop
MOCK = DBusAddress(
    LOGIN1.object_path, bus_name=LOGIN1.bus_name, interface="org.freedesktop.DBus.Mock"
)


def call(
    bus: str, address: DBusAddress, method: str, signature: str = "", *args: Any
) -> tuple[Any, ...]:
    with open_dbus_connection(bus=bus) as connection:
        reply = connection.send_and_get_reply(
            new_method_call(address, method, signature, args), timeout=5
        )
    body: tuple[Any, ...] = reply.body
    return body


@pytest.fixture
def logind_bus(private_bus: str) -> Iterator[str]:
    """The private bus with a mock logind on it (as the system bus)."""
    mock = start_mock(private_bus, LOGIN1.bus_name, "--template", "logind", system=True)
    try:
        yield private_bus
    finally:
        stop(mock)


def our_inhibitors(bus: str) -> list[tuple[Any, ...]]:
    (inhibitors,) = call(bus, LOGIN1, "ListInhibitors")
    return [i for i in inhibitors if i[1] == "pipeline-tray"]


def emit(bus: str, signal_name: str, value: bool) -> None:
    """Make the mock logind announce PrepareForSleep/PrepareForShutdown(value)."""
    call(bus, MOCK, "EmitSignal", "sssav", LOGIN1.interface, signal_name, "b", [("b", value)])


@pytest.fixture
def tray_in_session(
    endpoint: str, stack: dict[str, str], logind_bus: str, tmp_path: Path
) -> Iterator[Tray]:
    """A terminal tray holding its delay lock, with a study session on."""
    tray = Tray(endpoint, tmp_path, {"DBUS_SYSTEM_BUS_ADDRESS": logind_bus})
    try:
        tray.wait_line("Off — costs $0", after=0)
        eventually(lambda: len(our_inhibitors(logind_bus)) == 1)
        (what, who, _why, mode, *_ids) = our_inhibitors(logind_bus)[0]
        assert (what, who, mode) == ("sleep:shutdown", "pipeline-tray", "delay")
        tray.key("s")
        eventually(lambda: rule()[0] == "ENABLED")
        yield tray
    finally:
        tray.stop()


def test_sleep_stops_the_session_then_releases_the_delay_lock(
    tray_in_session: Tray, logind_bus: str
) -> None:
    before = tray_in_session.mark()
    emit(logind_bus, "PrepareForSleep", True)
    eventually(lambda: rule() == ("DISABLED", None))
    eventually(lambda: our_inhibitors(logind_bus) == [])  # logind may sleep now
    tray_in_session.wait_line("[Study session ended] Switched off (sleep)", after=before)
    emit(logind_bus, "PrepareForSleep", False)
    eventually(lambda: len(our_inhibitors(logind_bus)) == 1)  # ready for the next sleep
    assert tray_in_session.proc.poll() is None  # still running after resume
    tray_in_session.proc.send_signal(signal.SIGTERM)
    assert tray_in_session.proc.wait(timeout=15) == 0


def test_shutdown_stops_the_session(tray_in_session: Tray, logind_bus: str) -> None:
    emit(logind_bus, "PrepareForShutdown", True)
    eventually(lambda: rule() == ("DISABLED", None))
    eventually(lambda: our_inhibitors(logind_bus) == [])
