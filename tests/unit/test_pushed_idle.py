"""Idle seconds from pushed idle/resumed events, on a clock the test moves."""

from __future__ import annotations

import pytest

from tray_app.desktop.idle.pushed_idle import PushedIdle


def test_idle_time_is_the_timeout_plus_the_time_since_idled() -> None:
    now = [100.0]
    reading = PushedIdle(5.0, clock=lambda: now[0])
    assert reading.idle_seconds() == 0.0  # under the timeout: active
    now[0] = 105.0
    reading.idled()  # the compositor: no input for 5 s
    assert reading.idle_seconds() == 5.0
    now[0] = 160.0
    assert reading.idle_seconds() == 60.0
    reading.resumed()
    assert reading.idle_seconds() == 0.0


def test_once_the_compositor_is_gone_every_reading_says_so() -> None:
    reading = PushedIdle(5.0, clock=lambda: 0.0)
    reading.idled()
    reading.gone("the Wayland compositor went away")
    for _ in range(3):
        with pytest.raises(OSError, match="the Wayland compositor went away"):
            reading.idle_seconds()
