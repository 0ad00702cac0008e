"""How the tray is asked to exit: by Quit, a failed preparation, a dying loop or a signal.

A signal handler runs on the main thread between two bytecodes, possibly while that thread
holds the very lock it would take (an Event's, the logging module's, a stream's): so the
handler only writes the signal's number to a pipe, and a thread of its own turns that into the
request. Nothing else in the app may be done from a handler.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from types import FrameType

log = logging.getLogger(__name__)
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


class ExitRequest:
    """The app's one request to exit: why, and with which exit code."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "signal"
        self.exit_code = 0

    def request(self, reason: str, exit_code: int | None = None) -> None:
        """Ask the app to exit (never from a signal handler: use `watch_signals`)."""
        if not self._event.is_set():
            self.reason = reason
        if exit_code is not None:
            self.exit_code = exit_code
        self._event.set()

    def is_set(self) -> bool:
        """True once an exit was requested."""
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until an exit is requested (or `timeout`); True if it was."""
        return self._event.wait(timeout)


def watch_signals(exit_request: ExitRequest) -> None:
    """SIGTERM, SIGINT and SIGHUP request an exit through a self-pipe and a watcher thread."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)

    def handler(signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):  # a full pipe: an exit is requested already
            os.write(write_end, bytes([signum]))

    def watch() -> None:
        while data := os.read(read_end, 1):
            log.info("signal %s: stopping", data[0])
            exit_request.request("signal")

    threading.Thread(target=watch, name="signal-watcher", daemon=True).start()
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)
