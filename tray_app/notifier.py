"""Desktop notifications through plyer, never blocking and never crashing the app."""

from __future__ import annotations

import logging
import threading

from tray_app import APP_NAME

log = logging.getLogger(__name__)


class DesktopNotifier:
    """Sends each notification from its own short-lived thread (D-Bus can be slow or absent)."""

    def notify(self, title: str, message: str) -> None:
        """Show a notification; failures are logged, not raised."""
        threading.Thread(target=self._send, args=(title, message), daemon=True).start()

    def _send(self, title: str, message: str) -> None:
        try:
            from plyer import notification  # noqa: PLC0415 - plyer picks its backend on import

            # app_icon must be a string (None raises in plyer's Linux backend); title is required
            # on macOS.
            notification.notify(
                title=title, message=message, app_name=APP_NAME, app_icon="", timeout=10
            )
        except Exception as err:  # noqa: BLE001 - a thread's top: a missing service must not crash us
            log.warning(
                "notification not shown (%s: %s): %s - %s", type(err).__name__, err, title, message
            )


class EchoNotifier:
    """Writes notifications to a stream too (the terminal panel's user reads them there)."""

    def __init__(self, write: object, also: DesktopNotifier | None = None) -> None:
        self._write = write
        self._also = also

    def notify(self, title: str, message: str) -> None:
        """Print the notification, then pass it on."""
        print(f"\n[{title}] {message}", file=self._write, flush=True)  # type: ignore[call-overload]
        if self._also is not None:
            self._also.notify(title, message)
