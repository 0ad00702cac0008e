"""Idle time per platform, one module each; `choose()` picks the one this desktop supports."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from tray_app.core.ports import IdleMonitor

log = logging.getLogger(__name__)


def _x11() -> IdleMonitor:
    from tray_app.desktop.idle.x11 import X11Idle  # noqa: PLC0415 - needs python-xlib and a display

    return X11Idle()


def _gnome() -> IdleMonitor:
    from tray_app.desktop.idle.gnome_dbus import GnomeIdle  # noqa: PLC0415 - needs a session bus

    return GnomeIdle()


def _windows() -> IdleMonitor:
    from tray_app.desktop.idle.windows_last_input import WindowsIdle  # noqa: PLC0415

    return WindowsIdle()


def _macos() -> IdleMonitor:
    from tray_app.desktop.idle.macos_hid_idle import MacIdle  # noqa: PLC0415

    return MacIdle()


def candidates() -> list[Callable[[], IdleMonitor]]:
    """The backends to try here, best first."""
    if sys.platform == "win32":
        return [_windows]
    if sys.platform == "darwin":
        return [_macos]
    wayland = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland"
    # On Wayland the X11 extension only sees XWayland windows: ask the compositor first.
    found: list[Callable[[], IdleMonitor]] = [_gnome] if wayland else []
    if os.environ.get("DISPLAY"):
        found.append(_x11)
    if not wayland:
        found.append(_gnome)
    return found


def choose() -> IdleMonitor | None:
    """The first backend that works, or None: then idle auto-off is unavailable."""
    for make in candidates():
        try:
            return make()
        except (OSError, RuntimeError) as err:
            log.info("idle backend %s unavailable: %s", make.__name__.strip("_"), err)
    return None
