"""The Wayland compositor goes under a tray icon holding a session (killed, or exiting on SIGTERM
as at logout): GDK ends the tray with `_exit(1)` and no code of ours runs, so its guardian
releases the hold within seconds. sway with waybar as the tray host, on a private session bus,
AppIndicator backend (../shared/design/WAYLAND.md); KWin the same, waybar on its layer shell."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from jeepney import DBusAddress, Properties
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import bus_daemon, name_has_owner
from tests.desktop.test_display_loss import holders, require_gi
from tests.desktop.wayland_compositors import Compositor, kwin, require_wayland, sway
from tests.tray_process import Tray, eventually, processes_of, rule

pytestmark = pytest.mark.desktop
RELEASE_BOUND = 5.0
WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"
STYLE = "/etc/xdg/waybar/style.css"
COMPOSITORS = {"sway": sway, "kwin": kwin}  # waybar hosts the tray in both (layer shell)
WAYBAR_CONFIG = {
    "layer": "top",
    "position": "top",
    "height": 30,
    "modules-right": ["tray"],
    "tray": {"icon-size": 21, "spacing": 4},
}


@contextlib.contextmanager
def waybar(compositor: Compositor, bus: str, home: Path) -> Iterator[None]:
    """waybar in `compositor`, the StatusNotifierItem host on `bus`, and dunst beside it (the
    tray's notifications; activated by the bus instead, it would look for X)."""
    require_wayland("waybar", "dunst")
    config = home / "waybar.json"
    config.write_text(json.dumps(WAYBAR_CONFIG))
    with (
        client("dunst", ["dunst"], compositor, bus, home),
        client("waybar", ["waybar", "-c", str(config), "-s", STYLE], compositor, bus, home),
    ):
        eventually(lambda: name_has_owner(bus, WATCHER) and name_has_owner(bus, NOTIFICATIONS))
        yield


@contextlib.contextmanager
def client(
    name: str, argv: list[str], compositor: Compositor, bus: str, home: Path
) -> Iterator[None]:
    """A GTK client of `compositor` on `bus`, stopped on the way out."""
    log = (home / f"{name}.log").open("wb")
    runtime = home / f"{name}-run"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}  # Wayland, never X
    proc = subprocess.Popen(
        argv,
        env={
            **env,
            **compositor.env,
            "DBUS_SESSION_BUS_ADDRESS": bus,
            "GDK_BACKEND": "wayland",
            "XDG_RUNTIME_DIR": str(runtime),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def ends(compositor: Compositor, how: str) -> None:
    """The compositor goes: killed (a crash) or on SIGTERM (a logout)."""
    if how == "SIGKILL":
        compositor.kill()
    else:
        os.killpg(compositor.proc.pid, signal.SIGTERM)
        compositor.proc.wait(timeout=10)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("compositor_name", ["sway", "kwin"])
def test_the_compositor_going_under_the_tray_releases_its_hold_within_seconds(
    compositor_name: str, how: str, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    require_gi()
    running = COMPOSITORS[compositor_name]()
    with running as compositor, bus_daemon() as bus, waybar(compositor, bus, tmp_path):
        env = {**compositor.env, "DBUS_SESSION_BUS_ADDRESS": bus, "PYSTRAY_BACKEND": "appindicator"}
        tray = Tray(endpoint, tmp_path, env, terminal=False, unset=("DISPLAY",))
        try:
            holding(tray, lambda: any("pipeline_tray" in item for item in registered(bus)))
            gone = time.monotonic()
            ends(compositor, how)
            assert tray.proc.wait(timeout=10) == 1  # GDK's _exit(1): nothing of ours ran
            eventually(lambda: rule() == ("DISABLED", None), timeout=RELEASE_BOUND)
            print(f"{compositor_name} {how}: released {time.monotonic() - gone:.2f} s after")
        finally:
            tray.stop()
    assert holders() == []
    eventually(lambda: not processes_of(tmp_path), timeout=RELEASE_BOUND)
    history = tmp_path / "state" / "pipeline-tray" / "history.jsonl"
    (entry,) = [json.loads(line) for line in history.read_text().splitlines()]
    assert entry["reason"] == "lost"


def registered(bus: str) -> list[str]:
    """The StatusNotifierItems the host shows."""
    watcher = DBusAddress("/StatusNotifierWatcher", bus_name=WATCHER, interface=WATCHER)
    with open_dbus_connection(bus=bus) as connection:
        reply = connection.send_and_get_reply(
            Properties(watcher).get("RegisteredStatusNotifierItems")
        )
    ((_signature, items),) = unwrap_msg(reply)
    return list(items)


def holding(tray: Tray, shown: Callable[[], bool]) -> None:
    """The tray's icon is shown and it holds a session (it adopts a rule switched on outside)."""
    eventually(shown, timeout=30)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    eventually(lambda: rule()[1] is not None and len(holders()) == 1, timeout=30)
    assert tray.proc.poll() is None, tray.lines
