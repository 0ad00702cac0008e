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
from collections.abc import Callable

from jeepney import DBusAddress, MatchRule, Message, message_bus
from jeepney.io.blocking import DBusConnection
from jeepney.low_level import HeaderFields
from jeepney.wrappers import unwrap_msg

from tray_app import APP_NAME
from tray_app.desktop.power.dbus_signals import SignalListener, call

log = logging.getLogger(__name__)
SESSION_MANAGER = DBusAddress(
    "/org/gnome/SessionManager",
    bus_name="org.gnome.SessionManager",
    interface="org.gnome.SessionManager",
)
CLIENT_PRIVATE = "org.gnome.SessionManager.ClientPrivate"
SIGNALS = MatchRule(type="signal", interface=CLIENT_PRIVATE)
REASON = "logout"


class GnomeSessionClient(SignalListener):
    """A registered session client: calls `before("logout")` when the desktop session ends."""

    what = "logout hook"

    def __init__(self, before: Callable[[str], object], bus: str = "SESSION") -> None:
        super().__init__(bus, SIGNALS, "session-client")
        self._before = before
        self._client: DBusAddress | None = None

    def unavailable(self, err: Exception) -> None:
        """No (usable) session bus address: said at info level, as most desktops have one."""
        log.info("logout hook unavailable: no session D-Bus (%s)", err)

    def connected(self, connection: DBusConnection) -> bool:
        """Register with the session manager, if there is one."""
        asked = message_bus.NameHasOwner(SESSION_MANAGER.bus_name)
        (owned,) = unwrap_msg(connection.send_and_get_reply(asked, timeout=5))
        if not owned:
            log.info("no GNOME session manager: a logout is seen as the display going")
            return False
        # The startup id lets a session manager that started us (autostart) know us again.
        startup_id = os.environ.get("DESKTOP_AUTOSTART_ID", "")
        (path,) = call(connection, SESSION_MANAGER, "RegisterClient", "ss", APP_NAME, startup_id)
        log.info("registered with the GNOME session manager as %s", path)
        self._client = DBusAddress(
            path, bus_name=SESSION_MANAGER.bus_name, interface=CLIENT_PRIVATE
        )
        return True

    def heard(self, connection: DBusConnection, message: Message) -> None:
        """The session manager asks our client something: answer it."""
        client = self._client
        fields = message.header.fields
        if client is None or fields.get(HeaderFields.path) != client.object_path:
            return
        member = str(fields.get(HeaderFields.member))
        if member == "QueryEndSession":  # nothing to keep the session for: say yes at once
            call(connection, client, "EndSessionResponse", "bs", True, "")
        elif member == "EndSession":
            log.info("the desktop session is ending: stopping the session (%s)", REASON)
            self._before(REASON)
            call(connection, client, "EndSessionResponse", "bs", True, "")
        elif member == "Stop":  # leave now: quit as SIGTERM quits (the session is off already)
            log.info("the session manager asks us to leave: quitting")
            os.kill(os.getpid(), signal.SIGTERM)
        else:  # CancelEndSession: the desktop session goes on, and so do we
            log.info("session manager: %s", member)

    def leaving(self, connection: DBusConnection) -> None:
        """Unregister."""
        if self._client is not None:
            call(connection, SESSION_MANAGER, "UnregisterClient", "o", self._client.object_path)
