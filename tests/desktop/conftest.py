"""A real X server per test. Missing tools skip on a laptop but fail in CI (CI=true)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg
from PIL import Image, ImageGrab

from tests.required_tools import require_tools


def require(*tools: str) -> None:
    """Skip (or, under CI, fail) when a desktop tool is not installed."""
    require_tools(tools, "desktop tools", "scripts/system-packages lists them")


X_SERVERS: dict[str, subprocess.Popen[bytes]] = {}  # ":N" -> its Xvfb, for tests that kill it


@pytest.fixture
def xvfb() -> Iterator[str]:
    """Start Xvfb on a free display number; yield ":N"; stop it."""
    require("Xvfb", "xdotool")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "800x600x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as announced:
            number = announced.readline().strip()
        assert number, "Xvfb did not announce a display"
        X_SERVERS[f":{number}"] = proc
        yield f":{number}"
    finally:
        for name in [name for name, server in X_SERVERS.items() if server is proc]:
            del X_SERVERS[name]
        proc.terminate()
        proc.wait(timeout=10)


SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-dbusmock lives there
BUS_DAEMON = DBusAddress(
    "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
)


def require_dbusmock() -> None:
    """Skip (or, under CI, fail) without dbus-daemon and Debian's python3-dbusmock."""
    require("dbus-daemon")
    found = (
        subprocess.run(
            [SYSTEM_PYTHON, "-c", "import dbusmock"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not found:
        if os.environ.get("CI"):
            pytest.fail("python3-dbusmock missing — .ci/run must install it")
        pytest.skip("python3-dbusmock missing (apt-get install python3-dbusmock)")


@contextlib.contextmanager
def bus_daemon(*options: str) -> Iterator[str]:
    """A dbus-daemon of our own (default: a session bus); yields its address, then stops it."""
    require("dbus-daemon")
    daemon = subprocess.Popen(
        ["dbus-daemon", *(options or ("--session",)), "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    try:
        yield daemon.stdout.readline().strip()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        daemon.stdout.close()


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A private session bus, with the tools to mock services on it; yields its address."""
    require_dbusmock()
    with bus_daemon() as address:
        yield address


def start_mock(
    bus: str, wait_for: str, *args: str, system: bool = False
) -> subprocess.Popen[bytes]:
    """Run `python3 -m dbusmock ARGS` on `bus`; return once it owns the name `wait_for`."""
    variable = "DBUS_SYSTEM_BUS_ADDRESS" if system else "DBUS_SESSION_BUS_ADDRESS"
    proc = subprocess.Popen(
        [SYSTEM_PYTHON, "-m", "dbusmock", *(["--system"] if system else []), *args],
        env={**os.environ, variable: bus},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    end = time.monotonic() + 20
    while not name_has_owner(bus, wait_for):
        if time.monotonic() > end or proc.poll() is not None:
            proc.kill()
            raise AssertionError(f"dbusmock did not take {wait_for} on the bus")
        time.sleep(0.1)
    return proc


def name_has_owner(bus: str, name: str) -> bool:
    """Ask the bus whether someone owns `name`."""
    with open_dbus_connection(bus=bus) as connection:
        ask = new_method_call(BUS_DAEMON, "NameHasOwner", "s", (name,))
        (owned,) = unwrap_msg(connection.send_and_get_reply(ask))
    return bool(owned)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a helper process and reap it."""
    proc.terminate()
    proc.wait(timeout=10)


@dataclass
class Desktop:
    """A running X server with a tray host and a notification daemon on a private bus."""

    display: str
    bus: str
    notifications: list[str]

    @property
    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.bus}

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return done.stdout

    def icon_box(self, name: str, timeout: float = 20) -> tuple[int, int, int, int]:
        """Position and size of the visible window named like `name` (a regex)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for window in self.xdotool("search", "--onlyvisible", "--name", name).split():
                shell = self.xdotool("getwindowgeometry", "--shell", window)
                geometry = dict(line.split("=", 1) for line in shell.split())
                if int(geometry.get("WIDTH", 0)) > 4:
                    return (
                        int(geometry["X"]),
                        int(geometry["Y"]),
                        int(geometry["WIDTH"]),
                        int(geometry["HEIGHT"]),
                    )
            time.sleep(0.2)
        raise AssertionError(f"no visible window named {name!r}")

    def grab(self, box: tuple[int, int, int, int] | None = None) -> Image.Image:
        image = ImageGrab.grab(xdisplay=self.display)
        if box is None:
            return image
        x, y, w, h = box
        return image.crop((x, y, x + w, y + h))


def share(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> float:
    """The share of pixels within `tolerance` of `colour` (per channel)."""
    data = image.convert("RGB").tobytes()
    pixels = [data[i : i + 3] for i in range(0, len(data), 3)]
    near = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour)))  # noqa: B905
    return near / len(pixels)


@pytest.fixture
def desktop(xvfb: str, private_bus: str) -> Iterator[Desktop]:
    """Xvfb, a session bus with dunst on it, trayer, and dbus-monitor counting Notify calls."""
    require("trayer", "dunst", "dbus-monitor", "notify-send")
    env = {**os.environ, "DISPLAY": xvfb, "DBUS_SESSION_BUS_ADDRESS": private_bus}
    quiet = subprocess.DEVNULL
    dunst = subprocess.Popen(["dunst"], env=env, stdout=quiet, stderr=quiet)
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32"],
        env=env,
        stdout=quiet,
        stderr=quiet,
    )
    monitor = subprocess.Popen(
        [
            "dbus-monitor",
            "--address",
            private_bus,
            "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    seen: list[str] = []

    def collect() -> None:
        assert monitor.stdout is not None
        for line in monitor.stdout:
            if "member=Notify" in line:
                seen.append(line)
            elif seen and line.strip().startswith("string ") and len(seen[-1].splitlines()) < 6:
                seen[-1] += line  # keep the app name, icon, title and body with the call

    threading.Thread(target=collect, daemon=True).start()
    try:
        yield Desktop(xvfb, private_bus, seen)
    finally:
        for proc in (monitor, trayer, dunst):
            proc.terminate()
            proc.wait(timeout=10)
        assert monitor.stdout is not None
        monitor.stdout.close()
