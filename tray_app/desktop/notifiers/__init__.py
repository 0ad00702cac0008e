"""Desktop notifications behind one interface, plyer or D-Bus; `choose()` picks this platform's.

Every notifier returns at once from notify() (the sending happens on a thread of its own), never
raises, and logs its troubles to the log file only: nothing it or its library says reaches the
terminal.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

# Without a handler of our own, a warning logged before log_setup.configure() (or in a process
# that never calls it) would reach stderr through logging's last resort.
logging.getLogger(__name__).addHandler(logging.NullHandler())

EXPIRE_SECONDS = 10  # every notification goes away by itself after this long
Actions = Sequence[tuple[str, str]]  # (action key, button text), in the order shown


class NotifierBackend(Protocol):
    """Shows notifications without blocking; a newer one of the same kind replaces the older."""

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Show `message` under `title`; `kind` (default: the title) names what it replaces;
        `actions` become buttons where the notification server has them."""

    def on_action(self, callback: Callable[[str], None]) -> None:
        """Call `callback(action_key)` when the user clicks one of the buttons."""

    def close(self, timeout: float = 3.0) -> None:
        """Send what is queued, then stop the notifier's thread."""


def choose() -> NotifierBackend:
    """The notifier for this platform: plyer on Windows and macOS, D-Bus elsewhere."""
    from tray_app.desktop.notifiers import plyer_notifier  # noqa: PLC0415 - it imports this

    load = plyer_notifier.BACKENDS.get(sys.platform)
    if load is not None:
        return plyer_notifier.PlyerNotifier(load)
    from tray_app.desktop.notifiers.freedesktop import FreedesktopNotifier  # noqa: PLC0415

    return FreedesktopNotifier()
