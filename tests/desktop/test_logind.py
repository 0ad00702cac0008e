"""Sleep and shutdown on a real D-Bus: python-dbusmock's logind template on a private bus."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from tests.desktop.conftest import require
from tests.tray_process import Tray, eventually, rule
from tray_app.power.logind import LOGIN1

pytestmark = pytest.mark.desktop
MOCK = DBusAddress(
    LOGIN1.object_path, bus_name=LOGIN1.bus_name, interface="org.freedesktop.DBus.Mock"
)
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-dbusmock lives there


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
def logind_bus() -> Iterator[str]:
    """A private bus with a mock logind on it; yields the bus address."""
    require("dbus-daemon")
    has_dbusmock = (
        subprocess.run(
            [SYSTEM_PYTHON, "-c", "import dbusmock"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not has_dbusmock:
        if os.environ.get("CI"):
            pytest.fail("python3-dbusmock missing — .ci/run must install it")
        pytest.skip("python3-dbusmock missing (apt-get install python3-dbusmock)")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    bus = daemon.stdout.readline().strip()
    mock = subprocess.Popen(
        [SYSTEM_PYTHON, "-m", "dbusmock", "--system", "--template", "logind"],
        env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bus_daemon = DBusAddress(
        "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
    )
    try:
        eventually(lambda: call(bus, bus_daemon, "NameHasOwner", "s", LOGIN1.bus_name)[0], 20)
        yield bus
    finally:
        mock.terminate()
        mock.wait(timeout=10)
        daemon.terminate()
        daemon.wait(timeout=10)


def our_inhibitors(bus: str) -> list[tuple[Any, ...]]:
    (inhibitors,) = call(bus, LOGIN1, "ListInhibitors")
    return [i for i in inhibitors if i[1] == "pipeline-tray"]


def test_sleep_stops_the_session_then_releases_the_delay_lock(
    endpoint: str, stack: dict[str, str], logind_bus: str, tmp_path: Path
) -> None:
    tray = Tray(endpoint, tmp_path, {"DBUS_SYSTEM_BUS_ADDRESS": logind_bus})
    try:
        tray.wait_line("Off — costs $0")
        eventually(lambda: len(our_inhibitors(logind_bus)) == 1)
        (what, who, _why, mode, *_ids) = our_inhibitors(logind_bus)[0]
        assert (what, who, mode) == ("sleep:shutdown", "pipeline-tray", "delay")
        tray.key("s")
        eventually(lambda: rule()[0] == "ENABLED")

        call(
            logind_bus,
            MOCK,
            "EmitSignal",
            "sssav",
            LOGIN1.interface,
            "PrepareForSleep",
            "b",
            [("b", True)],
        )
        eventually(lambda: rule() == ("DISABLED", None))
        eventually(lambda: our_inhibitors(logind_bus) == [])  # logind may sleep now
        tray.wait_line("[Study session ended] Switched off (sleep)")

        call(
            logind_bus,
            MOCK,
            "EmitSignal",
            "sssav",
            LOGIN1.interface,
            "PrepareForSleep",
            "b",
            [("b", False)],
        )
        eventually(lambda: len(our_inhibitors(logind_bus)) == 1)  # ready for the next sleep
        assert tray.proc.poll() is None  # still running after resume
        tray.proc.send_signal(signal.SIGTERM)
        assert tray.proc.wait(timeout=15) == 0
    finally:
        tray.stop()


def test_shutdown_stops_the_session(
    endpoint: str, stack: dict[str, str], logind_bus: str, tmp_path: Path
) -> None:
    tray = Tray(endpoint, tmp_path, {"DBUS_SYSTEM_BUS_ADDRESS": logind_bus})
    try:
        tray.wait_line("Off — costs $0")
        eventually(lambda: len(our_inhibitors(logind_bus)) == 1)
        boto3.client("events", region_name="eu-west-1")  # the emulator is up (stack fixture)
        tray.key("s")
        eventually(lambda: rule()[0] == "ENABLED")
        call(
            logind_bus,
            MOCK,
            "EmitSignal",
            "sssav",
            LOGIN1.interface,
            "PrepareForShutdown",
            "b",
            [("b", True)],
        )
        eventually(lambda: rule() == ("DISABLED", None))
        eventually(lambda: our_inhibitors(logind_bus) == [])
    finally:
        tray.stop()
