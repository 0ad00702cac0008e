"""Idle time on X11: the MIT-SCREEN-SAVER extension (what XScreenSaverQueryInfo reads)."""

from __future__ import annotations

from Xlib import display, error


class X11Idle:
    """Milliseconds since the last keyboard or mouse input on one X display."""

    def __init__(self, name: str | None = None) -> None:
        try:
            self._display = display.Display(name)
        except (error.DisplayError, error.ConnectionClosedError) as err:
            raise OSError(f"cannot open X display {name or '$DISPLAY'}: {err}") from err
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            self._display.close()
            raise RuntimeError("the X server has no MIT-SCREEN-SAVER extension")
        self._root = self._display.screen().root

    def idle_seconds(self) -> float | None:
        """Seconds since the last input on this display."""
        try:
            return float(self._root.screensaver_query_info().idle) / 1000.0
        except error.ConnectionClosedError as err:
            raise OSError(f"the X display went away: {err}") from err

    def close(self) -> None:
        """Disconnect from the display."""
        self._display.close()
