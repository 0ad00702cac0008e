"""The AppIndicator icon on a real StatusNotifierItem host: xfce4-panel 4.18's systray plugin.

The panel runs under Xvfb on a private session bus with its own xfconfd and a minimal config that
holds only the systray plugin. The item is read over D-Bus the way the host reads it.
"""

from __future__ import annotations

import glob
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from jeepney import DBusAddress, Properties
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import Desktop, name_has_owner, require, share
from tests.desktop.test_tray_icon import GREEN, MENU_WHITE
from tests.tray_process import Tray, eventually, rule
from tray_app.bundled import bundled

pytestmark = pytest.mark.desktop
WATCHER = DBusAddress(
    "/StatusNotifierWatcher",
    bus_name="org.kde.StatusNotifierWatcher",
    interface="org.kde.StatusNotifierWatcher",
)
PANEL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
"""
PANEL = (0, 0, 800, 32)  # the panel's strip at the top of the screen


def xfconfd() -> str:
    """Where Debian keeps xfconfd (not on PATH)."""
    found = glob.glob("/usr/lib/*/xfce4/xfconf/xfconfd")
    if not found:
        message = "xfconfd missing (apt-get install xfconf xfce4-panel)"
        if os.environ.get("CI"):
            pytest.fail(message + " — .ci/run must install it")
        pytest.skip(message)
    return found[0]


@pytest.fixture
def sni_desktop(xvfb: str, private_bus: str, tmp_path: Path) -> Iterator[Desktop]:
    """Xvfb, a private bus with dunst and xfconfd on it, and xfce4-panel as the SNI host."""
    require("xfce4-panel", "dunst")
    config = tmp_path / "panel-config"
    channel = config / "xfce4" / "xfconf" / "xfce-perchannel-xml"
    channel.mkdir(parents=True)
    (channel / "xfce4-panel.xml").write_text(PANEL_XML)
    env = {
        **os.environ,
        "DISPLAY": xvfb,
        "DBUS_SESSION_BUS_ADDRESS": private_bus,
        "XDG_CONFIG_HOME": str(config),
    }

    def start(*argv: str) -> subprocess.Popen[bytes]:
        quiet = subprocess.DEVNULL
        return subprocess.Popen(argv, env=env, stdout=quiet, stderr=quiet)

    helpers = [start("dunst")]  # pystray's GTK backends need a notification service
    try:
        helpers.append(start(xfconfd()))
        wait_for_name(private_bus, "org.xfce.Xfconf")
        helpers.append(start("xfce4-panel", "--disable-wm-check"))
        wait_for_name(private_bus, "org.kde.StatusNotifierWatcher")
        eventually(lambda: watcher(private_bus, "IsStatusNotifierHostRegistered") is True)
        yield Desktop(xvfb, private_bus, [])
    finally:
        for helper in reversed(helpers):
            helper.terminate()
            helper.wait(timeout=10)


def wait_for_name(bus: str, name: str, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while not name_has_owner(bus, name):
        assert time.monotonic() < end, f"nobody took {name} on the bus"
        time.sleep(0.1)


def get_property(bus: str, address: DBusAddress, name: str) -> object:
    with open_dbus_connection(bus=bus) as connection:
        reply = connection.send_and_get_reply(Properties(address).get(name))
    ((_signature, value),) = unwrap_msg(reply)
    return value


def watcher(bus: str, name: str) -> object:
    return get_property(bus, WATCHER, name)


def our_item(bus: str) -> DBusAddress | None:
    """The registered item of our app (`:1.N/org/ayatana/NotificationItem/pipeline_tray`)."""
    for entry in watcher(bus, "RegisteredStatusNotifierItems"):  # type: ignore[attr-defined]
        service, _, path = entry.partition("/")
        if "pipeline" in path:
            return DBusAddress(f"/{path}", bus_name=service, interface="org.kde.StatusNotifierItem")
    return None


def icon_on_panel(desktop: Desktop) -> tuple[int, int]:
    """The centre of the green pixels on the panel: where our icon is drawn."""
    strip = desktop.grab(PANEL).convert("RGB")
    xs, ys = [], []
    for y in range(strip.height):
        for x in range(strip.width):
            if all(abs(a - b) <= 40 for a, b in zip(strip.getpixel((x, y)), GREEN, strict=True)):  # type: ignore[arg-type]
                xs.append(x)
                ys.append(y)
    assert xs, "no green icon on the panel"
    return (min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2


def test_item_registers_and_its_icon_changes_by_name_from_our_theme(
    sni_desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    desktop, bus = sni_desktop, sni_desktop.bus
    env = {**desktop.env, "PYSTRAY_BACKEND": "appindicator"}
    tray = Tray(endpoint, tmp_path, env, terminal=False)
    try:
        eventually(lambda: our_item(bus) is not None, timeout=20)
        item = our_item(bus)
        assert item is not None
        theme = Path(str(get_property(bus, item, "IconThemePath")))
        assert theme == bundled("icon-theme")
        assert (theme / "hicolor" / "22x22" / "apps" / "pipeline-tray-on.png").is_file()
        eventually(lambda: get_property(bus, item, "IconName") == "pipeline-tray-off")
        assert share(desktop.grab(PANEL), GREEN) < 0.001

        # enabled from outside: the next poll names the green icon, and the panel shows it
        boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
        eventually(lambda: get_property(bus, item, "IconName") == "pipeline-tray-on", timeout=10)
        eventually(lambda: share(desktop.grab(PANEL), GREEN) > 0.003)

        # left click: xfce4-panel opens the menu (it sends no Activate to an item with a menu)
        x, y = icon_on_panel(desktop)
        desktop.xdotool("mousemove", str(x), str(y), "click", "1")
        eventually(lambda: share(desktop.grab((0, 32, 300, 300)), MENU_WHITE, 12) > 0.2)
        desktop.xdotool("key", "Escape")
        # middle click: SecondaryActivate, which activates the default item: Stop
        desktop.xdotool("mousemove", str(x), str(y), "click", "2")
        eventually(lambda: rule() == ("DISABLED", None))
        eventually(lambda: get_property(bus, item, "IconName") == "pipeline-tray-off")
    finally:
        tray.stop()
