"""pystray's GTK icon keeps a title set while the icon is hidden without ever showing it: the
status icon's window then carries the program's name (`__main__.py`) as its title and tooltip.
The view's first render can land before the icon is shown, so the title is set again once it is.
"""

from __future__ import annotations

from typing import Any

from tray_app.desktop import ui_thread


def show_title(icon: Any) -> None:  # noqa: ANN401 - a pystray Icon
    """Set the icon's current title again, now that it is visible (GTK only)."""
    if ui_thread.backend_of(icon) != "gtk":
        return  # AppIndicator and win32 apply the stored title when they show the icon
    title = icon.title
    icon.title = ""  # pystray ignores a title equal to the one it holds
    icon.title = title
