"""Idle time on GNOME (Wayland or X11): Mutter's IdleMonitor on the session bus."""

from __future__ import annotations

from jeepney import DBusAddress, DBusErrorResponse, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg

IDLE_MONITOR = DBusAddress(
    "/org/gnome/Mutter/IdleMonitor/Core",
    bus_name="org.gnome.Mutter.IdleMonitor",
    interface="org.gnome.Mutter.IdleMonitor",
)


class GnomeIdle:
    """Asks Mutter how long the user has been idle; raises OSError where there is no Mutter."""

    def __init__(self, bus: str = "SESSION") -> None:
        try:
            self._connection: DBusConnection = open_dbus_connection(bus=bus)
        except (OSError, KeyError) as err:
            raise OSError(f"no session bus: {err}") from err
        self.idle_seconds()  # fail now, not at the first tick, when Mutter is not there

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, as Mutter counts it."""
        try:
            reply = self._connection.send_and_get_reply(
                new_method_call(IDLE_MONITOR, "GetIdletime"), timeout=2
            )
            (milliseconds,) = unwrap_msg(reply)  # an error reply raises DBusErrorResponse
        except (DBusErrorResponse, TimeoutError) as err:
            raise OSError(f"Mutter's idle monitor did not answer: {err}") from err
        return float(milliseconds) / 1000.0

    def close(self) -> None:
        """Disconnect from the bus."""
        self._connection.close()
