"""What crosses a private bus to and from a notification server, read with dbus-monitor."""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Any

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

from tests.tray_process import eventually

SERVER = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
MOCK = DBusAddress(
    SERVER.object_path, bus_name=SERVER.bus_name, interface="org.freedesktop.DBus.Mock"
)
HEADER = re.compile(r"^(method call|method return|signal|error) ")
FIELD = re.compile(r"(\w+)=([^\s;]+)")


@dataclass
class Seen:
    """One message as dbus-monitor printed it: its type, header fields and arguments."""

    type: str
    fields: dict[str, str]
    lines: list[str] = field(default_factory=list)

    @property
    def args(self) -> list[Any]:
        """The arguments, arrays as lists."""
        stack: list[list[Any]] = [[]]
        for line in self.lines:
            text = line.strip()
            if text.startswith(("array [", "dict entry(")):
                stack[-1].append([])
                if not text.endswith("]"):
                    stack.append(stack[-1][-1])
            elif text in ("]", ")"):
                stack.pop()
            elif text.startswith("string "):
                stack[-1].append(text[len('string "') : -1])
            elif re.match(r"u?int\d+ ", text):
                stack[-1].append(int(text.split()[1]))
            elif text.startswith("variant"):
                stack[-1].append(text.split(None, 2)[-1])
        return stack[0]


@dataclass(frozen=True)
class NotifyCall:
    """A Notify call and the id the server answered with."""

    replaces_id: int
    summary: str
    body: str
    actions: list[str]
    expire_timeout: int
    returned: int | None


class BusLog:
    """dbus-monitor on `bus`, watching the Notifications interface and the answers to it."""

    def __init__(self, bus: str) -> None:
        self.bus = bus
        self.seen: list[Seen] = []
        self._proc = subprocess.Popen(
            [
                "dbus-monitor",
                "--address",
                bus,
                f"type='method_call',interface='{SERVER.interface}'",
                f"type='signal',interface='{SERVER.interface}'",
                "type='method_return'",
                "type='error'",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        threading.Thread(target=self._collect, daemon=True).start()

        # Calls of our own, until one shows up, prove the monitor listens before a test sends.
        def probe() -> bool:
            self.server_information = call(bus, SERVER, "GetServerInformation")
            return any(s.fields.get("member") == "GetServerInformation" for s in self.seen)

        eventually(probe)

    def _collect(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            found = HEADER.match(line)
            if found:
                self.seen.append(Seen(found.group(1), dict(FIELD.findall(line))))
            elif self.seen:
                self.seen[-1].lines.append(line)

    def notifies(self) -> list[NotifyCall]:
        """Every Notify call so far, in order, with the id the server returned (None: no
        answer yet)."""
        seen = list(self.seen)
        answers = {
            (s.fields.get("destination"), s.fields.get("reply_serial")): s
            for s in seen
            if s.type == "method return"
        }
        calls = []
        for s in seen:
            if s.type != "method call" or s.fields.get("member") != "Notify":
                continue
            _app, replaces, _icon, summary, body, actions, _hints, expire = s.args
            answer = answers.get((s.fields["sender"], s.fields["serial"]))
            returned = answer.args[0] if answer is not None and answer.args else None
            calls.append(NotifyCall(replaces, summary, body, actions, expire, returned))
        return calls

    def answered(self, count: int) -> list[NotifyCall]:
        """Wait until `count` Notify calls have their answers; return them all."""
        eventually(
            lambda: (
                len(self.notifies()) >= count
                and all(n.returned is not None for n in self.notifies())
            )
        )
        return self.notifies()

    def signals(self, member: str) -> list[list[Any]]:
        """The arguments of every `member` signal the server sent so far."""
        return [
            s.args
            for s in list(self.seen)
            if s.type == "signal" and s.fields.get("member") == member
        ]

    def stop(self) -> None:
        """Stop dbus-monitor."""
        self._proc.terminate()
        self._proc.wait(timeout=10)
        assert self._proc.stdout is not None
        self._proc.stdout.close()


def call(bus: str, address: DBusAddress, method: str, signature: str = "", *args: Any) -> Any:
    """One method call on `bus`; its unwrapped answer."""
    with open_dbus_connection(bus=bus) as connection:
        message = new_method_call(address, method, signature, args)
        return unwrap_msg(connection.send_and_get_reply(message, timeout=5))
