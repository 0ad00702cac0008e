"""`pipeline-tray desktop-entry on|off`: the app in the Linux application menu.

An XDG desktop entry in `$XDG_DATA_HOME/applications` and the app's icon in the user's hicolor
theme at every size the app ships, both removed again by `off`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tray_app import APP_NAME
from tray_app.bundled import bundled
from tray_app.desktop import autostart, desktop_file

# The menu's icon is the "on" state's image (green, play): the app at its most recognisable.
ICON_STATE = "on"
DESKTOP_FILE = f"{APP_NAME}.desktop"
MENU_KEYS = {
    "Icon": APP_NAME,
    "Categories": "Utility;",
    "Keywords": "AWS;study;pipeline;schedule;",
    "StartupNotify": "false",
}


@dataclass(frozen=True)
class Launcher:
    """Where the desktop entry and the icons go under one XDG data folder."""

    data_home: Path

    @property
    def entry(self) -> Path:
        """The desktop entry's path."""
        return self.data_home / "applications" / DESKTOP_FILE

    def icons(self) -> dict[Path, Path]:
        """Each installed icon's path -> the shipped image it is copied from."""
        theme = bundled("icon-theme") / "hicolor"
        return {
            self.data_home / "icons" / "hicolor" / size.name / "apps" / f"{APP_NAME}.png": source
            for size in sorted(theme.iterdir())
            if (source := size / "apps" / f"{APP_NAME}-{ICON_STATE}.png").is_file()
        }

    def install(self, argv: list[str]) -> None:
        """Write the icons, then the entry that names them (a menu never shows a blank icon)."""
        for target, source in self.icons().items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        self.entry.parent.mkdir(parents=True, exist_ok=True)
        self.entry.write_text(desktop_file.entry_text(argv, MENU_KEYS), encoding="utf-8")

    def remove(self) -> None:
        """Remove the entry and the icons; whatever is already gone is fine."""
        self.entry.unlink(missing_ok=True)
        for target in self.icons():
            target.unlink(missing_ok=True)


def data_home() -> Path:
    """`$XDG_DATA_HOME`, or its default ~/.local/share."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def enable() -> Path:
    """Put the tray in the application menu, started as autostart starts it; returns the entry."""
    launcher = Launcher(data_home())
    launcher.install(autostart.command())
    return launcher.entry


def disable() -> Path:
    """Take the tray out of the application menu; returns the entry's path."""
    launcher = Launcher(data_home())
    launcher.remove()
    return launcher.entry
