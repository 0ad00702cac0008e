"""Windows: plyer's balloon tip (Windows 10 and 11 show it as a toast), sent from a thread.

Needs nothing beyond plyer: its Windows backend is ctypes. Limits (said in README): Windows
decides how long it stays; no buttons; a newer notification does not replace the older; plyer
adds a second icon to the notification area while the balloon lasts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from tray_app.desktop.notifiers.plyer_worker import PlyerNotification, PlyerNotifier


def plyer_backend() -> PlyerNotification:
    """plyer's Windows notification object."""
    from plyer.platforms.win.notification import instance  # noqa: PLC0415 - Windows only

    return cast(PlyerNotification, instance())


class WindowsNotifier(PlyerNotifier):
    """Balloon tips through plyer."""

    def __init__(self, load: Callable[[], PlyerNotification] = plyer_backend) -> None:
        super().__init__(load)
