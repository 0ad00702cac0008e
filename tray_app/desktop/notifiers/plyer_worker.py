"""plyer's notification backend for this platform (Windows, macOS), called from one thread.

plyer has no handle on a notification once shown: it cannot replace, close or expire it on
our say, nor report a click, so `kind` and `actions` are accepted and dropped here (README says
what that means on each platform). Its module is imported directly, not through `plyer.
notification`, whose proxy prints a traceback to stderr when the backend cannot load.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

from tray_app import APP_NAME
from tray_app.desktop.notifiers import EXPIRE_SECONDS, Actions

log = logging.getLogger(__name__)


class PlyerNotification(Protocol):
    """The part of plyer's Notification facade we use."""

    def notify(self, title: str, message: str, app_name: str, app_icon: str, timeout: int) -> None:
        """Show a notification."""


class PlyerNotifier:
    """Queues notifications for a thread that hands them to plyer one by one."""

    def __init__(self, load: Callable[[], PlyerNotification]) -> None:
        self._load = load  # returns plyer's Notification facade for this platform
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._quiet = False

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Queue the notification and return; `kind` and `actions` are beyond plyer."""
        if self._quiet:
            return
        self._jobs.put((title, message))
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notifier", daemon=True)
                self._thread.start()

    def on_action(self, callback: Callable[[str], None]) -> None:
        """plyer reports no clicks: the callback is never called."""

    def close(self, timeout: float = 3.0) -> None:
        """Send what is queued, then stop the thread."""
        self._quiet = True
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            backend = self._load()
        except Exception as err:  # noqa: BLE001 - a thread's top: a missing backend is no crash
            log.warning(
                "no desktop notifications: plyer cannot load here (%s: %s)",
                type(err).__name__,
                err,
            )
            self._quiet = True
            return
        while (job := self._jobs.get()) is not None:
            title, message = job
            try:
                # title is required on macOS; app_icon must be a string.
                backend.notify(
                    title=title,
                    message=message,
                    app_name=APP_NAME,
                    app_icon="",
                    timeout=EXPIRE_SECONDS,
                )
            except Exception as err:  # noqa: BLE001 - a thread's top: log it and go on
                # once closed, the process is ending: a lost last notification is no warning
                log.log(
                    logging.INFO if self._quiet else logging.WARNING,
                    "notification not shown (%s: %s): %s - %s",
                    type(err).__name__,
                    err,
                    title,
                    message,
                )
