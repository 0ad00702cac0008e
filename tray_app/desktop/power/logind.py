"""Linux (systemd-logind): stop the session before the machine sleeps or shuts down.

logind announces PrepareForSleep(true) / PrepareForShutdown(true) on the system bus, and waits
for holders of a "delay" inhibitor lock (up to InhibitDelayMaxSec, 5 s by default) to close it.
We hold one, stop the session when told, then let go; after resume we take a new one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, MatchRule, Message
from jeepney.io.blocking import DBusConnection
from jeepney.low_level import HeaderFields

from tray_app import APP_NAME
from tray_app.desktop.power.dbus_signals import SignalListener, call

log = logging.getLogger(__name__)
LOGIN1 = DBusAddress(
    "/org/freedesktop/login1",
    bus_name="org.freedesktop.login1",
    interface="org.freedesktop.login1.Manager",
)
SIGNALS = MatchRule(type="signal", interface=LOGIN1.interface, path=LOGIN1.object_path)
REASONS = {"PrepareForSleep": "sleep", "PrepareForShutdown": "shutdown"}


class LogindWatcher(SignalListener):
    """Calls `before(reason)` ("sleep" or "shutdown"), then lets logind go on."""

    what = "sleep/shutdown hook"

    def __init__(self, before: Callable[[str], object], bus: str = "SYSTEM") -> None:
        super().__init__(bus, SIGNALS, "logind-watcher", fds=True)
        self._before = before
        self._lock_fd: Any = None

    def unavailable(self, err: Exception) -> None:
        """No system bus (container, macOS dev box): said once, at warning level."""
        where = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or "/run/dbus/system_bus_socket"
        log.warning(
            "sleep/shutdown hook unavailable: cannot reach the system D-Bus (%s) for "
            "systemd-logind: %s",
            where if self._bus == "SYSTEM" else self._bus,
            err,
        )

    def connected(self, connection: DBusConnection) -> bool:
        """Take the delay lock."""
        self._take_lock(connection)
        return True

    def heard(self, connection: DBusConnection, message: Message) -> None:
        """About to sleep or shut down: stop the session, then let go of the lock."""
        reason = REASONS.get(str(message.header.fields.get(HeaderFields.member)))
        if reason is None or not message.body:
            return
        if message.body[0]:  # about to sleep / shut down
            self._before(reason)
            self._release_lock()
        elif reason == "sleep":  # resumed: be ready for the next time
            self._take_lock(connection)

    def closed(self) -> None:
        """Release the lock."""
        self._release_lock()

    def _take_lock(self, connection: DBusConnection) -> None:
        if self._lock_fd is not None:
            return
        (self._lock_fd,) = call(
            connection,
            LOGIN1,
            "Inhibit",
            "ssss",
            "sleep:shutdown",
            APP_NAME,
            "Switching the study pipeline off first",
            "delay",
        )

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            self._lock_fd.close()
            self._lock_fd = None
