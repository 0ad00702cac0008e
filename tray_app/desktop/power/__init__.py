"""Sleep, shutdown and logout hooks: which ones this platform gets is chosen here alone; one
module each (logind, GNOME session, a lost X11 display, Windows' end-session messages)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol


class Hook(Protocol):
    """A running sleep/shutdown listener."""

    def stop(self) -> None:
        """Stop listening."""


class PowerHooks:
    """This platform's hooks. `stop(reason)` stops the session and returns (the process goes
    on); `end(reason)` stops it before the process ends; `quit()` quits as the menu's Quit."""

    def __init__(
        self,
        stop: Callable[[str], object],
        end: Callable[[str], object],
        quit_app: Callable[[], None],
    ) -> None:
        self._stop = stop
        self._end = end
        self._quit = quit_app
        self._hooks: list[Hook] = []

    def start(self) -> None:
        """Start the hooks that need no icon: Linux's logind and GNOME session listeners."""
        if sys.platform.startswith("linux"):
            from tray_app.desktop.power.gnome_session import GnomeSessionClient  # noqa: PLC0415
            from tray_app.desktop.power.logind import LogindWatcher  # noqa: PLC0415 - Linux only

            for hook in (LogindWatcher(self._stop), GnomeSessionClient(self._stop)):
                hook.start()
                self._hooks.append(hook)

    def icon_ready(self, icon: object) -> None:
        """Start the hooks that need the icon's toolkit up (call from the icon's setup)."""
        if sys.platform == "win32":  # log-off, shutdown and suspend reach the icon's window
            from tray_app.desktop.power import windows_session_end  # noqa: PLC0415 - Windows only

            windows_session_end.install(icon, self._stop)
            windows_session_end.accept_close(icon, self._quit)
        elif sys.platform.startswith("linux"):  # a lost X11 display: `end`, then the exit
            from tray_app.desktop.power import x11_display_loss  # noqa: PLC0415 - Linux only

            hook = x11_display_loss.install(self._end)
            if hook is not None:
                self._hooks.append(hook)

    def stop(self) -> None:
        """Stop every hook started."""
        for hook in self._hooks:
            hook.stop()
