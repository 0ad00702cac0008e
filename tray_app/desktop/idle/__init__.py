"""Idle time per platform, one module each; `choose()` picks the one this desktop supports."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from tray_app.core.ports import IdleMonitor

log = logging.getLogger(__name__)


def _wayland_ext() -> IdleMonitor:
    # pywayland is imported only where a Wayland display is set
    from tray_app.desktop.idle.wayland_ext_idle import ExtIdle  # noqa: PLC0415

    return ExtIdle()


def _wayland_kde() -> IdleMonitor:
    from tray_app.desktop.idle.wayland_kde_idle import KdeIdle  # noqa: PLC0415

    return KdeIdle()


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
    if os.environ.get("WAYLAND_DISPLAY"):
        # The compositor pushes idle and resumed; GNOME's Mutter offers neither protocol but
        # answers on D-Bus. Never X11 here: through XWayland it sees only input to X11 windows.
        return [_wayland_ext, _wayland_kde, _gnome]
    if os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return [_gnome]  # a Wayland session whose socket we were not told: no X11 either
    return [_x11, _gnome] if os.environ.get("DISPLAY") else [_gnome]


@dataclass(frozen=True)
class IdleChoice:
    """The backend chosen, or None and why none works (the menu and panel say it)."""

    monitor: IdleMonitor | None
    reason: str = ""


def choose_with_reason() -> IdleChoice:
    """The first backend that works; else None and why the first (this desktop's own) failed."""
    reasons: list[str] = []
    for make in candidates():
        try:
            monitor = make()
        except (OSError, RuntimeError, ImportError) as err:
            log.info("idle backend %s unavailable: %s", make.__name__.strip("_"), err)
            reasons.append(str(err))
            continue
        log.info("idle backend %s chosen", make.__name__.strip("_"))
        return IdleChoice(monitor)
    if not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return IdleChoice(None, "no display to read it from")
    offers_none = [r for r in reasons[:2] if r.startswith("the compositor offers no")]
    if os.environ.get("WAYLAND_DISPLAY") and len(offers_none) == 2:
        return IdleChoice(None, "the compositor offers no idle protocol")
    return IdleChoice(None, reasons[0] if reasons else "")


def choose() -> IdleMonitor | None:
    """The first backend that works, or None: then idle auto-off is unavailable."""
    return choose_with_reason().monitor
