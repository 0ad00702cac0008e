"""A session bus whose notification service is missing, or installed but failing to start.

pystray's GTK backends ask the bus for org.freedesktop.Notifications when they start. With no
such service they carry on (a notification then fails and is logged). With one that the bus
tries to start and that dies, their run() raises: then the terminal panel takes over.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import bus_daemon, require
from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.desktop
# A session bus that can start no services: nothing answers org.freedesktop.Notifications.
BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  SERVICEDIR
</busconfig>
"""
BROKEN_SERVICE = """[D-BUS Service]
Name=org.freedesktop.Notifications
Exec=/bin/false
"""


@pytest.fixture(params=["missing", "failing"])
def bare_bus(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    services = tmp_path / "services"
    services.mkdir()
    if request.param == "failing":
        (services / "org.freedesktop.Notifications.service").write_text(BROKEN_SERVICE)
    config = tmp_path / "bare-bus.conf"
    config.write_text(BARE_BUS.replace("SERVICEDIR", f"<servicedir>{services}</servicedir>"))
    with bus_daemon(f"--config-file={config}") as address:
        yield address


def test_a_missing_or_failing_notification_service_never_stops_the_app(
    request: pytest.FixtureRequest,
    xvfb: str,
    bare_bus: str,
    endpoint: str,
    stack: dict[str, str],
    tmp_path: Path,
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    require("trayer")
    env = {"DISPLAY": xvfb, "DBUS_SESSION_BUS_ADDRESS": bare_bus, "PYSTRAY_BACKEND": "gtk"}
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tray = Tray(endpoint, tmp_path, env, terminal=False)
    failing = "failing" in request.node.callspec.id
    try:
        if failing:
            tray.wait_line("the tray could not start (", after=0)
            tray.wait_line("Off — costs $0", after=0)  # the panel
            tray.key("s")
        else:
            boto3.client("events", region_name=REGION).enable_rule(Name=RULE)  # adopted
        eventually(lambda: rule()[0] == "ENABLED" and rule()[1] is not None)
        tray.proc.send_signal(signal.SIGTERM)
        try:
            tray.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            raise AssertionError(tray.lines) from None
        assert tray.proc.returncode == 0, tray.lines
        assert rule() == ("DISABLED", None)
    finally:
        tray.stop()
        trayer.terminate()
        trayer.wait(timeout=10)
    assert (
        boto3.client("events", region_name=REGION).describe_rule(Name=RULE)["State"] == "DISABLED"
    )
