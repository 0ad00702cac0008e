"""Idle time read from a real X server, reset by real (xdotool) input."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.tray_process import eventually
from tray_app.desktop import idle
from tray_app.desktop.idle.x11 import X11Idle

pytestmark = pytest.mark.desktop


def test_idle_grows_and_input_resets_it(xvfb: str) -> None:
    monitor = X11Idle(xvfb)
    try:
        # Nobody touches this X server: its idle time grows with the clock.
        eventually(lambda: (monitor.idle_seconds() or 0.0) >= 1.2, timeout=10)
        subprocess.run(
            ["xdotool", "mousemove", "10", "20"],
            env={**os.environ, "DISPLAY": xvfb},
            check=True,
            timeout=10,
        )
        after = monitor.idle_seconds()
        assert after is not None and after < 0.5
    finally:
        monitor.close()


def test_choose_picks_x11_when_a_display_is_set(xvfb: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", xvfb)
    chosen = idle.choose()
    assert isinstance(chosen, X11Idle)
    chosen.close()
    monkeypatch.delenv("DISPLAY")
    assert idle.choose() is None


def test_an_unreachable_display_is_an_os_error() -> None:
    with pytest.raises(OSError, match="cannot open X display :987"):
        X11Idle(":987")
