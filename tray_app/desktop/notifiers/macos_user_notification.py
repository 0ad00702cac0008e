"""macOS: plyer's NSUserNotificationCenter backend (through pyobjus), sent from a thread.

Limits (said in README): it shows only from an app with a bundle identifier, so from a plain
`pip install` it often shows nothing; macOS decides how long it stays; no buttons; no
replacing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from tray_app.desktop.notifiers.plyer_worker import PlyerNotification, PlyerNotifier


def plyer_backend() -> PlyerNotification:
    """plyer's macOS notification object (imports pyobjus and loads AppKit)."""
    from plyer.platforms.macosx.notification import instance  # noqa: PLC0415 - macOS only

    return cast(PlyerNotification, instance())


class MacNotifier(PlyerNotifier):
    """NSUserNotification through plyer."""

    def __init__(self, load: Callable[[], PlyerNotification] = plyer_backend) -> None:
        super().__init__(load)
