"""What this desktop can show: a tray icon with a menu, desktop notifications, or neither (then
the terminal panel runs). Probed at start-up, each answer with a line saying why not."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

from tray_app.core.menu_model import Facts
from tray_app.core.user_actions import Choice
from tray_app.desktop import notifiers
from tray_app.desktop.tray_view import TrayView


def tray_view(
    facts: Callable[[], Facts], on_action: Callable[[Choice], None], out: TextIO
) -> TrayView | None:
    """The icon, or None (with a line saying why) when this desktop cannot show a usable one."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        print("no display: showing the terminal panel", file=out, flush=True)
        return None
    if sys.platform.startswith("linux") and not session_bus():
        # pystray's GTK and AppIndicator backends need one; without it run() fails.
        print("no session D-Bus: showing the terminal panel", file=out, flush=True)
        return None
    problems: tuple[type[Exception], ...] = (ImportError, ValueError, OSError, *display_errors())
    try:
        view = TrayView(facts, on_action, time.time)
    except problems as err:
        print(f"no tray available ({err}): showing the terminal panel", file=out, flush=True)
        return None
    if not view.has_menu:
        print(
            "this tray backend has no menu (install the linux-tray extra for GTK): "
            "showing the terminal panel",
            file=out,
            flush=True,
        )
        return None
    return view


def desktop_notifier() -> notifiers.NotifierBackend | None:
    """Desktop notifications besides the panel's own lines, where a desktop can show them: on
    Linux that takes a session bus and a display (without a display, a bus reached over ssh
    would pop them up on a desk nobody is at)."""
    if sys.platform.startswith("linux") and not (
        session_bus() and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        return None
    return notifiers.choose()


def session_bus() -> bool:
    """True when a session D-Bus is there to talk to (pystray's GTK backends need one)."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    return bool(address) or os.path.exists(f"/run/user/{os.getuid()}/bus")


def display_errors() -> tuple[type[Exception], ...]:
    """The errors pystray's X11 backends raise when the display is unreachable."""
    # pystray's X11 backends raise Xlib's own errors when DISPLAY names no reachable server.
    try:
        from Xlib.error import DisplayError  # noqa: PLC0415 - Linux only
    except ImportError:
        return ()
    return (DisplayError,)
