"""The Linux notifier against real notification servers on a private bus: dunst and GNOME's
notification-daemon under Xvfb, and python-dbusmock's template where a test needs a server
with or without buttons, or signals sent on cue. dbus-monitor shows what went over the bus."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import ImageGrab

from tests.desktop.conftest import name_has_owner, require, start_mock, stop
from tests.desktop.notify_bus import MOCK, SERVER, BusLog, call
from tests.tray_process import Tray, eventually, rule, start_session
from tray_app.desktop.notifiers.freedesktop import FreedesktopNotifier

pytestmark = pytest.mark.desktop
NOTIFICATION_DAEMON = "/usr/lib/notification-daemon/notification-daemon"
EXTEND = ("extend", "Extend +30 min")
MARKUP_NO_ACTIONS = "body body-markup icon-static"  # the template's defaults, roughly


@dataclass
class Server:
    """A notification server on a private bus (and the display it draws on, if any)."""

    name: str
    bus: str
    display: str | None
    log: BusLog
    pid: int

    def env(self) -> dict[str, str]:
        extra = {"DISPLAY": self.display} if self.display else {}
        return {**os.environ, **extra, "DBUS_SESSION_BUS_ADDRESS": self.bus}


def require_notification_daemon() -> None:
    if os.path.exists(NOTIFICATION_DAEMON):
        return
    message = f"{NOTIFICATION_DAEMON} missing (apt-get install notification-daemon)"
    if os.environ.get("CI"):
        pytest.fail(message + " — .ci/run must install it")
    pytest.skip(message)


@pytest.fixture(params=["dunst", "notification-daemon"])
def real_server(request: pytest.FixtureRequest, xvfb: str, private_bus: str) -> Iterator[Server]:
    """dunst or notification-daemon, drawing on Xvfb, serving a private bus."""
    require("dbus-monitor", "xdotool")
    if request.param == "dunst":
        require("dunst", "dunstctl")
    else:
        require_notification_daemon()
    command = ["dunst"] if request.param == "dunst" else [NOTIFICATION_DAEMON]
    env = {**os.environ, "DISPLAY": xvfb, "DBUS_SESSION_BUS_ADDRESS": private_bus}
    daemon = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        eventually(lambda: name_has_owner(private_bus, SERVER.bus_name))
        log = BusLog(private_bus)
        try:
            yield Server(request.param, private_bus, xvfb, log, daemon.pid)
        finally:
            log.stop()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


@contextlib.contextmanager
def mock_server(bus: str, capabilities: str) -> Iterator[Server]:
    """python-dbusmock's notification_daemon template with these capabilities."""
    require("dbus-monitor")
    parameters = f'{{"capabilities": "{capabilities}"}}'
    mock = start_mock(bus, SERVER.bus_name, "--template", "notification_daemon", "-p", parameters)
    try:
        log = BusLog(bus)
        try:
            yield Server("dbusmock", bus, None, log, mock.pid)
        finally:
            log.stop()
    finally:
        stop(mock)


@pytest.fixture
def with_actions(private_bus: str) -> Iterator[Server]:
    """A mock server whose GetCapabilities lists "actions" (and no body markup)."""
    with mock_server(private_bus, "actions body") as server:
        yield server


@pytest.fixture
def without_actions(private_bus: str) -> Iterator[Server]:
    """A mock server with the capabilities of the template's defaults: no "actions"."""
    with mock_server(private_bus, MARKUP_NO_ACTIONS) as server:
        yield server


def emit(server: Server, signal: str, signature: str, *args: object) -> None:
    """Make the mock server send `signal` as a real server would."""
    typed = [(code, value) for code, value in zip(signature, args, strict=True)]
    call(server.bus, MOCK, "EmitSignal", "sssav", SERVER.interface, signal, signature, typed)


# -- real servers ------------------------------------------------------------------------------


def test_every_notification_expires_and_a_newer_one_of_its_kind_replaces_it(
    real_server: Server,
) -> None:
    notifier = FreedesktopNotifier(bus=real_server.bus)
    try:
        notifier.notify("5 min left in your study session", "first", kind="timer-warning")
        notifier.notify("4 min left in your study session", "second", kind="timer-warning")
        notifier.notify("AWS unreachable", "third")  # no kind: the title is its kind
        notifier.notify("AWS unreachable", "fourth")
        notifier.notify("Could not save", "fifth")  # another title, another kind
        first, second, third, fourth, fifth = real_server.log.answered(5)
    finally:
        notifier.close()
    assert [n.expire_timeout for n in (first, second, third, fourth, fifth)] == [10000] * 5
    assert (first.replaces_id, third.replaces_id, fifth.replaces_id) == (0, 0, 0)
    assert second.replaces_id == first.returned
    assert fourth.replaces_id == third.returned
    assert first.returned != third.returned
    # The server kept the id: the bubble was replaced, not stacked.
    assert (second.returned, fourth.returned) == (first.returned, third.returned)
    # dunst shows the three kinds side by side; notification-daemon shows one bubble at a time
    # and queues the rest (without replacing, its queue would hold all five, 10 s each).
    # Every Notify is answered, so the server has all it will ever get: dunst showing three
    # with none waiting is final (nothing more can come). notification-daemon has no count of
    # its queue to read: one bubble at a time is what it shows either way.
    expected = (3, 0) if real_server.name == "dunst" else (1, 0)
    eventually(lambda: (bubbles(real_server), waiting(real_server)) == expected, timeout=5)


def dunst_count(server: Server, which: str) -> int:
    """dunst's count of its `which` notifications (displayed, waiting, history)."""
    shown = subprocess.run(
        ["dunstctl", "count", which],
        env=server.env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    return int(shown.stdout)


def bubbles(server: Server) -> int:
    """How many notifications the server shows now."""
    if server.name == "dunst":
        return dunst_count(server, "displayed")
    return len(bubble_windows(server))


def waiting(server: Server) -> int:
    """How many notifications dunst holds back for lack of room (0 for other servers)."""
    return dunst_count(server, "waiting") if server.name == "dunst" else 0


def bubble_windows(server: Server) -> list[str]:
    """notification-daemon's visible bubbles (windows named "Notification")."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Notification$"],
        env=server.env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    return found.stdout.split()


def test_the_server_takes_it_away_when_it_expires(real_server: Server) -> None:
    notifier = FreedesktopNotifier(bus=real_server.bus, expire_ms=1500)
    try:
        sent = time.monotonic()
        notifier.notify("Study session ended", "Switched off (timer)")
        (shown,) = real_server.log.answered(1)
        eventually(lambda: bubbles(real_server) == 1, timeout=5)
        eventually(lambda: bubbles(real_server) == 0, timeout=10)
        assert time.monotonic() - sent >= 1.4  # gone, and not before its time
        if real_server.name == "dunst":  # notification-daemon drops the bubble without a word
            closed = real_server.log.signals
            eventually(lambda: [shown.returned, 1] in closed("NotificationClosed"))  # 1: expired
    finally:
        notifier.close()


def click_button(server: Server) -> None:
    """Press the bubble's action button as a person would (dunst: its action command), once
    the server shows it."""
    if server.name == "dunst":
        eventually(lambda: bubbles(server) == 1, timeout=10)
        subprocess.run(["dunstctl", "action", "0"], env=server.env(), check=True, timeout=10)
        return
    spot: list[tuple[int, int]] = []

    def drawn() -> bool:
        spot[:] = button_label(server)
        return bool(spot)

    eventually(drawn, timeout=10)
    cx, cy = spot[0]
    subprocess.run(
        ["xdotool", "mousemove", str(cx), str(cy), "click", "1"],
        env=server.env(),
        check=True,
        timeout=10,
    )


def button_label(server: Server) -> list[tuple[int, int]]:
    """The middle of the one bubble's button label, once it is drawn (else nothing)."""
    assert server.display is not None
    found = bubble_windows(server)
    if len(found) != 1:
        return []
    shell = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", found[0]],
        env=server.env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    box = dict(line.split("=", 1) for line in shell.split())
    x, y, w, h = (int(box[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    # The button's label is the dark text in the lower part of the bubble (the close cross
    # and the title are above it; the black desktop shows at its round corners, kept out):
    # click the middle of it.
    shot = ImageGrab.grab(xdisplay=server.display).convert("L")
    inset = 20
    dark = [
        (px, py)
        for py in range(y + h * 3 // 5, y + h - inset)
        for px in range(x + w // 3, x + w - inset)
        if shot.getpixel((px, py)) < 90  # type: ignore[operator]
    ]
    if not dark:
        return []  # not drawn yet
    return [(sum(p[0] for p in dark) // len(dark), sum(p[1] for p in dark) // len(dark))]


def test_a_click_on_the_button_reaches_the_app(real_server: Server) -> None:
    notifier = FreedesktopNotifier(bus=real_server.bus)
    clicked: list[str] = []
    notifier.on_action(clicked.append)
    try:
        notifier.notify("5 min left", "Extend to keep studying.", "timer-warning", [EXTEND])
        (shown,) = real_server.log.answered(1)
        assert shown.actions == list(EXTEND)
        click_button(real_server)
        eventually(lambda: clicked == ["extend"], timeout=10)
        eventually(lambda: [shown.returned, "extend"] in real_server.log.signals("ActionInvoked"))
    finally:
        notifier.close()


# -- mock servers: capabilities and signals on cue ---------------------------------------------


def test_no_buttons_where_the_server_has_no_actions(without_actions: Server) -> None:
    notifier = FreedesktopNotifier(bus=without_actions.bus)
    clicked: list[str] = []
    notifier.on_action(clicked.append)
    try:
        notifier.notify("5 min left", "Extend from the menu.", "timer-warning", [EXTEND])
        (shown,) = without_actions.log.answered(1)
        assert shown.actions == []
        assert shown.expire_timeout == 10000
        # a server that misbehaves anyway: a key we never offered is not passed on
        emit(without_actions, "ActionInvoked", "us", shown.returned, "extend")
        emit(without_actions, "NotificationClosed", "uu", shown.returned, 2)  # the sentinel
        handled_in_order(notifier, without_actions)
        assert clicked == []
    finally:
        notifier.close()


def handled_in_order(notifier: FreedesktopNotifier, server: Server) -> None:
    """Prove that the notifier has handled the signals emitted so far, the last of them a
    NotificationClosed for the one "timer-warning" it showed.

    The notifier handles what reaches its connection in order, on one thread. The answer to a
    Notify sent now comes after those signals, so the next Notify leaves only once they are all
    handled; that one, of the closed kind, being new (replaces_id 0) shows the close was seen.
    """
    before = len(server.log.notifies())
    notifier.notify("Something else", "sent after the signals", kind="other")
    notifier.notify("5 min left", "the same kind again", "timer-warning")
    *_, again = server.log.answered(before + 2)
    assert again.replaces_id == 0, "the signals were not handled (or not in order)"


def test_the_servers_action_signal_reaches_the_callback_for_our_buttons_only(
    with_actions: Server,
) -> None:
    notifier = FreedesktopNotifier(bus=with_actions.bus)
    clicked: list[str] = []
    notifier.on_action(clicked.append)
    try:
        notifier.notify("5 min left", "Extend to keep studying.", "timer-warning", [EXTEND])
        (shown,) = with_actions.log.answered(1)
        assert shown.actions == list(EXTEND)
        assert shown.expire_timeout == 10000
        assert shown.returned is not None
        emit(with_actions, "ActionInvoked", "us", shown.returned + 100, "extend")  # not ours
        emit(with_actions, "ActionInvoked", "us", shown.returned, "default")  # not offered
        emit(with_actions, "ActionInvoked", "us", shown.returned, "extend")
        eventually(lambda: clicked != [], timeout=5)
        # the signals are handled in the order sent: had either earlier one been passed on, it
        # would be in the list before "extend"
        assert clicked == ["extend"]
    finally:
        notifier.close()


def test_a_closed_notification_is_not_replaced_but_shown_anew(with_actions: Server) -> None:
    notifier = FreedesktopNotifier(bus=with_actions.bus)
    try:
        notifier.notify("Idle", "first", kind="idle-warning")
        (first,) = with_actions.log.answered(1)
        emit(with_actions, "NotificationClosed", "uu", first.returned, 2)  # dismissed
        notifier.notify("Something else", "sent after the signal", kind="other")
        notifier.notify("Idle", "second", kind="idle-warning")
        _, _, second = with_actions.log.answered(3)
        assert second.replaces_id == 0
    finally:
        notifier.close()


@pytest.mark.parametrize(
    ("capabilities", "expected"),
    [
        ("actions body", "AccessDenied <Error> & co"),
        (MARKUP_NO_ACTIONS, "AccessDenied &lt;Error&gt; &amp; co"),
    ],
)
def test_the_body_is_escaped_only_for_a_server_that_reads_markup(
    private_bus: str, capabilities: str, expected: str
) -> None:
    with mock_server(private_bus, capabilities) as server:
        notifier = FreedesktopNotifier(bus=server.bus)
        try:
            notifier.notify("AWS refused", "AccessDenied <Error> & co")
            (shown,) = server.log.answered(1)
            assert shown.body == expected
        finally:
            notifier.close()


def test_a_server_that_hangs_never_holds_up_the_caller(with_actions: Server) -> None:
    notifier = FreedesktopNotifier(bus=with_actions.bus)
    try:
        notifier.notify("first", "shown at once")
        with_actions.log.answered(1)
        os.kill(with_actions.pid, signal.SIGSTOP)  # the server stops answering
        try:
            start = time.monotonic()
            for n in range(3):
                notifier.notify(f"note {n}", "while the server hangs")
            assert time.monotonic() - start < 0.1
        finally:
            os.kill(with_actions.pid, signal.SIGCONT)
        assert [n.summary for n in with_actions.log.answered(4)][1:] == [
            f"note {n}" for n in range(3)
        ]
    finally:
        notifier.close()


def test_close_sends_what_is_queued_and_ends_the_thread(with_actions: Server) -> None:
    notifier = FreedesktopNotifier(bus=with_actions.bus)
    for n in range(5):
        notifier.notify(f"note {n}", "body", kind=f"k{n}")
    notifier.close()
    assert [n.summary for n in with_actions.log.answered(5)] == [f"note {n}" for n in range(5)]
    assert not [t for t in threading.enumerate() if t.name == "notifier"]


# -- the whole app -----------------------------------------------------------------------------


def test_the_extend_button_on_the_warning_extends_the_session(
    with_actions: Server, xvfb: str, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    env = {
        "DISPLAY": xvfb,
        "DBUS_SESSION_BUS_ADDRESS": with_actions.bus,
        "PIPELINE_TRAY_SESSION_MINUTES": "5",  # 5 minutes left at once: the warning is due
    }
    tray = Tray(endpoint, tmp_path, env)
    try:
        start_session(tray)
        eventually(lambda: any(n.actions == list(EXTEND) for n in with_actions.log.notifies()))
        (warning,) = [n for n in with_actions.log.answered(1) if n.actions == list(EXTEND)]
        assert warning.summary.endswith("left in your study session")
        assert warning.expire_timeout > 0
        clicked = tray.mark()
        emit(with_actions, "ActionInvoked", "us", warning.returned, "extend")
        tray.wait_line("Study session on — 34 min left", after=clicked)
        assert rule()[0] == "ENABLED"
        mark = tray.mark()
        tray.key("q")
        assert tray.proc.wait(timeout=30) == 0
        tray.wait_line("pipeline off — bye", after=mark)
        assert rule()[0] == "DISABLED"
    finally:
        tray.stop()
