"""Linux (systemd-logind): stop the session before the machine sleeps or shuts down.

logind announces PrepareForSleep(true) / PrepareForShutdown(true) on the system bus, and waits
for holders of a "delay" inhibitor lock (up to InhibitDelayMaxSec, 5 s by default) to close it.
We hold one, stop the session when told, then let go; after resume we take a new one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields
from jeepney.wrappers import unwrap_msg

from tray_app import APP_NAME

log = logging.getLogger(__name__)
LOGIN1 = DBusAddress(
    "/org/freedesktop/login1",
    bus_name="org.freedesktop.login1",
    interface="org.freedesktop.login1.Manager",
)
SIGNALS = MatchRule(type="signal", interface=LOGIN1.interface, path=LOGIN1.object_path)
REASONS = {"PrepareForSleep": "sleep", "PrepareForShutdown": "shutdown"}


class LogindWatcher:
    """Calls `before(reason)` ("sleep" or "shutdown"), then lets logind go on."""

    def __init__(self, before: Callable[[str], object], bus: str = "SYSTEM") -> None:
        self._before = before
        self._bus = bus
        self._halt = threading.Event()
        self._lock_fd: Any = None
        self._thread = threading.Thread(target=self._run, name="logind-watcher", daemon=True)

    def start(self) -> None:
        """Connect, take the delay lock and listen, on a thread of its own."""
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and release the lock."""
        self._halt.set()
        self._thread.join(timeout=3)

    def _run(self) -> None:
        try:
            connection = open_dbus_connection(bus=self._bus, enable_fds=True)
        except (OSError, KeyError) as err:  # no system bus (container, macOS dev box)
            where = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or "/run/dbus/system_bus_socket"
            log.warning(
                "sleep/shutdown hook unavailable: cannot reach the system D-Bus (%s) for "
                "systemd-logind: %s",
                where if self._bus == "SYSTEM" else self._bus,
                err,
            )
            return
        try:
            with connection, connection.filter(SIGNALS) as signals:
                connection.send_and_get_reply(message_bus.AddMatch(SIGNALS))
                self._take_lock(connection)
                while not self._halt.is_set():
                    try:
                        message = connection.recv_until_filtered(signals, timeout=0.5)
                    except TimeoutError:
                        continue
                    self._handle(connection, message.header.fields, message.body)
        except Exception as err:  # a thread's top: losing the hook must be said, not silent
            log.exception("sleep/shutdown hook stopped: %s", err)
        finally:
            self._release_lock()

    def _handle(
        self, connection: DBusConnection, fields: dict[Any, Any], body: tuple[Any, ...]
    ) -> None:
        reason = REASONS.get(str(fields.get(HeaderFields.member)))
        if reason is None or not body:
            return
        if body[0]:  # about to sleep / shut down
            self._before(reason)
            self._release_lock()
        elif reason == "sleep":  # resumed: be ready for the next time
            self._take_lock(connection)

    def _take_lock(self, connection: DBusConnection) -> None:
        if self._lock_fd is not None:
            return
        call = new_method_call(
            LOGIN1,
            "Inhibit",
            "ssss",
            ("sleep:shutdown", APP_NAME, "Switching the study pipeline off first", "delay"),
        )
        (self._lock_fd,) = unwrap_msg(connection.send_and_get_reply(call, timeout=5))

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            self._lock_fd.close()
            self._lock_fd = None
