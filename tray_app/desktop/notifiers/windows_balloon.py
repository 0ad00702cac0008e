"""Windows: plyer's balloon tip (Windows 10 and 11 show it as a toast), on the notifier's thread.

Needs nothing beyond plyer: its Windows backend is ctypes. Limits (said in README): Windows
decides how long it stays; no buttons; a newer notification does not replace the older; plyer
adds a second icon to the notification area while the balloon lasts.

plyer's own facade starts a non-daemon thread per balloon that outlives Quit and died at exit
with a traceback on the tray's output; here the balloon is shown on the notifier's own (daemon)
thread instead, so a failure is one log line and the last balloon is delivered or dropped
quietly when the process ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from tray_app.desktop.notifiers.plyer_worker import PlyerNotification, PlyerNotifier


class BalloonTip(Protocol):
    """plyer's WindowsBalloonTip: shows the balloon, waits `timeout` s, then removes it."""

    def __call__(
        self, title: str, message: str, app_name: str, app_icon: str, timeout: int
    ) -> object:
        """Show one balloon, blocking the calling thread for `timeout` seconds."""


class BalloonOnThisThread:
    """plyer's notify, minus the thread plyer would start for it."""

    def __init__(self, balloon: BalloonTip) -> None:
        self._balloon = balloon

    def notify(self, title: str, message: str, app_name: str, app_icon: str, timeout: int) -> None:
        """Show the balloon for `timeout` seconds, then remove it (the caller's thread waits)."""
        self._balloon(
            title=title, message=message, app_name=app_name, app_icon=app_icon, timeout=timeout
        )


def plyer_backend() -> PlyerNotification:
    """plyer's Windows balloon tip, shown on the calling thread."""
    from plyer.platforms.win.libs import balloontip  # noqa: PLC0415 - Windows only

    return BalloonOnThisThread(cast(BalloonTip, balloontip.WindowsBalloonTip))


class WindowsNotifier(PlyerNotifier):
    """Balloon tips through plyer."""

    def __init__(self, load: Callable[[], PlyerNotification] = plyer_backend) -> None:
        super().__init__(load)
