"""Wine's windows on an X display, as xdotool sees them: docked icons, the menu, balloons.

Under Wine the docked icon is an "explorer.exe" window inside the tray host's panel, a menu is a
"python.exe" top-level window and a balloon tip an "explorer.exe" top-level window.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from PIL import Image, ImageGrab

Box = tuple[int, int, int, int]  # x, y, width, height
PANEL_HEIGHT = 32  # trayer's --height: a docked icon fits in it


@dataclass(frozen=True)
class WineScreen:
    """One X display with a tray host, seen from outside Wine."""

    display: str

    def xdotool(self, *args: str) -> str:
        """Run xdotool on this display; its output."""
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return done.stdout

    def windows(self, program: str) -> dict[str, Box]:
        """The visible windows of a Wine program ("python.exe", "explorer.exe"), by id."""
        found = {}
        for window in self.xdotool("search", "--onlyvisible", "--class", program).split():
            shell = self.xdotool("getwindowgeometry", "--shell", window)
            geometry = dict(line.split("=", 1) for line in shell.split())
            if "WIDTH" in geometry:  # it may have gone between the search and this
                found[window] = (
                    int(geometry["X"]),
                    int(geometry["Y"]),
                    int(geometry["WIDTH"]),
                    int(geometry["HEIGHT"]),
                )
        return found

    def docked(self) -> dict[str, Box]:
        """Icons docked in the panel (Wine adds a 2-pixel-wide helper beside them)."""
        return {
            window: box
            for window, box in self.windows("explorer.exe").items()
            if box[1] < PANEL_HEIGHT and 8 < box[2] <= PANEL_HEIGHT and box[3] <= PANEL_HEIGHT
        }

    def menus(self) -> dict[str, Box]:
        """Open menus: python.exe's visible windows taller than a line (its helpers are 1-2 px)."""
        return {w: box for w, box in self.windows("python.exe").items() if box[3] > 50}

    def balloons(self) -> dict[str, Box]:
        """Balloon tips: explorer.exe's visible windows wider and taller than the panel."""
        return {
            w: box
            for w, box in self.windows("explorer.exe").items()
            if box[2] > 100 and box[3] > PANEL_HEIGHT
        }

    def click(self, box: Box, button: str) -> None:
        """Click the middle of `box`; Wine wants a short hover first."""
        x, y, w, h = box
        self.xdotool("mousemove", str(x + w // 2), str(y + h // 2), "sleep", "0.3", "click", button)

    def point_at(self, x: int, y: int) -> None:
        """Move the pointer; keys go to the window under it (no window manager here)."""
        self.xdotool("mousemove", str(x), str(y), "sleep", "0.3")

    def grab(self, box: Box) -> Image.Image:
        """A screenshot of `box`."""
        x, y, w, h = box
        return ImageGrab.grab(xdisplay=self.display).crop((x, y, x + w, y + h))
