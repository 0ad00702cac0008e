"""`pipeline-tray demo` with a display: the icon docks in a real tray host and works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import Desktop, share
from tests.tray_process import OutputLines, eventually

pytestmark = pytest.mark.desktop
GREY, GREEN = (138, 143, 152), (46, 158, 68)


def test_the_demo_shows_its_tray_icon_and_starts_a_session(desktop: Desktop) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tray_app", "demo", "--speed", "300"],
        env={**env, **desktop.env, "PYSTRAY_BACKEND": "gtk"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reader = OutputLines(proc)
    try:
        endpoint = reader.wait_line("AWS emulator: ", timeout=30, after=0).split(": ", 1)[1].strip()
        reader.wait_line("demo ready", timeout=30, after=0)
        box = desktop.icon_box("costs|Checking")
        eventually(lambda: share(desktop.grab(desktop.icon_box("costs")), GREY) > 0.2)
        x, y, w, h = desktop.icon_box("costs")
        desktop.xdotool("mousemove", str(x + w // 2), str(y + h // 2), "click", "1")
        eventually(lambda: share(desktop.grab(box), GREEN) > 0.2)
        events = boto3.client("events", region_name=REGION, endpoint_url=endpoint)
        assert events.describe_rule(Name=RULE)["State"] == "ENABLED"
        reader.proc.send_signal(signal.SIGTERM)
        assert reader.proc.wait(timeout=30) == 0
    finally:
        reader.stop()
