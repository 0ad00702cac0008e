"""The Wayland idle monitors alone, on real headless compositors: the idle time grows once the
compositor says idle, a key resets it, and a compositor that dies makes readings fail."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.desktop.wayland_compositors import kwin, require_wayland, sway
from tray_app.desktop.idle.wayland_connection import WaylandIdle
from tray_app.desktop.idle.wayland_ext_idle import ExtIdle
from tray_app.desktop.idle.wayland_kde_idle import KdeIdle

pytestmark = pytest.mark.desktop
TIMEOUT = 1.0  # the compositor's idle timeout for these tests


def reading_until(monitor: WaylandIdle, holds: Callable[[float | None], bool]) -> float | None:
    """Read until `holds(reading)`; fail after 10 s."""
    end = time.monotonic() + 10
    while True:
        reading = monitor.idle_seconds()
        if holds(reading):
            return reading
        assert time.monotonic() < end, f"last reading {reading}"
        time.sleep(0.05)


def test_sway_idle_grows_and_a_key_resets_it() -> None:
    require_wayland("wtype")
    with sway() as compositor:
        with pytest.raises(RuntimeError, match="offers no ext-idle-notify-v1"):
            ExtIdle(str(compositor.socket), timeout=TIMEOUT)
        monitor = KdeIdle(str(compositor.socket), timeout=TIMEOUT)
        try:
            idle = reading_until(monitor, lambda s: s is not None and s >= TIMEOUT + 0.5)
            assert idle is not None and idle < TIMEOUT + 2
            compositor.type_key()
            reading_until(monitor, lambda s: s == 0.0)  # resumed: active again
            compositor.kill()
            with pytest.raises(OSError, match="the Wayland compositor went away"):
                reading_until(monitor, lambda _s: False)
        finally:
            monitor.close()


def test_kwin_offers_the_standard_protocol_and_idle_grows() -> None:
    with kwin() as compositor:
        monitor = ExtIdle(str(compositor.socket), timeout=TIMEOUT)
        try:
            assert monitor.idle_seconds() == 0.0
            idle = reading_until(monitor, lambda s: s is not None and s >= TIMEOUT + 0.5)
            assert idle is not None and idle < TIMEOUT + 2
        finally:
            monitor.close()


def test_no_compositor_is_an_os_error() -> None:
    with pytest.raises(OSError, match="cannot connect to Wayland display /nowhere/wayland-9"):
        KdeIdle("/nowhere/wayland-9")
