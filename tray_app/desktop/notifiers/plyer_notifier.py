"""plyer's notifications on Windows and macOS (`BACKENDS`: platform -> loader), from one thread.

plyer has no handle on a notification once shown: it cannot replace, close or expire it on
our say, nor report a click, so `kind` and `actions` are accepted and dropped here
(docs/usage.md says what that means on each platform). Its module is imported directly, not
through `plyer.notification`, whose proxy prints a traceback to stderr when the backend cannot load.

Windows: plyer's balloon tip (a toast on Windows 10 and 11), plain ctypes. Windows decides how
long it stays; a newer one does not replace the older; plyer adds a second icon to the
notification area while it lasts. It is shown on the notifier's own (daemon) thread: plyer's
facade starts a non-daemon thread per balloon, which outlived Quit and died at exit with a
traceback on the tray's output.

macOS: NSUserNotificationCenter through pyobjus. It shows only from an app with a bundle
identifier, so from a plain `pip install` it often shows nothing; macOS decides how long it
stays.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol, cast

from tray_app import APP_NAME
from tray_app.core.bounded import clean_lines, clean_text
from tray_app.desktop.notifiers import EXPIRE_SECONDS, Actions

log = logging.getLogger(__name__)


class Show(Protocol):
    """plyer's call that shows one notification, on the calling thread."""

    def __call__(
        self, title: str, message: str, app_name: str, app_icon: str, timeout: int
    ) -> object:
        """Show a notification (Windows' balloon blocks for `timeout` seconds, then goes)."""


def windows_balloon() -> Show:
    """plyer's Windows balloon tip itself, not its facade's notify, which starts a thread."""
    from plyer.platforms.win.libs import balloontip  # noqa: PLC0415 - Windows only

    return cast(Show, balloontip.WindowsBalloonTip)


def macos_user_notification() -> Show:
    """plyer's macOS notify (imports pyobjus and loads AppKit)."""
    from plyer.platforms.macosx.notification import instance  # noqa: PLC0415 - macOS only

    return cast(Show, instance().notify)


BACKENDS: dict[str, Callable[[], Show]] = {
    "win32": windows_balloon,
    "darwin": macos_user_notification,
}


class PlyerNotifier:
    """Queues notifications for a thread that hands them to plyer one by one."""

    def __init__(self, load: Callable[[], Show]) -> None:
        self.load = load  # returns plyer's call that shows one on this platform
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._quiet = False

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Queue the notification and return; `kind` and `actions` are beyond plyer. Title and
        message are cleaned of controls and bidi overrides: they quote AWS's answers."""
        if self._quiet:
            return
        self._jobs.put((clean_text(title, limit=None), clean_lines(message)))
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
            show = self.load()
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
                show(
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
