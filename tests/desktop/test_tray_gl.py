"""P3 when the icon docks late: the tray never maps OpenGL (Mesa, LLVM), whatever the order.

GTK 3 probes GLX when it opens the display; on an X server that offers GLX that loads libGL,
Mesa's driver and LLVM (~55 MB resident) into a process that never draws with GL. As at login,
the tray starts here before its tray host does.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.conftest import Desktop, require
from tests.desktop.test_tray_icon import GREY, NAMES, colour_share
from tests.tray_process import Tray, eventually

pytestmark = pytest.mark.desktop
MESA = re.compile(r"libGLX_mesa|libLLVM|_dri\.so|libgallium")
TRAYER = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32"]


@pytest.fixture
def bare_desktop(xvfb: str, private_bus: str) -> Iterator[Desktop]:
    """Xvfb and a session bus with dunst on it, and no tray host yet."""
    require("trayer", "dunst")
    env = {**os.environ, "DISPLAY": xvfb, "DBUS_SESSION_BUS_ADDRESS": private_bus}
    quiet = subprocess.DEVNULL
    dunst = subprocess.Popen(["dunst"], env=env, stdout=quiet, stderr=quiet)
    try:
        yield Desktop(xvfb, private_bus, [])
    finally:
        dunst.terminate()
        dunst.wait(timeout=10)


def icon_windows(desktop: Desktop, tray: Tray) -> list[str]:
    """The tray process's windows titled like its icon, mapped or not."""
    ours = set(desktop.xdotool("search", "--pid", str(tray.proc.pid)).split())
    return [w for w in desktop.xdotool("search", "--name", NAMES).split() if w in ours]


def mesa_mapped(pid: int) -> list[str]:
    """The GL driver libraries mapped into a process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted({line.split()[-1] for line in maps.splitlines() if MESA.search(line)})


@pytest.mark.parametrize("backend", ["gtk", "appindicator"])
def test_a_tray_that_docks_late_maps_no_gl(
    backend: str, bare_desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    desktop = bare_desktop
    env = {**desktop.env, "PYSTRAY_BACKEND": backend}
    tray = Tray(endpoint, tmp_path, env, terminal=False, unset=("GDK_GL",))
    trayer = None
    try:
        # The tray is up: its icon's window exists, titled with the first poll's state, and has
        # nowhere to dock (not visible). Only then does the tray host start.
        eventually(lambda: icon_windows(desktop, tray) != [], timeout=30)
        assert desktop.xdotool("search", "--onlyvisible", "--name", NAMES) == ""
        trayer = subprocess.Popen(
            TRAYER,
            env={**os.environ, **desktop.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        desktop.icon_box(NAMES)  # docked
        eventually(lambda: colour_share(desktop, GREY) > 0.2)
        assert mesa_mapped(tray.proc.pid) == []
    finally:
        if trayer is not None:
            trayer.terminate()
            trayer.wait(timeout=10)
        tray.stop()
