"""The Windows build (embeddable CPython, win_amd64 wheels) under Wine, docked in trayer on Xvfb:
the app's own win32 code paths, checked by their effects (Wine's exit codes prove nothing)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.aws_names import REGION
from tests.desktop.conftest import share
from tests.desktop.test_installed_wheel import ROOT
from tests.desktop.test_tray_icon import GREEN, GREY
from tests.tray_process import OutputLines, eventually, rule
from tests.windows.conftest import tray_args
from tests.windows.wine import Wine
from tests.windows.wine_screen import Box, WineScreen

pytestmark = pytest.mark.windows
MENU_ROWS_TO_INVOKE = 5  # Down from no selection: headline, Start/Stop, Extend, length, Invoke
# Reads idle seconds through the app's own choice of backend, once per line on stdin.
IDLE_PROBE = """
import sys
import tray_app
from tray_app.desktop import idle
monitor = idle.choose()
print(type(monitor).__name__, tray_app.__file__, flush=True)
for _ in sys.stdin:
    print(monitor.idle_seconds(), flush=True)
"""


def first(windows: Callable[[], dict[str, Box]], timeout: float = 15) -> Box:
    """The first window `windows()` lists, once it lists one."""
    end = time.monotonic() + timeout
    while not (found := windows()):
        assert time.monotonic() < end, f"no window from {windows.__name__} in {timeout} s"
        time.sleep(0.2)
    return next(iter(found.values()))


def docked_icon(screen: WineScreen) -> Box:
    """The app's icon once it has docked (alone in the panel at first)."""
    return first(screen.docked, timeout=30)


def colour(screen: WineScreen, box: Box, wanted: tuple[int, int, int]) -> float:
    return share(screen.grab(box), wanted)


def looks(screen: WineScreen, box: Box, wanted: tuple[int, int, int]) -> bool:
    """The icon shows `wanted` and not the other look. Wine draws it 16 px square in a 20x30
    socket: about 20% of the box is the look's colour, under 2% near the other's (edges)."""
    other = GREEN if wanted == GREY else GREY
    return colour(screen, box, wanted) > 0.1 and colour(screen, box, other) < 0.05


def cli_start(endpoint: str) -> None:
    """Another client starts a session: the Linux CLI on this machine."""
    done = subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, "start"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_docks_follows_a_session_started_elsewhere_refuses_a_second_copy_and_toggles(
    wine: Wine, wine_screen: WineScreen, wine_tray: OutputLines, endpoint: str, tmp_path: Path
) -> None:
    icon = docked_icon(wine_screen)
    eventually(lambda: looks(wine_screen, icon, GREY))

    cli_start(endpoint)  # grey -> green within a few polls (1 s each)
    eventually(lambda: looks(wine_screen, icon, GREEN), timeout=10)

    second = subprocess.run(
        wine.python_command(*tray_args(endpoint)),
        env=wine.env(DISPLAY=wine_screen.display),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,  # it answers in 2-3 s; a copy that runs on fails here
        check=False,
    )
    assert re.search(r"already running \(pid \d+, lock .*tray\.lock\)", second.stderr), second
    assert wine_tray.proc.poll() is None and icon in wine_screen.docked().values()

    wine_screen.click(icon, "1")  # the default item: Stop (for everyone, the CLI's hold too)
    eventually(lambda: rule() == ("DISABLED", None))
    eventually(lambda: looks(wine_screen, icon, GREY))
    wine_screen.click(icon, "1")  # Start: a session held by this tray
    eventually(lambda: rule()[0] == "ENABLED")
    eventually(lambda: looks(wine_screen, icon, GREEN))


def test_the_menu_opens_and_closes_invoke_notifies_and_quit_switches_the_rule_off(
    wine_screen: WineScreen, wine_tray: OutputLines
) -> None:
    icon = docked_icon(wine_screen)
    wine_screen.click(icon, "1")  # this tray's own session, so Quit must end it
    eventually(lambda: rule()[0] == "ENABLED")

    open_menu(wine_screen, icon)
    wine_screen.xdotool("key", "Escape")
    eventually(lambda: not wine_screen.menus())

    before = set(wine_screen.balloons())
    open_menu(wine_screen, icon)
    for _ in range(MENU_ROWS_TO_INVOKE):
        wine_screen.xdotool("key", "Down")
    wine_screen.xdotool("key", "Return")
    eventually(lambda: not wine_screen.menus())
    # "Invoke failed" (the emulator has no function): plyer's balloon tip, a window of Wine's
    # shell that was not there before
    eventually(lambda: bool(set(wine_screen.balloons()) - before), timeout=20)

    open_menu(wine_screen, icon)
    quitting = wine_tray.mark()
    wine_screen.xdotool("key", "Up")  # from no selection: the last item, Quit
    wine_screen.xdotool("key", "Return")
    wine_tray.wait_line("pipeline off — bye", after=quitting)
    assert wine_tray.proc.wait(timeout=20) == 0
    assert rule() == ("DISABLED", None)
    assert wine_tray.ended.wait(10)  # every line read: the quiet exit is checked whole
    assert not [line for line in wine_tray.lines if "Traceback" in line or "Exception" in line]


def open_menu(screen: WineScreen, icon: Box) -> Box:
    """Right-click the icon, wait for the menu, put the pointer on its corner so it gets keys."""
    screen.click(icon, "3")
    menu = first(screen.menus)
    x, y, _, _ = menu
    screen.point_at(x + 1, y + 1)  # its border: no item is highlighted by the hover
    return menu


def test_idle_seconds_grow_and_reset_on_input_to_a_wine_window(
    wine: Wine, wine_screen: WineScreen, wine_tray: OutputLines, tmp_path: Path
) -> None:
    icon = docked_icon(wine_screen)
    probe = OutputLines(
        subprocess.Popen(
            wine.python_command("-c", IDLE_PROBE),
            env=wine.env(DISPLAY=wine_screen.display),
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    )
    try:
        chosen = probe.wait_line("WindowsIdle", timeout=30, after=0)
        assert "site-packages" in chosen, chosen  # the installed wheel, not this checkout

        def reading() -> float:
            return float(probe.wait_line(".", after=probe.key("\n")))

        start = reading()
        eventually(lambda: reading() > start + 3)  # it grows with time
        grown = reading()
        wine_screen.point_at(10, 300)  # the bare root window: no input to Wine
        wine_screen.point_at(20, 400)
        assert reading() > grown  # still growing
        x, y, w, h = icon
        wine_screen.point_at(x + 2, y + 2)  # a Wine window: the docked icon
        wine_screen.point_at(x + w - 2, y + h - 2)
        assert reading() < 1.5  # reset by the move (the second point_at hovers 0.3 s)
    finally:
        probe.stop()


def test_end_session_during_a_session_switches_the_rule_off(
    wine: Wine, wine_screen: WineScreen, wine_tray: OutputLines
) -> None:
    icon = docked_icon(wine_screen)
    wine_screen.click(icon, "1")
    eventually(lambda: rule()[0] == "ENABLED")
    wine.run("wine", "wineboot", "--end-session")  # WM_QUERYENDSESSION, WM_ENDSESSION, exit
    eventually(lambda: rule() == ("DISABLED", None), timeout=20)
    # The hook's own stop, not the guardian's release once the process is gone ("lost").
    eventually(lambda: history_reasons(wine) != [], timeout=20)
    assert history_reasons(wine) in (["shutdown"], ["logout"])


def history_reasons(wine: Wine) -> list[str]:
    """The reason of each session in the tray's history, oldest first."""
    found = [path for folder in wine.app_state() for path in folder.rglob("history.jsonl")]
    lines = found[0].read_text().splitlines() if found else []
    return [json.loads(line)["reason"] for line in lines]
