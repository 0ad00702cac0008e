"""Windows: stop the session on log-off, shutdown and suspend, from the tray's hidden window;
and quit, as the menu's Quit does, when the installer or uninstaller closes that window.

pystray's win32 icon owns a hidden window and dispatches its messages through a table of
handlers (`_message_handlers`, message -> handler(wparam, lparam)); we add three entries.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

WM_QUERYENDSESSION = 0x0011  # "may the session end?": answer yes, the stop comes next
WM_ENDSESSION = 0x0016  # wparam TRUE: it is ending now; clean up before returning
WM_POWERBROADCAST = 0x0218
PBT_APMSUSPEND = 0x0004  # about to suspend
ENDSESSION_LOGOFF = 0x80000000  # lparam flag: log-off rather than shutdown
WM_CLOSE = 0x0010
WM_SETTEXT = 0x000C
# The hidden window's title: the (un)installer finds the running tray by it (FindWindowW) and
# sends WM_CLOSE (scripts/installer.nsi). pystray gives the window no title of its own.
QUIT_WINDOW_TITLE = "pipeline-tray quit"


def reason_for(message: int, wparam: int, lparam: int) -> str | None:
    """The stop reason a window message means, or None when it asks for nothing."""
    if message == WM_ENDSESSION and wparam:
        return "logout" if lparam & ENDSESSION_LOGOFF else "shutdown"
    if message == WM_POWERBROADCAST and wparam == PBT_APMSUSPEND:
        return "sleep"
    return None


def install(icon: Any, before: Callable[[str], object]) -> None:  # noqa: ANN401 - a pystray Icon
    """Add handlers to a pystray win32 icon; `before(reason)` stops the session and returns."""
    handlers: dict[int, Callable[[int, int], int]] = icon._message_handlers

    def on(message: int) -> Callable[[int, int], int]:
        def handle(wparam: int, lparam: int) -> int:
            reason = reason_for(message, wparam, lparam)
            if reason is not None:
                before(reason)  # bounded by the caller: Windows waits for us to return
            return 1 if message == WM_QUERYENDSESSION else 0

        return handle

    for message in (WM_QUERYENDSESSION, WM_ENDSESSION, WM_POWERBROADCAST):
        handlers[message] = on(message)


def accept_close(icon: Any, quit_app: Callable[[], None]) -> None:  # noqa: ANN401 - pystray Icon
    """Title the icon's hidden window and quit on WM_CLOSE (the window stays: pystray's)."""
    handlers: dict[int, Callable[[int, int], int]] = icon._message_handlers

    def close(_wparam: int, _lparam: int) -> int:
        quit_app()  # only asks: the lifecycle stops the session and ends the loop
        return 0  # handled: DefWindowProc would destroy the window under pystray

    handlers[WM_CLOSE] = close
    _set_title(icon, handlers)


def _set_title(icon: Any, handlers: dict[int, Callable[[int, int], int]]) -> None:  # noqa: ANN401
    if sys.platform != "win32":  # for mypy too: what follows is Windows' only
        return
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    from pystray._util import win32  # noqa: PLC0415 - its prototypes take 64-bit handles

    # pystray answers every message it has no handler for with 0 and never calls
    # DefWindowProc, which is what stores a window's title: give WM_SETTEXT to it.
    def set_text(wparam: int, lparam: int) -> int:
        return int(win32.DefWindowProc(icon._hwnd, WM_SETTEXT, wparam, lparam))

    handlers[WM_SETTEXT] = set_text
    set_window_text = ctypes.WinDLL("user32").SetWindowTextW
    set_window_text.argtypes = (wintypes.HWND, wintypes.LPCWSTR)
    set_window_text.restype = wintypes.BOOL
    set_window_text(icon._hwnd, QUIT_WINDOW_TITLE)
