"""Sleep, shutdown and logout hooks per platform, one module each."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol


class Hook(Protocol):
    """A running sleep/shutdown listener."""

    def stop(self) -> None:
        """Stop listening."""


def start_hooks(before: Callable[[str], object]) -> list[Hook]:
    """Start this platform's sleep, shutdown and logout listeners; `before(reason)` stops the
    session."""
    if sys.platform.startswith("linux"):
        from tray_app.desktop.power.gnome_session import GnomeSessionClient  # noqa: PLC0415
        from tray_app.desktop.power.logind import LogindWatcher  # noqa: PLC0415 - Linux only

        hooks: list[LogindWatcher | GnomeSessionClient] = [
            LogindWatcher(before),
            GnomeSessionClient(before),
        ]
        for hook in hooks:
            hook.start()
        return list(hooks)
    return []


def start_display_hooks(before: Callable[[str], object]) -> list[Hook]:
    """Hooks that need the icon's toolkit up (start them from the icon's setup): on X11, a lost
    display runs `before(reason)`, which stops the session, then ends the process."""
    if sys.platform.startswith("linux"):
        from tray_app.desktop.power import x11_display_loss  # noqa: PLC0415 - Linux only

        hook = x11_display_loss.install(before)
        return [] if hook is None else [hook]
    return []
