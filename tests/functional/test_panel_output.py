"""What a terminal panel user reads: only the app's own lines, each saying what it is about.
Library warnings go to the log file in the state directory (and to stderr with --verbose)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.functional
# Every line the panel may print, start to end (a notification is "[title] message").
OURS = re.compile(
    r"^(keys: .*|Off — costs \$0|Checking the rule…|Starting…|Stopping…|Study session on — .*"
    r"|\[[^\]]+\] .*|no display: showing the terminal panel|stopping the session before exit…"
    r"|pipeline off — bye|left the study session; .*|)$"
)


@pytest.fixture
def panel(endpoint: str, stack: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Tray]]:
    started: list[Tray] = []

    def make(**env: str) -> Tray:
        # a desktop user's environment in a terminal with no display: a session bus address
        # that leads nowhere, so no library can reach a notification service
        extra = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus", **env}
        tray = Tray(endpoint, tmp_path, extra)
        started.append(tray)
        return tray

    yield make
    for tray in started:
        tray.stop()


def test_a_session_in_the_panel_prints_only_our_own_lines(
    panel: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = panel()
    tray.wait_line("Off — costs $0", after=0)
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    pressed = tray.key("i")  # an invoke: fails in the emulator, and says so as a notification line
    tray.wait_line("[Invoke failed]", after=pressed)
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
    strangers = [line for line in tray.lines if not OURS.match(line)]
    assert strangers == [], strangers
    assert "stopping the session before exit…" in tray.lines  # a session ran: it says so
    log = tmp_path / "state" / "pipeline-tray" / "pipeline-tray.log"
    assert log.exists()  # where the library lines went instead


def test_quitting_with_no_session_says_nothing_about_stopping_one(
    panel: Callable[..., Tray],
) -> None:
    tray = panel()
    tray.wait_line("Off — costs $0", after=0)
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
    assert "stopping the session before exit…" not in tray.lines
    assert "pipeline off — bye" in tray.lines
