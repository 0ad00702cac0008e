"""GNOME (and desktops that serve its API): stop the session when the desktop session ends.

A client registered with org.gnome.SessionManager (RegisterClient) gets, on its client object,
QueryEndSession (may the session end?), EndSession (it ends now: clean up, then answer),
CancelEndSession and Stop. It must answer each of the first two with EndSessionResponse, or the
logout waits for it. We stop the session on EndSession, before the display goes away, and quit on
Stop as on SIGTERM (what a session manager sends a client that stays); where no session manager
asks first, the lost display does it (x11_display_loss).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields
from jeepney.wrappers import unwrap_msg

from tray_app import APP_NAME

log = logging.getLogger(__name__)
SESSION_MANAGER = DBusAddress(
    "/org/gnome/SessionManager",
    bus_name="org.gnome.SessionManager",
    interface="org.gnome.SessionManager",
)
CLIENT_PRIVATE = "org.gnome.SessionManager.ClientPrivate"
SIGNALS = MatchRule(type="signal", interface=CLIENT_PRIVATE)
REASON = "logout"


class GnomeSessionClient:
    """A registered session client: calls `before("logout")` when the desktop session ends."""

    def __init__(self, before: Callable[[str], object], bus: str = "SESSION") -> None:
        self._before = before
        self._bus = bus
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name="session-client", daemon=True)

    def start(self) -> None:
        """Register and listen, on a thread of its own."""
        self._thread.start()

    def stop(self) -> None:
        """Unregister and stop listening."""
        self._halt.set()
        self._thread.join(timeout=3)

    def _run(self) -> None:
        try:
            connection = open_dbus_connection(bus=self._bus)
        except (OSError, KeyError, ValueError) as err:  # no (usable) session bus address
            log.info("logout hook unavailable: no session D-Bus (%s)", err)
            return
        try:
            with connection, connection.filter(SIGNALS) as signals:
                if not _has_owner(connection, SESSION_MANAGER.bus_name):
                    log.info("no GNOME session manager: a logout is seen as the display going")
                    return
                connection.send_and_get_reply(message_bus.AddMatch(SIGNALS))  # before any signal
                client = self._register(connection)
                while not self._halt.is_set():
                    try:
                        message = connection.recv_until_filtered(signals, timeout=0.5)
                    except TimeoutError:
                        continue
                    if message.header.fields.get(HeaderFields.path) == client.object_path:
                        self._handle(connection, client, message.header.fields)
                _call(connection, SESSION_MANAGER, "UnregisterClient", "o", client.object_path)
        except Exception as err:  # a thread's top: losing the hook must be said, not silent
            log.exception("logout hook stopped: %s", err)

    def _register(self, connection: DBusConnection) -> DBusAddress:
        # The startup id lets a session manager that started us (autostart) know us again.
        startup_id = os.environ.get("DESKTOP_AUTOSTART_ID", "")
        (path,) = _call(connection, SESSION_MANAGER, "RegisterClient", "ss", APP_NAME, startup_id)
        log.info("registered with the GNOME session manager as %s", path)
        return DBusAddress(path, bus_name=SESSION_MANAGER.bus_name, interface=CLIENT_PRIVATE)

    def _handle(
        self, connection: DBusConnection, client: DBusAddress, fields: dict[Any, Any]
    ) -> None:
        member = str(fields.get(HeaderFields.member))
        if member == "QueryEndSession":  # nothing to keep the session for: say yes at once
            _call(connection, client, "EndSessionResponse", "bs", True, "")
        elif member == "EndSession":
            log.info("the desktop session is ending: stopping the session (%s)", REASON)
            self._before(REASON)
            _call(connection, client, "EndSessionResponse", "bs", True, "")
        elif member == "Stop":  # leave now: quit as SIGTERM quits (the session is off already)
            log.info("the session manager asks us to leave: quitting")
            os.kill(os.getpid(), signal.SIGTERM)
        else:  # CancelEndSession: the desktop session goes on, and so do we
            log.info("session manager: %s", member)


def _has_owner(connection: DBusConnection, name: str) -> bool:
    (owned,) = unwrap_msg(connection.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5))
    return bool(owned)


def _call(
    connection: DBusConnection, address: DBusAddress, method: str, signature: str, *args: object
) -> tuple[Any, ...]:
    reply = connection.send_and_get_reply(
        new_method_call(address, method, signature, args), timeout=5
    )
    body: tuple[Any, ...] = unwrap_msg(reply)
    return body
