"""Windows: stop the session on log-off, shutdown and suspend, from the tray's hidden window.

pystray's win32 icon owns a hidden window and dispatches its messages through a table of
handlers (`_message_handlers`, message -> handler(wparam, lparam)); we add three entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

WM_QUERYENDSESSION = 0x0011  # "may the session end?": answer yes, the stop comes next
WM_ENDSESSION = 0x0016  # wparam TRUE: it is ending now; clean up before returning
WM_POWERBROADCAST = 0x0218
PBT_APMSUSPEND = 0x0004  # about to suspend
ENDSESSION_LOGOFF = 0x80000000  # lparam flag: log-off rather than shutdown


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
