"""The real tray icon on a real X tray host: pixels, clicks, menus and notifications."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import Desktop, share
from tests.emulator_process import emulator_process
from tests.faults.credentials_file import FROM_FILE_ONLY, NEW_KEY, OLD_KEY, write_credentials
from tests.faults.fault_proxy import FaultProxy, expired_token
from tests.template_resources import create_pipeline
from tests.tray_process import Tray, eventually, rule, soon
from tray_app.aws.client_session import TOTAL_ATTEMPTS

pytestmark = pytest.mark.desktop
GREY = (138, 143, 152)
GREEN = (46, 158, 68)
RED = (217, 48, 37)
MENU_WHITE = (255, 255, 255)
HIGHLIGHT = (53, 132, 228)  # Adwaita's selected-item blue
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"  # kept by CI runs
NAMES = "costs|session|Checking|Starting|Switching|pipeline|AWS|cannot|reach"


@pytest.fixture(params=["gtk", "appindicator"])
def icon(
    request: pytest.FixtureRequest,
    desktop: Desktop,
    endpoint: str,
    stack: dict[str, str],
    tmp_path: Path,
) -> Iterator[tuple[Tray, Desktop, str]]:
    """The app as a tray icon on the given pystray backend."""
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    env = {**desktop.env, "PYSTRAY_BACKEND": request.param}
    tray = Tray(endpoint, tmp_path, env, terminal=False)
    try:
        yield tray, desktop, request.param
    finally:
        tray.stop()


def colour_share(desktop: Desktop, colour: tuple[int, int, int]) -> float:
    return share(desktop.grab(desktop.icon_box(NAMES)), colour)


def test_dock_poll_click_and_menu(icon: tuple[Tray, Desktop, str]) -> None:
    _tray, desktop, backend = icon
    x, y, w, h = desktop.icon_box(NAMES)
    eventually(lambda: colour_share(desktop, GREY) > 0.2)
    assert colour_share(desktop, GREEN) < 0.05

    # enabled from outside: green within one poll interval (1 s here), with a deadline adopted
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    eventually(lambda: colour_share(desktop, GREEN) > 0.2, timeout=5)
    eventually(lambda: rule()[1] is not None)

    centre = (str(x + w // 2), str(y + h // 2))
    if backend == "gtk":  # left click is the default action: stop, then start again
        desktop.xdotool("mousemove", *centre, "click", "1")
        eventually(lambda: rule() == ("DISABLED", None))
        eventually(lambda: colour_share(desktop, GREY) > 0.2)
        desktop.xdotool("mousemove", *centre, "click", "1")
        eventually(lambda: rule()[0] == "ENABLED")
        _, deadline = rule()
        assert deadline is not None and deadline > time.time() + 10 * 60
        menu_button = "3"
    else:
        menu_button = "1"  # AppIndicator: any click opens the menu

    # the menu: open it with the mouse, choose its first item with the keyboard. Keys sent
    # before the menu holds the keyboard are lost, so wait for the highlight to show.
    expected = "DISABLED" if rule()[0] == "ENABLED" else "ENABLED"
    desktop.xdotool("mousemove", *centre, "click", menu_button)
    menu_area = (380, 0, 420, 330)
    eventually(lambda: share(desktop.grab(menu_area), MENU_WHITE, 12) > 0.3)
    eventually(lambda: _highlight(desktop, menu_area), timeout=10)
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.grab().crop((380, 0, 800, 330)).save(SHOTS / f"menu-{backend}.png")
    desktop.xdotool("key", "Return")  # the highlighted first choosable item: Start/Stop
    eventually(lambda: rule()[0] == expected)


def _highlight(desktop: Desktop, area: tuple[int, int, int, int]) -> bool:
    if share(desktop.grab(area), HIGHLIGHT, 40) > 0.01:
        return True
    desktop.xdotool("key", "Down")  # once the menu has the keyboard, this highlights an item
    # The highlight, as soon as it shows; not within a second: the key was lost, send another.
    return soon(lambda: share(desktop.grab(area), HIGHLIGHT, 40) > 0.01, timeout=1)


def test_sigterm_with_a_session_on_disables_the_rule(icon: tuple[Tray, Desktop, str]) -> None:
    tray, desktop, _ = icon
    desktop.icon_box(NAMES)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    eventually(lambda: rule()[1] is not None)  # adopted: a session is on
    tray.proc.send_signal(signal.SIGTERM)
    assert tray.proc.wait(timeout=20) == 0
    assert rule() == ("DISABLED", None)


def test_losing_the_endpoint_shows_the_error_look_and_notifies_once(
    desktop: Desktop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    with emulator_process() as (endpoint, server), FaultProxy(endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        env = {**desktop.env, "PYSTRAY_BACKEND": "gtk"}
        # The proxy only counts: once the emulator is gone, it drops each connection, as a
        # host that has vanished does.
        tray = Tray(proxy.url, tmp_path, env, terminal=False)
        try:
            desktop.icon_box(NAMES)
            eventually(lambda: colour_share(desktop, GREY) > 0.2)
            assert server.stdin is not None
            server.stdin.close()  # the emulator goes away
            server.wait(timeout=15)
            eventually(lambda: colour_share(desktop, RED) > 0.2, timeout=30)
            failed = proxy.count("DescribeRule")
            # three more failing polls, each tried TOTAL_ATTEMPTS times by botocore
            more = 3 * TOTAL_ATTEMPTS
            eventually(lambda: proxy.count("DescribeRule") >= failed + more, timeout=60)
            errors = [n for n in desktop.notifications if "cannot reach AWS" in n]
            assert len(errors) == 1, desktop.notifications
        finally:
            tray.stop()


def test_expired_credentials_turn_the_icon_red_notify_once_and_recover(
    desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    """R5 as the user sees it: the error look, one desktop notification, green again later."""
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    write_credentials(OLD_KEY)
    with FaultProxy(endpoint) as proxy:
        env = {**desktop.env, "PYSTRAY_BACKEND": "gtk"}
        tray = Tray(proxy.url, tmp_path, env, terminal=False, unset=FROM_FILE_ONLY)
        try:
            desktop.icon_box(NAMES)
            boto3.client("events", region_name=REGION).enable_rule(Name=RULE)  # adopted
            eventually(lambda: colour_share(desktop, GREEN) > 0.2, timeout=10)
            proxy.inject(expired_token(OLD_KEY))
            eventually(lambda: colour_share(desktop, RED) > 0.2, timeout=30)
            rejected = proxy.count(fault="ExpiredTokenException")
            eventually(lambda: proxy.count(fault="ExpiredTokenException") >= rejected + 3)
            said = [n for n in desktop.notifications if "session token has expired" in n]
            assert len(said) == 1, desktop.notifications
            write_credentials(NEW_KEY)  # the user signs in again
            eventually(lambda: colour_share(desktop, GREEN) > 0.2, timeout=30)
            assert rule()[0] == "ENABLED"
        finally:
            tray.stop()


@pytest.mark.parametrize("terminal", [True, False])
def test_the_last_notification_gets_out_before_the_process_ends(
    desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path, terminal: bool
) -> None:
    if not terminal:
        pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    env = {**desktop.env, "PYSTRAY_BACKEND": "gtk"}
    tray = Tray(endpoint, tmp_path, env, terminal=terminal)  # the panel also notifies the desktop
    try:
        boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
        eventually(lambda: rule()[1] is not None, timeout=30)  # adopted: a session of this tray
        before = len(desktop.notifications)
        tray.proc.send_signal(signal.SIGTERM)
        assert tray.proc.wait(timeout=20) == 0
        # the process is gone: every Notify it made is on the bus already, the monitor may lag
        eventually(
            lambda: any("Study session ended" in n for n in desktop.notifications[before:]),
            timeout=5,
        )
    finally:
        tray.stop()
