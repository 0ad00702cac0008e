"""The one way onto the tray's UI thread, chosen once per pystray backend.

pystray's `Icon.run()` owns the main thread; the session loop's workers must not change the icon
themselves. GTK and AppIndicator happen to queue setters onto their GLib loop, but win32 and
macOS do not (`update_menu()` from a worker is unsafe there, and recent macOS ends an app that
changes AppKit objects off the main thread). So the view hands every change (image, title, menu,
show, stop) to `for_icon(icon)(job)`, which runs `job` on the loop's thread later, in order:

- gtk, appindicator: `GLib.idle_add` on the default main context (the one pystray's loop runs);
- darwin: `PyObjCTools.AppHelper.callAfter`, i.e. `performSelectorOnMainThread` on the
  `NSApplication` loop that pystray's `run()` spins;
- win32: a queue drained by pystray's hidden window: a message of our own (`WM_UI_JOB`) is
  posted to it with `PostMessage`, and its window procedure (pystray's `_message_handlers`
  table) runs the queued jobs;
- anything else (pystray's dummy, xorg): at once, on the calling thread.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Job = Callable[[], None]
Post = Callable[[Job], None]
WM_APP = 0x8000  # WM_APP..0xBFFF: messages an application defines for its own windows
WM_UI_JOB = WM_APP + 1
BACKENDS = ("gtk", "appindicator", "darwin", "win32", "xorg", "dummy")


def for_icon(icon: object) -> Post:
    """The function that runs a job on `icon`'s UI thread, for the backend `icon` belongs to."""
    backend = backend_of(icon)
    if backend in ("gtk", "appindicator"):
        from gi.repository import GLib  # noqa: PLC0415 - only these backends have GLib

        return GLibPost(GLib.idle_add)
    if backend == "darwin":
        # pystray brings pyobjc on macOS
        from PyObjCTools import AppHelper  # type: ignore[import-not-found]  # noqa: PLC0415

        return AppKitPost(AppHelper.callAfter)
    if backend == "win32":
        from pystray._util import win32  # noqa: PLC0415 - ctypes bindings that exist on Windows

        return Win32Post(icon, win32.PostMessage)
    return run_now


def backend_of(icon: object) -> str | None:
    """The pystray backend an icon (or icon class) comes from (`pystray._gtk` -> "gtk"),
    subclasses included."""
    for cls in (icon if isinstance(icon, type) else type(icon)).__mro__:
        package, _, module = cls.__module__.rpartition(".")
        if package == "pystray" and module.lstrip("_") in BACKENDS:
            return module.lstrip("_")
    return None


def run_now(job: Job) -> None:
    """Backends without a loop of their own to post to: run the job on this thread."""
    job()


class GLibPost:
    """Queue jobs onto the GLib main loop (pystray's gtk and appindicator backends)."""

    def __init__(self, idle_add: Callable[..., Any]) -> None:
        self._idle_add = idle_add

    def __call__(self, job: Job) -> None:
        """Run `job` from the loop, once."""

        def once() -> bool:
            _run_logged(job)
            return False  # GLib.SOURCE_REMOVE: an idle source that returns True runs again

        self._idle_add(once)


class AppKitPost:
    """Queue jobs onto the AppKit main thread (pystray's darwin backend)."""

    def __init__(self, call_after: Callable[..., Any]) -> None:
        self._call_after = call_after

    def __call__(self, job: Job) -> None:
        """Run `job` from the main run loop."""
        self._call_after(_run_logged, job)


class Win32Post:
    """Queue jobs for pystray's hidden window; a posted WM_UI_JOB makes its thread run them."""

    def __init__(
        self,
        icon: Any,  # noqa: ANN401 - a pystray win32 Icon
        post_message: Callable[[Any, int, int, int], Any],
    ) -> None:
        self._icon = icon
        self._post_message = post_message
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        icon._message_handlers[WM_UI_JOB] = self._drain

    def __call__(self, job: Job) -> None:
        """Queue `job`; wake the window when it exists. Jobs queued before it existed run with
        the first job posted after (the view posts one as soon as the loop runs)."""
        self._jobs.put(job)
        window = getattr(self._icon, "_hwnd", None)
        if window:
            self._post_message(window, WM_UI_JOB, 0, 0)

    def _drain(self, _wparam: int, _lparam: int) -> int:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return 0
            _run_logged(job)


def _run_logged(job: Job) -> None:
    """Run a job at the top of a loop callback: a failure is logged, the loop goes on."""
    try:
        job()
    except Exception:  # the top of a UI-thread callback: nothing above us would report it
        log.exception("a tray update failed")
