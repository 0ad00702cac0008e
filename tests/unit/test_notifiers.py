"""The notifiers without a desktop: the Windows and macOS ones with fakes of plyer's API, the
choice per platform, and the Linux one with no bus to talk to."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
import time
import types
from unittest import mock

import pytest
from plyer.facades import Notification

from tests.tray_process import eventually
from tests.unit.recording_notifier import Notes
from tray_app.desktop import notifiers
from tray_app.desktop.notifiers.forwarding import EchoNotifier, SwitchNotifier
from tray_app.desktop.notifiers.freedesktop import FreedesktopNotifier, Note
from tray_app.desktop.notifiers.plyer_notifier import BACKENDS, PlyerNotifier

EXTEND = [("extend", "Extend +30 min")]


def worker_gone() -> bool:
    """No notifier thread runs any more: the worker has given up (or was closed)."""
    return not [t for t in threading.enumerate() if t.name == "notifier"]


def said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records]


def fake_plyer() -> mock.Mock:
    """plyer's notification object as its facade defines it."""
    fake: mock.Mock = mock.create_autospec(Notification, instance=True)
    return fake


def test_plyer_gets_each_notification_with_an_expiry_and_our_name() -> None:
    plyer = fake_plyer()
    notifier = PlyerNotifier(load=lambda: plyer.notify)
    notifier.notify("5 min left", "Extend to keep studying.", "timer-warning", EXTEND)
    notifier.notify("AWS unreachable", "no network")
    notifier.close()
    assert plyer.notify.call_args_list == [
        mock.call(
            title=title,
            message=message,
            app_name="pipeline-tray",
            app_icon="",  # a string: None raises in plyer
            timeout=10,
        )
        for title, message in [
            ("5 min left", "Extend to keep studying."),
            ("AWS unreachable", "no network"),
        ]
    ]


def test_a_slow_plyer_never_holds_up_the_caller() -> None:
    plyer = fake_plyer()
    release = threading.Event()
    plyer.notify.side_effect = lambda **_: release.wait(5)
    notifier = PlyerNotifier(load=lambda: plyer.notify)
    start = time.monotonic()
    for n in range(3):
        notifier.notify(f"note {n}", "body")
    assert time.monotonic() - start < 0.5
    release.set()
    notifier.close()
    assert plyer.notify.call_count == 3


def test_plyer_failing_is_logged_not_raised_and_the_next_one_still_goes(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    plyer = fake_plyer()
    plyer.notify.side_effect = [OSError("Shell_NotifyIconW failed."), None]
    notifier = PlyerNotifier(load=lambda: plyer.notify)
    with caplog.at_level(logging.WARNING):
        notifier.notify("first", "fails")
        notifier.notify("second", "shown")
        notifier.close()
    assert plyer.notify.call_count == 2
    assert [r.getMessage() for r in caplog.records] == [
        "notification not shown (OSError: Shell_NotifyIconW failed.): first - fails"
    ]
    assert capfd.readouterr() == ("", "")


def test_a_plyer_backend_that_cannot_load_is_said_once_in_the_log(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    def load() -> Notification:
        raise ImportError("No module named 'pyobjus'")

    notifier = PlyerNotifier(load=load)
    with caplog.at_level(logging.WARNING):
        notifier.notify("first", "lost")
        eventually(lambda: said(caplog) != [] and worker_gone(), timeout=10)
        notifier.notify("second", "lost too")  # after the worker gave up: said no more
        notifier.close()
    assert said(caplog) == [
        "no desktop notifications: plyer cannot load here (ImportError: No module named 'pyobjus')"
    ]
    assert capfd.readouterr() == ("", "")


def test_plyer_notifiers_take_an_action_callback_and_never_call_it() -> None:
    plyer = fake_plyer()
    notifier = PlyerNotifier(load=lambda: plyer.notify)
    called: list[str] = []
    notifier.on_action(called.append)
    notifier.notify("5 min left", "Extend from the menu.", "timer-warning", EXTEND)
    notifier.close()
    assert called == []


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_plyer_is_chosen_on_windows_and_macos_with_that_platforms_loader(
    monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    chosen = notifiers.choose()
    assert isinstance(chosen, PlyerNotifier)
    assert chosen.load is BACKENDS[platform]


def test_dbus_is_chosen_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert type(notifiers.choose()) is FreedesktopNotifier


def test_echo_passes_kind_actions_and_callbacks_on() -> None:
    backend = mock.create_autospec(FreedesktopNotifier, instance=True)
    out = io.StringIO()
    echo = EchoNotifier(out, backend)
    echo.notify("5 min left", "Extend to keep studying.", "timer-warning", EXTEND)
    echo.on_action(print)
    echo.close()
    assert out.getvalue() == "\n[5 min left] Extend to keep studying.\n"
    backend.notify.assert_called_once_with(
        "5 min left", "Extend to keep studying.", "timer-warning", EXTEND
    )
    backend.on_action.assert_called_once_with(print)
    backend.close.assert_called_once_with(3.0)


HOSTILE = ("Stopped by \x1b]0;PWNED\x07lap\u202etop", "AccessDenied:\x1b[2J\u2066 no\nmore")
CLEAN = ("Stopped by laptop", "AccessDenied: no\nmore")


def test_plyer_notifications_carry_no_controls_or_bidi_overrides() -> None:
    # an error quoting AWS, or another device's name, reaches the desktop's notification
    plyer = fake_plyer()
    notifier = PlyerNotifier(load=lambda: plyer.notify)
    notifier.notify(*HOSTILE, "err")
    notifier.close()
    plyer.notify.assert_called_once_with(
        title=CLEAN[0], message=CLEAN[1], app_name="pipeline-tray", app_icon="", timeout=10
    )


def test_dbus_notifications_carry_no_controls_or_bidi_overrides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notifier = FreedesktopNotifier()
    monkeypatch.setattr(notifier, "_run", lambda: None)  # no bus: only what would be sent
    notifier.notify(*HOSTILE)
    assert notifier._jobs.get_nowait() == Note(*CLEAN, kind=CLEAN[0], actions=())


# -- Linux with no bus ---------------------------------------------------------------------

NO_BUS = [
    "unix:path=/nonexistent/pipeline-tray-test/bus",  # no such socket
    "tcp:host=127.0.0.1,port=9",  # a transport jeepney does not speak
    "not an address",
]


@pytest.mark.skipif(sys.platform != "linux", reason="the freedesktop notifier is Linux's")
@pytest.mark.parametrize("address", NO_BUS)
def test_no_bus_notify_returns_at_once_and_logs_one_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, address: str
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    notifier = FreedesktopNotifier()
    with caplog.at_level(logging.DEBUG, logger="tray_app.desktop.notifiers"):
        start = time.monotonic()
        for n in range(5):
            notifier.notify(f"note {n}", "body", actions=EXTEND)
        assert time.monotonic() - start < 0.2
        eventually(lambda: said(caplog) != [] and worker_gone(), timeout=10)
        notifier.notify("after", "the notifier went quiet")
        notifier.close()
    lines = said(caplog)
    assert len(lines) == 1, lines
    assert lines[0].startswith("no desktop notifications: cannot reach the session D-Bus")


NO_BUS_SCRIPT = """
import threading
from tray_app.desktop.notifiers import choose
notifier = choose()
for n in range(3):
    notifier.notify("Study session ended", "Switched off (timer)", actions=[("a", "A")])
notifier.close()  # waits for the worker, which has tried the bus and given up by then
assert not [t for t in threading.enumerate() if t.name == "notifier"], "the worker still runs"
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the freedesktop notifier is Linux's")
@pytest.mark.parametrize("address", NO_BUS)
def test_no_bus_prints_nothing_even_without_logging_set_up(address: str) -> None:
    # A process of its own, as a user's terminal would run it: no pytest log capture, no
    # log_setup; what it writes to stdout and stderr is what a person would see.
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "DBUS_SESSION_BUS_ADDRESS": address}
    done = subprocess.run(
        [sys.executable, "-c", NO_BUS_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_switch_reaches_every_user_of_the_notifier_and_closes_the_old_one() -> None:
    icon, panel = Notes(), Notes()
    shared = SwitchNotifier(icon)
    runner_side, facts_side = shared, shared  # what the runner and the facts were handed
    runner_side.notify("before", "the icon shows it")
    shared.use(panel)  # the icon failed: the panel takes over
    facts_side.notify("Metrics are stale", "shown in the panel now")
    shared.close(timeout=2.0)
    assert icon.titles == ["before"] and icon.closed == [1.0]
    assert panel.titles == ["Metrics are stale"] and panel.closed == [2.0]


# -- the default loaders, with plyer's platform module faked where it would load AppKit/win32 --


def test_the_default_macos_loader_takes_plyers_platform_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plyer = fake_plyer()
    instance = mock.create_autospec(lambda: None, return_value=plyer)  # plyer's `instance()`
    module = "plyer.platforms.macosx.notification"
    platform_module = types.ModuleType(module)
    platform_module.instance = instance  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module, platform_module)
    notifier = PlyerNotifier(BACKENDS["darwin"])  # its own loader
    notifier.notify("Invoke failed", "function not found")
    notifier.close()
    instance.assert_called_once_with()
    plyer.notify.assert_called_once_with(
        title="Invoke failed",
        message="function not found",
        app_name="pipeline-tray",
        app_icon="",
        timeout=10,
    )


def balloon_module(monkeypatch: pytest.MonkeyPatch, balloon: object) -> None:
    """plyer's balloontip module (win32 only) faked, its WindowsBalloonTip being `balloon`."""
    name = "plyer.platforms.win.libs.balloontip"
    module = types.ModuleType(name)
    module.WindowsBalloonTip = balloon  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)


def test_the_windows_balloon_is_shown_on_the_notifiers_thread_with_no_thread_of_plyers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[tuple[str, dict[str, object]]] = []
    threads_before = set(threading.enumerate())
    balloon = mock.create_autospec(
        lambda title, message, app_name, app_icon, timeout: None,
        side_effect=lambda **kw: shown.append((threading.current_thread().name, kw)),
    )
    balloon_module(monkeypatch, balloon)
    notifier = PlyerNotifier(BACKENDS["win32"])  # its own loader
    notifier.notify("Invoke failed", "function not found")
    notifier.close()
    assert shown == [
        (
            "notifier",  # not a thread plyer starts (its facade's would outlive Quit)
            {
                "title": "Invoke failed",
                "message": "function not found",
                "app_name": "pipeline-tray",
                "app_icon": "",
                "timeout": 10,
            },
        )
    ]
    assert set(threading.enumerate()) <= threads_before


def test_a_balloon_failing_after_close_is_no_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()

    def balloon(**kw: object) -> None:
        release.wait(5)  # the tray quits while this one is shown
        raise OSError("Shell_NotifyIconW failed.")

    balloon_module(monkeypatch, balloon)
    notifier = PlyerNotifier(BACKENDS["win32"])
    with caplog.at_level(logging.INFO):
        notifier.notify("Study session ended", "Switched off (quit)")
        notifier.close(timeout=0.1)
        release.set()
        eventually(worker_gone)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "INFO",
            "notification not shown (OSError: Shell_NotifyIconW failed.): "
            "Study session ended - Switched off (quit)",
        )
    ]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS has pyobjus: the loader works there")
def test_the_real_macos_loader_without_pyobjus_is_one_log_line(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # here, as from a pip install where pyobjus failed to build: plyer's module cannot import
    notifier = PlyerNotifier(BACKENDS["darwin"])
    with caplog.at_level(logging.WARNING):
        notifier.notify("first", "lost")
        notifier.notify("second", "lost too")
        notifier.close()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1, messages
    assert messages[0].startswith("no desktop notifications: plyer cannot load here")
    assert "pyobjus" in messages[0]
    assert capfd.readouterr() == ("", "")
