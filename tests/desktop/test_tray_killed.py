"""The tray icon (X11: Xvfb and a tray host) killed with -9 during a session: its guardian
releases the hold within seconds and nothing of ours is left running."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.desktop.conftest import Desktop
from tests.desktop.test_display_loss import holders, tray_in_session
from tests.tray_process import Tray, eventually, processes_of, rule

pytestmark = pytest.mark.desktop
__all__ = ["tray_in_session"]  # the fixture, shared with the display-loss tests
RELEASE_BOUND = 5.0


def test_kill_9_of_the_icon_releases_the_hold_within_seconds(
    tray_in_session: tuple[Tray, Desktop, Path],
) -> None:
    tray, _desktop, state = tray_in_session
    killed = time.monotonic()
    tray.proc.kill()
    eventually(lambda: rule() == ("DISABLED", None), timeout=RELEASE_BOUND)
    print(f"released {time.monotonic() - killed:.2f} s after kill -9")
    assert holders() == []
    eventually(lambda: not processes_of(tray.home), timeout=RELEASE_BOUND)
    (entry,) = [json.loads(line) for line in (state / "history.jsonl").read_text().splitlines()]
    assert entry["reason"] == "lost"
