"""Linux: the freedesktop Notifications API, spoken directly over the session D-Bus (jeepney).

Every notification expires by itself; a newer one of the same kind replaces the older through
`replaces_id` instead of stacking; buttons are offered only where the server's GetCapabilities
lists "actions", and a click comes back as its ActionInvoked signal. One thread owns the
connection, made on the first notification: it sends what notify() queued and hears the
signals, so the caller never waits on the bus. No bus, or no server on it: logged once, and
the notifier goes quiet.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jeepney import DBusAddress, MatchRule, Message, MessageType, message_bus, new_method_call
from jeepney.io.threading import DBusConnection, ReceiveStopped, open_dbus_connection
from jeepney.low_level import HeaderFields

from tray_app import APP_NAME
from tray_app.core.bounded import clean_lines, clean_text
from tray_app.desktop.notifiers import EXPIRE_SECONDS, Actions

log = logging.getLogger(__name__)
SERVER = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
SIGNALS = MatchRule(
    type="signal", sender=SERVER.bus_name, interface=SERVER.interface, path=SERVER.object_path
)
REPLY_SECONDS = 5.0  # a server that takes longer is not going to show anything useful


@dataclass(frozen=True)
class Note:
    """One notification waiting to be sent."""

    title: str
    message: str
    kind: str
    actions: tuple[tuple[str, str], ...]


class FreedesktopNotifier:
    """org.freedesktop.Notifications over jeepney, from a thread of its own."""

    def __init__(self, bus: str | None = None, expire_ms: int = EXPIRE_SECONDS * 1000) -> None:
        self._bus = bus
        self._expire_ms = expire_ms
        self._jobs: queue.Queue[Note | None] = queue.Queue()
        self._callbacks: list[Callable[[str], None]] = []
        self._ids: dict[str, int] = {}  # kind -> the server's id of its latest notification
        self._offered: dict[int, set[str]] = {}  # id -> the action keys it was sent with
        self._caps: frozenset[str] | None = None
        self._conn: DBusConnection | None = None
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._quiet = False  # no bus, or closed: notify() does nothing
        self._said: set[str] = set()

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Queue the notification and return; the notifier's thread sends it. Title and message
        are cleaned of controls and bidi overrides: they quote AWS's answers."""
        if self._quiet:
            return
        title = clean_text(title, limit=None)
        self._jobs.put(Note(title, clean_lines(message), kind or title, tuple(actions)))
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notifier", daemon=True)
                self._thread.start()
        self._wake()

    def on_action(self, callback: Callable[[str], None]) -> None:
        """Call `callback(action_key)` (on the notifier's thread) when a button is clicked."""
        self._callbacks.append(callback)

    def close(self, timeout: float = 3.0) -> None:
        """Send what is queued, then disconnect and stop the thread."""
        self._quiet = True
        self._jobs.put(None)
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout)

    def _wake(self) -> None:
        conn = self._conn
        if conn is not None:  # it is waiting for signals: make it look at the queue
            conn.interrupt()

    def _run(self) -> None:
        try:
            self._serve()
        except Exception:  # a thread's top: the app goes on without notifications
            log.exception("desktop notifications stopped")
        finally:
            self._quiet = True
            self._conn = None

    def _serve(self) -> None:
        first = self._jobs.get()
        if first is None:
            return
        try:
            conn = open_dbus_connection(bus=self._bus or session_bus_address())
        except (OSError, KeyError, ValueError, RuntimeError) as err:
            log.info("no desktop notifications: cannot reach the session D-Bus (%s)", err)
            return
        with conn:
            self._conn = conn
            try:
                self._listen(conn, first)
            except OSError as err:  # the bus went away (logout)
                log.info("desktop notifications stopped: the session D-Bus closed (%s)", err)

    def _listen(self, conn: DBusConnection, first: Note) -> None:
        self._call(conn, message_bus.AddMatch(SIGNALS))
        self._show(conn, first)
        while True:
            while True:  # everything queued, then back to listening
                try:
                    note = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if note is None:
                    return
                self._show(conn, note)
            try:
                self._heard(conn.receive())
            except ReceiveStopped:  # notify() or close() woke us
                conn.reset_interrupt()

    def _show(self, conn: DBusConnection, note: Note) -> None:
        caps = self._capabilities(conn)
        flat: list[str] = []
        if "actions" in caps:
            for key, label in note.actions:
                flat += [key, label]
        body = escape(note.message) if "body-markup" in caps else note.message
        replaces = self._ids.get(note.kind, 0)
        call = new_method_call(
            SERVER,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, replaces, "", note.title, body, flat, {}, self._expire_ms),
        )
        reply = self._call(conn, call)
        if reply is None:
            log.info("notification not shown: %s - %s", note.title, note.message)
            self._caps = None  # the server may come (back) later: ask it again then
            return
        (shown,) = reply
        self._ids[note.kind] = shown
        self._offered[shown] = set(flat[::2])

    def _capabilities(self, conn: DBusConnection) -> frozenset[str]:
        if self._caps is None:
            reply = self._call(conn, new_method_call(SERVER, "GetCapabilities"))
            if reply is None:
                return frozenset()
            self._caps = frozenset(reply[0])
            log.info("notification server capabilities: %s", " ".join(sorted(self._caps)))
        return self._caps

    def _call(self, conn: DBusConnection, call: Message) -> tuple[Any, ...] | None:
        """Send a method call and wait for its answer (signals meanwhile are handled); None,
        logged once per kind of trouble, when it fails."""
        serial = next(conn.outgoing_serial)
        conn.send(call, serial=serial)
        deadline = time.monotonic() + REPLY_SECONDS
        member = call.header.fields[HeaderFields.member]
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._once(f"timeout:{member}", "%s: no answer from the server", member)
                return None
            try:
                reply = conn.receive(timeout=left)
            except ReceiveStopped:  # a new note is queued: it is sent after this call
                conn.reset_interrupt()
                continue
            except TimeoutError:
                continue
            if reply.header.fields.get(HeaderFields.reply_serial) != serial:
                self._heard(reply)
                continue
            if reply.header.message_type is MessageType.error:
                name = reply.header.fields.get(HeaderFields.error_name, "error")
                self._once(f"{name}:{member}", "%s failed: %s %s", member, name, reply.body)
                return None
            body: tuple[Any, ...] = reply.body
            return body

    def _heard(self, msg: Message) -> None:
        fields = msg.header.fields
        if msg.header.message_type is not MessageType.signal:
            return
        if fields.get(HeaderFields.interface) != SERVER.interface:
            return
        member = fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            shown, key = msg.body
            # The signal goes to every client of the server: only our buttons count.
            if key in self._offered.get(shown, ()):
                for callback in list(self._callbacks):
                    self._deliver(callback, key)
        elif member == "NotificationClosed":
            shown = msg.body[0]
            self._offered.pop(shown, None)
            for kind in [k for k, v in self._ids.items() if v == shown]:
                del self._ids[kind]  # gone: the next one of its kind is new, not a replacement

    def _deliver(self, callback: Callable[[str], None], key: str) -> None:
        try:
            callback(key)
        except Exception:  # the app's callback failing must not end the notifier
            log.exception("notification action %r failed", key)

    def _once(self, what: str, message: str, *args: object) -> None:
        """Log a trouble at warning level the first time, quietly after that."""
        level = logging.DEBUG if what in self._said else logging.WARNING
        self._said.add(what)
        log.log(level, message, *args)


def session_bus_address() -> str:
    """The session bus's address: the environment's, else systemd's per-user socket."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    socket = f"/run/user/{os.getuid()}/bus"
    if os.path.exists(socket):
        return f"unix:path={socket}"
    raise KeyError("DBUS_SESSION_BUS_ADDRESS is not set")


def escape(text: str) -> str:
    """The body as plain text for a server that reads it as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
