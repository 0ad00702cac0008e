"""The tray under GNOME's notification-daemon: quitting is one clean shutdown, exit 0.

pystray's GTK backend closes notification id 0 when it finishes; notification-daemon answers
that with InvalidId, which reaches us as an error out of the toolkit's loop after the icon
showed. That is no failed start: no terminal panel, no second shutdown.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.conftest import Desktop, name_has_owner, require, share
from tests.tray_process import Tray, eventually

pytestmark = pytest.mark.desktop
DAEMON = "/usr/lib/notification-daemon/notification-daemon"
GREY = (138, 143, 152)
MENU_WHITE = (255, 255, 255)
HIGHLIGHT = (53, 132, 228)  # Adwaita's selected-item blue
MENU_AREA = (380, 0, 420, 330)


def open_menu(desktop: Desktop) -> None:
    """Right-click the icon and wait until its menu holds the keyboard (an item highlighted)."""
    x, y, w, h = desktop.icon_box("costs")
    desktop.xdotool("mousemove", str(x + w // 2), str(y + h // 2), "click", "3")
    eventually(lambda: share(desktop.grab(MENU_AREA), MENU_WHITE, 12) > 0.3)

    def highlighted() -> bool:
        if share(desktop.grab(MENU_AREA), HIGHLIGHT, 40) > 0.01:
            return True
        desktop.xdotool("key", "Down")  # keys count once the menu holds the keyboard
        return False

    eventually(highlighted, timeout=10)


@pytest.fixture
def gnome_desktop(xvfb: str, private_bus: str) -> Iterator[Desktop]:
    """Xvfb, trayer, and notification-daemon serving notifications on a private bus."""
    require("trayer")
    if not os.path.exists(DAEMON):
        message = f"{DAEMON} missing (apt-get install notification-daemon)"
        if os.environ.get("CI"):
            pytest.fail(message + " — .ci/run must install it")
        pytest.skip(message)
    env = {**os.environ, "DISPLAY": xvfb, "DBUS_SESSION_BUS_ADDRESS": private_bus}
    quiet = subprocess.DEVNULL
    daemon = subprocess.Popen([DAEMON], env=env, stdout=quiet, stderr=quiet)
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32"],
        env=env,
        stdout=quiet,
        stderr=quiet,
    )
    try:
        eventually(lambda: name_has_owner(private_bus, "org.freedesktop.Notifications"))
        yield Desktop(xvfb, private_bus, [])
    finally:
        for proc in (trayer, daemon):
            proc.terminate()
            proc.wait(timeout=10)


@pytest.mark.parametrize("how", ["SIGTERM", "quit"])
def test_quitting_under_notification_daemon_is_one_clean_shutdown(
    gnome_desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path, how: str
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    tray = Tray(endpoint, tmp_path, {**gnome_desktop.env, "PYSTRAY_BACKEND": "gtk"}, terminal=False)
    try:
        eventually(lambda: share(gnome_desktop.grab(gnome_desktop.icon_box("costs")), GREY) > 0.2)
        asked = tray.mark()
        if how == "SIGTERM":
            tray.proc.send_signal(signal.SIGTERM)
        else:  # the menu's Quit: its last item, chosen with the keyboard
            open_menu(gnome_desktop)
            gnome_desktop.xdotool("key", "End", "Return")
        assert tray.proc.wait(timeout=30) == 0
        tray.wait_line("pipeline off — bye", after=asked)
        assert tray.lines.count("pipeline off — bye") == 1, tray.lines
        assert not any("could not start" in line or "terminal panel" in line for line in tray.lines)
    finally:
        tray.stop()
