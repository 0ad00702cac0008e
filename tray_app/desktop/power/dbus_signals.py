"""One D-Bus signal listener on a thread of its own, shared by the logind and GNOME session hooks:
it connects, adds its match rule, hands each matching signal to the hook, and leaves when told."""

from __future__ import annotations

import logging
import threading
from typing import Any

from jeepney import DBusAddress, MatchRule, Message, message_bus, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg


class SignalListener:
    """Listens for `rule`'s signals on `bus`; a hook says what it does on each step."""

    what = "D-Bus hook"  # the hook's name in the log

    def __init__(self, bus: str, rule: MatchRule, thread_name: str, fds: bool = False) -> None:
        self._bus = bus
        self._rule = rule
        self._fds = fds  # logind's lock comes as a file descriptor
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)

    def start(self) -> None:
        """Connect and listen, on a thread of its own."""
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (the hook leaves as `leaving` and `closed` say)."""
        self._halt.set()
        self._thread.join(timeout=3)

    def unavailable(self, err: Exception) -> None:
        """The bus cannot be reached: say so."""

    def connected(self, connection: DBusConnection) -> bool:
        """The match rule is on, no signal read yet: get ready; False leaves at once."""
        return True

    def heard(self, connection: DBusConnection, message: Message) -> None:
        """A signal matching the rule came."""

    def leaving(self, connection: DBusConnection) -> None:
        """Told to stop, the connection still open."""

    def closed(self) -> None:
        """The connection has closed, however the listening ended."""

    def _run(self) -> None:
        try:
            connection = open_dbus_connection(bus=self._bus, enable_fds=self._fds)
        except (OSError, KeyError, ValueError) as err:  # no (usable) bus address
            self.unavailable(err)
            return
        try:
            with connection, connection.filter(self._rule) as signals:
                connection.send_and_get_reply(message_bus.AddMatch(self._rule))  # before any
                if not self.connected(connection):
                    return
                while not self._halt.is_set():
                    try:
                        message = connection.recv_until_filtered(signals, timeout=0.5)
                    except TimeoutError:
                        continue
                    self.heard(connection, message)
                self.leaving(connection)
        except Exception as err:  # a thread's top: losing the hook must be said, not silent
            # in the hook's own log, as before the listener was shared
            logging.getLogger(type(self).__module__).exception("%s stopped: %s", self.what, err)
        finally:
            self.closed()


def call(
    connection: DBusConnection, address: DBusAddress, method: str, signature: str, *args: object
) -> tuple[Any, ...]:
    """Call `method` and return its reply's body (an error reply raises)."""
    reply = connection.send_and_get_reply(
        new_method_call(address, method, signature, args), timeout=5
    )
    body: tuple[Any, ...] = unwrap_msg(reply)
    return body
