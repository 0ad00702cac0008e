"""GNOME's idle monitor over a real D-Bus: a dbusmock object standing in for Mutter."""

from __future__ import annotations

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from tests.desktop.conftest import start_mock, stop
from tray_app.desktop.idle.gnome_dbus import IDLE_MONITOR, GnomeIdle

pytestmark = pytest.mark.desktop


def test_mutter_idle_time_in_seconds(private_bus: str) -> None:
    mock = start_mock(
        private_bus,
        IDLE_MONITOR.bus_name,
        IDLE_MONITOR.bus_name,
        IDLE_MONITOR.object_path,
        IDLE_MONITOR.interface,
    )
    try:
        control = DBusAddress(
            IDLE_MONITOR.object_path,
            bus_name=IDLE_MONITOR.bus_name,
            interface="org.freedesktop.DBus.Mock",
        )
        with open_dbus_connection(bus=private_bus) as connection:
            connection.send_and_get_reply(
                new_method_call(
                    control, "AddMethod", "sssss", ("", "GetIdletime", "", "t", "ret = 12345")
                )
            )
        monitor = GnomeIdle(bus=private_bus)
        assert monitor.idle_seconds() == 12.345
        monitor.close()
    finally:
        stop(mock)


def test_no_mutter_on_the_bus_is_an_os_error(private_bus: str) -> None:
    with pytest.raises(OSError, match="Mutter's idle monitor did not answer"):
        GnomeIdle(bus=private_bus)
