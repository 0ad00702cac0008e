"""The Windows tray under Wine killed during a session (TerminateProcess, as Task Manager's End
task or a crash): its guardian releases the hold within seconds and ends itself."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.desktop.test_tray_icon import GREEN, GREY
from tests.tray_process import OutputLines, eventually, rule
from tests.windows.test_wine_tray import docked_icon, looks
from tests.windows.wine import Wine
from tests.windows.wine_screen import WineScreen

pytestmark = pytest.mark.windows
# 0.3-2.4 s measured; Wine on a shared 2-core machine starts a guardian (boto3 and its clients)
# in several seconds, and a tray killed before its guardian is ready is released once it is
RELEASE_BOUND = 10.0


def guardians() -> list[Path]:
    """The guardians running on this machine (under Wine, too, a process's command line shows)."""
    return [
        entry
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and b"guardian_process" in _cmdline(entry)
    ]


def _cmdline(entry: Path) -> bytes:
    try:
        return (entry / "cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return b""


def test_the_killed_windows_tray_has_its_hold_released_by_its_guardian(
    wine: Wine, wine_screen: WineScreen, wine_tray: OutputLines
) -> None:
    icon = docked_icon(wine_screen)
    eventually(lambda: looks(wine_screen, icon, GREY))
    wine_screen.click(icon, "1")  # Start: a session held by this tray
    eventually(lambda: rule()[0] == "ENABLED")
    eventually(lambda: looks(wine_screen, icon, GREEN))  # the tray knows it holds it
    assert guardians()
    killed = time.monotonic()
    wine_tray.proc.kill()  # the Windows process itself: Wine runs it as this Linux process
    eventually(lambda: rule() == ("DISABLED", None), timeout=RELEASE_BOUND)
    print(f"released {time.monotonic() - killed:.2f} s after the kill")
    eventually(lambda: not guardians(), timeout=RELEASE_BOUND)
    (history,) = [found for folder in wine.app_state() for found in folder.rglob("history.jsonl")]
    (entry,) = [json.loads(line) for line in history.read_text().splitlines()]
    assert entry["reason"] == "lost"
