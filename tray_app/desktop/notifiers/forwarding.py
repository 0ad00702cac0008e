"""Notifiers that forward: the terminal panel's, which prints each notification and passes it on
to the desktop's (`choose()` in this package), and the app's switch between icon and panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TextIO

from tray_app.desktop.notifiers import Actions, NotifierBackend


class EchoNotifier:
    """Writes notifications to a stream too (the terminal panel's user reads them there)."""

    def __init__(self, write: TextIO, also: NotifierBackend | None = None) -> None:
        self._write = write
        self._also = also

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Print the notification, then pass it on."""
        print(f"\n[{title}] {message}", file=self._write, flush=True)
        if self._also is not None:
            self._also.notify(title, message, kind, actions)

    def on_action(self, callback: Callable[[str], None]) -> None:
        """Buttons exist only on the desktop's notifications."""
        if self._also is not None:
            self._also.on_action(callback)

    def close(self, timeout: float = 3.0) -> None:
        """Stop the desktop notifier, if any."""
        if self._also is not None:
            self._also.close(timeout)


class ClosingNotifier(Protocol):
    """A notifier that can be closed: what `SwitchNotifier` forwards to."""

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Show a notification."""

    def close(self, timeout: float = 3.0) -> None:
        """Deliver what is queued (at most `timeout` seconds), then stop."""


class SwitchNotifier:
    """The app's one notifier, handed to every user of it: when the icon fails and the panel
    takes over, `use()` switches what it forwards to, for all of them at once."""

    def __init__(self, current: ClosingNotifier) -> None:
        self.current = current

    def use(self, notifier: ClosingNotifier) -> None:
        """Forward to `notifier` from now on; the one before is closed."""
        old, self.current = self.current, notifier
        old.close(timeout=1.0)

    def notify(
        self, title: str, message: str, kind: str | None = None, actions: Actions = ()
    ) -> None:
        """Show a notification through the current notifier."""
        self.current.notify(title, message, kind, actions)

    def close(self, timeout: float = 2.0) -> None:
        """Deliver what is queued (at most `timeout` seconds), then stop."""
        self.current.close(timeout)
