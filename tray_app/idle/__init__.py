"""Idle time per platform, one module each; `choose()` picks the one this desktop supports."""

from __future__ import annotations

import logging
import os
import sys

from tray_app.runner import IdleMonitor

log = logging.getLogger(__name__)


def choose() -> IdleMonitor | None:
    """The idle monitor for this session, or None: then idle auto-off is unavailable."""
    if sys.platform.startswith("linux") and os.environ.get("DISPLAY"):
        from tray_app.idle.x11 import X11Idle  # noqa: PLC0415 - needs an X display

        try:
            return X11Idle()
        except (OSError, RuntimeError) as err:
            log.warning("X11 idle time unavailable: %s", err)
    return None
