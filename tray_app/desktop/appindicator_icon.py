"""pystray's AppIndicator icon, shown by name from the icon theme folder we ship.

pystray writes each image to a temporary file and hands the indicator that path. A
StatusNotifierItem host then gets `IconName=/tmp/tmpXXXX`, which a host in a sandbox, on another
machine or that accepts only theme names cannot show. This icon instead names the image
(`pipeline-tray-on`, …) and sets `IconThemePath` to our theme folder, where every host looks
names up; nothing is written to /tmp.

libayatana-appindicator (0.5.92, Debian 12) exports no `IconPixmap` property, so a pixmap cannot
be offered through it; nor does it implement `Activate` (a host's left click gets UnknownMethod).
It does implement `SecondaryActivate` (a middle click on most hosts): that activates the menu's
default item, Start/Stop.

Imported only when pystray chose its appindicator backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pystray import Menu
from pystray._appindicator import Icon as AppIndicatorIcon


class ThemedIcon(AppIndicatorIcon):  # type: ignore[misc]  # pystray has no type hints
    """An AppIndicator icon whose images carry their name in the theme in `image.info`."""

    def __init__(self, *args: Any, theme: Path, name_key: str, **kwargs: Any) -> None:  # noqa: ANN401
        self._name_key = name_key  # before pystray's __init__, which shows the first image
        super().__init__(*args, **kwargs)
        # pystray made the indicator in the line above, on this (the main) thread, before its
        # loop runs; the path is read by the host with the icon name.
        self._appindicator.set_icon_theme_path(str(theme))

    def _update_fs_icon(self) -> None:
        """pystray: write the image to a file and keep its path. Here: keep the image's name."""
        name = self.icon.info.get(self._name_key)
        if name is None:  # an image not from our theme: pystray's temporary file
            super()._update_fs_icon()
            return
        self._icon_path = name  # pystray passes this to set_icon(), which takes a name too
        self._icon_valid = True

    def _remove_fs_icon(self) -> None:
        """pystray: delete the temporary file. A theme name is no file of ours to delete."""
        if self._icon_path and Path(self._icon_path).is_absolute():
            super()._remove_fs_icon()
            return
        self._icon_path = None
        self._icon_valid = False

    def _create_menu_item(self, descriptor: Any) -> Any:  # noqa: ANN401 - pystray and Gtk objects
        """pystray's Gtk menu item; the default item is also what a middle click activates."""
        item = super()._create_menu_item(descriptor)
        if descriptor is not Menu.SEPARATOR and descriptor.default:
            # Runs on the GLib loop (pystray builds menus there). An insensitive item (while a
            # change is in flight) is skipped by the library, as a click on it would be.
            self._appindicator.set_secondary_activate_target(item)
        return item
