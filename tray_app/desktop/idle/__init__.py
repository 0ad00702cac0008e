"""Idle time per platform, one module each (`BACKENDS`); `choose()` picks one this desktop has."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from tray_app.core.ports import IdleMonitor

log = logging.getLogger(__name__)


# name -> (module in this package, class): a backend's module is imported only when it is tried,
# as its library needs what only its desktop has (pywayland a Wayland display, python-xlib an X
# display, GNOME's a session bus, ctypes' windll Windows).
BACKENDS: dict[str, tuple[str, str]] = {
    "wayland_ext": ("wayland_ext_idle", "ExtIdle"),
    "wayland_kde": ("wayland_kde_idle", "KdeIdle"),
    "x11": ("x11", "X11Idle"),
    "gnome": ("gnome_dbus", "GnomeIdle"),
    "windows": ("windows_last_input", "WindowsIdle"),
    "macos": ("macos_hid_idle", "MacIdle"),
}


def make(name: str) -> IdleMonitor:
    """The backend `name` of `BACKENDS`, started (it raises where it cannot work)."""
    module, cls = BACKENDS[name]
    backend: Callable[[], IdleMonitor] = getattr(import_module(f"{__name__}.{module}"), cls)
    return backend()


def candidates() -> list[str]:
    """The names of the backends to try here, best first."""
    if sys.platform == "win32":
        return ["windows"]
    if sys.platform == "darwin":
        return ["macos"]
    if os.environ.get("WAYLAND_DISPLAY"):
        # The compositor pushes idle and resumed; GNOME's Mutter offers neither protocol but
        # answers on D-Bus. Never X11 here: through XWayland it sees only input to X11 windows.
        return ["wayland_ext", "wayland_kde", "gnome"]
    if os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return ["gnome"]  # a Wayland session whose socket we were not told: no X11 either
    return ["x11", "gnome"] if os.environ.get("DISPLAY") else ["gnome"]


@dataclass(frozen=True)
class IdleChoice:
    """The backend chosen, or None and why none works (the menu and panel say it)."""

    monitor: IdleMonitor | None
    reason: str = ""


def choose_with_reason() -> IdleChoice:
    """The first backend that works; else None and why the first (this desktop's own) failed."""
    reasons: list[str] = []
    for name in candidates():
        try:
            monitor = make(name)
        except (OSError, RuntimeError, ImportError) as err:
            log.info("idle backend %s unavailable: %s", name, err)
            reasons.append(str(err))
            continue
        log.info("idle backend %s chosen", name)
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
