"""X11: a lost display connection counts as logout; the session is stopped before the exit.

When the X server goes away (a logout with no session manager asking us first, a crashed
display), Xlib calls the process's one IO error handler on the thread that saw the connection
die: for the GTK and AppIndicator trays, GTK's main thread. GDK 3 (3.24.38, checked on Debian
12 by killing Xvfb) installs a handler that logs at debug level only (so nothing shows) and calls
`_exit(1)`: no atexit, no `finally`, no Python cleanup, the hold left in the record. Were that
handler to return, Xlib would call `exit(1)` (or, since libX11 1.7, the display's
XSetIOErrorExitHandler), and Python's own cleanup would not run either.

So, once GDK has opened its display, we replace that handler with ours: it runs
`before("logout")` (which releases this device's hold and, if it was the last, switches the
rule off), then ends the process with `os._exit`: 0 when `before` confirmed the stop, else 1.
Ours never returns, so Xlib's exit handler is never reached and needs no replacing.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
REASON = "logout"
CONFIRMED_EXIT = 0  # nothing of ours keeps the rule on, as after a quit
UNCONFIRMED_EXIT = 1  # the stop could not be confirmed, as after a quit
IOErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)  # int (*)(Display *)


class DisplayLossHook:
    """Xlib's IO error handler for as long as the process lives: stop, then exit."""

    def __init__(self, before: Callable[[str], object], libx11: ctypes.CDLL) -> None:
        self._before = before
        self._libx11 = libx11
        self._stopping = threading.Event()  # set when the app's own shutdown has begun
        # ctypes frees a callback whose object is collected; Xlib keeps only the raw pointer
        self._callback = IOErrorHandler(self._on_io_error)

    def install(self) -> None:
        """Make ours the process's Xlib IO error handler (GDK's is replaced, not chained)."""
        set_handler = self._libx11.XSetIOErrorHandler
        set_handler.argtypes = [IOErrorHandler]
        set_handler.restype = ctypes.c_void_p
        previous = set_handler(self._callback)
        log.info("lost display hook installed (replaced the handler at %#x)", previous or 0)

    def stop(self) -> None:
        """The app is stopping the session itself: a lost display then leaves the exit to it."""
        self._stopping.set()

    def _on_io_error(self, display: int | None) -> int:
        code = UNCONFIRMED_EXIT
        try:
            code = self._stop_session(_display_name(self._libx11, display))
        finally:
            _flush()
            os._exit(code)  # never return: Xlib would exit(1) at once

    def _stop_session(self, display: str) -> int:
        if self._stopping.is_set():
            # The lifecycle is already stopping the session and ends the process itself (with
            # its own exit code, by its watchdog if GTK cannot leave its loop): park this thread.
            log.warning("lost the X display %s while stopping: the app ends the process", display)
            threading.Event().wait()
        log.warning(
            "lost the connection to the X display %s: stopping the session as at %s",
            display,
            REASON,
        )
        try:
            confirmed = bool(self._before(REASON))
        except Exception:  # a C callback's top, like a thread's: the exit must still happen
            log.exception("stopping the session after the display was lost failed")
            return UNCONFIRMED_EXIT
        code = CONFIRMED_EXIT if confirmed else UNCONFIRMED_EXIT
        said = "this device's hold is released" if confirmed else "the stop was not confirmed"
        log.info("display lost: %s; exiting with code %d", said, code)
        return code


def install(before: Callable[[str], object]) -> DisplayLossHook | None:
    """On X11, once GDK has opened its display: a lost display runs `before`, then exits."""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        return None
    try:
        libx11 = ctypes.CDLL("libX11.so.6")  # GDK loaded it already: the same copy
        hook = DisplayLossHook(before, libx11)
        hook.install()
    except (OSError, AttributeError) as err:  # no libX11, or one without XSetIOErrorHandler
        log.warning("no lost display hook: %s", err)
        return None
    return hook


def _display_name(libx11: ctypes.CDLL, display: int | None) -> str:
    if not display:
        return os.environ.get("DISPLAY", "?")
    display_string = libx11.XDisplayString
    display_string.argtypes = [ctypes.c_void_p]
    display_string.restype = ctypes.c_char_p
    raw = display_string(display)
    return raw.decode(errors="replace") if raw else "?"


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a terminal gone: the log has the story
            stream.flush()
