"""A real X server per test. Missing tools skip on a laptop but fail in CI (CI=true)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg


def require(*tools: str) -> None:
    """Skip (or, under CI, fail) when a desktop tool is not installed."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = f"desktop tools missing: {', '.join(missing)} (apt-get install xvfb xdotool)"
    if os.environ.get("CI"):
        pytest.fail(message + " — .ci/run must install them")
    pytest.skip(message)


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
        yield f":{number}"
    finally:
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


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A private dbus-daemon of our own; yields its address."""
    require_dbusmock()
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    try:
        yield daemon.stdout.readline().strip()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


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
