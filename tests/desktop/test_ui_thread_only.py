"""Only the UI thread changes the real pystray icon, while worker threads drive the session.

macOS ends an app that changes AppKit objects off the main thread, and pystray's win32 menus are
not thread-safe, so this is checked where it can be: the real app on GTK and AppIndicator under
Xvfb, its icon wrapped to record the thread of every change (tests/desktop/
pystray_thread_recorder.py), while polls, clicks and a SIGTERM make the runner's worker threads
render new states.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import Desktop
from tests.desktop.test_tray_icon import GREEN, GREY, NAMES, colour_share
from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.desktop
RECORDER = Path(__file__).with_name("pystray_thread_recorder.py")


@pytest.mark.parametrize("backend", ["gtk", "appindicator"])
def test_no_thread_but_the_ui_thread_touches_the_icon(
    backend: str, desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    log = tmp_path / "threads.log"
    env = {**desktop.env, "PYSTRAY_BACKEND": backend, "THREAD_LOG": str(log)}
    tray = Tray(endpoint, tmp_path, env, terminal=False, program=(sys.executable, str(RECORDER)))
    try:
        x, y, w, h = desktop.icon_box(NAMES)
        eventually(lambda: colour_share(desktop, GREY) > 0.2)
        boto3.client("events", region_name=REGION).enable_rule(Name=RULE)  # seen by a poll
        eventually(lambda: colour_share(desktop, GREEN) > 0.2, timeout=10)
        if backend == "gtk":  # the default action: the runner stops, then starts, on a worker
            centre = (str(x + w // 2), str(y + h // 2))
            desktop.xdotool("mousemove", *centre, "click", "1")
            eventually(lambda: rule() == ("DISABLED", None))
            eventually(lambda: colour_share(desktop, GREY) > 0.2)
            desktop.xdotool("mousemove", *centre, "click", "1")
            eventually(lambda: rule()[0] == "ENABLED")
            eventually(lambda: colour_share(desktop, GREEN) > 0.2)
        tray.proc.send_signal(signal.SIGTERM)  # the quit watcher stops the session and the icon
        assert tray.proc.wait(timeout=20) == 0
    finally:
        tray.stop()

    records = [line.split("\t") for line in log.read_text().splitlines()]
    assert ["main", "MainThread", "recording"] in records, records
    changes = [(where, thread, what) for where, thread, what in records if what != "recording"]
    kinds = {what for _, _, what in changes}
    assert {"set icon", "set title", "update_menu", "set visible", "stop"} <= kinds, kinds
    elsewhere = [change for change in changes if change[0] != "main"]
    assert elsewhere == [], elsewhere
