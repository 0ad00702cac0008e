import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from tray_app.desktop import idle
from tray_app.desktop.idle.macos_hid_idle import MacIdle, parse_hid_idle_seconds
from tray_app.desktop.idle.windows_last_input import idle_milliseconds

IOREG = """
+-o IOHIDSystem  <class IOHIDSystem, id 0x100000253, registered, matched, active, busy 0>
    {
      "HIDIdleTime" = 4321000000
      "HIDParameters" = {"HIDClickTime"=500000000}
    }
"""


def test_macos_hid_idle_time_is_nanoseconds() -> None:
    assert parse_hid_idle_seconds(IOREG) == 4.321
    assert parse_hid_idle_seconds("nothing here") is None


@pytest.mark.parametrize(
    ("last_input", "now", "expected"),
    [
        (1_000, 61_000, 60_000),
        (2**32 - 500, 2**32 + 1_500, 2_000),  # the 32-bit input tick wrapped, the 64-bit did not
        (100, 5 * 2**32 + 300, 200),  # many days of uptime
    ],
)
def test_windows_idle_survives_the_tick_wrap(last_input: int, now: int, expected: int) -> None:
    assert idle_milliseconds(last_input, now) == expected


def names(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    monkeypatch.setattr("sys.platform", "linux")
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return idle.candidates()


def test_linux_backends_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert names(monkeypatch, DISPLAY=":0") == ["x11", "gnome"]
    wayland = ["wayland_ext", "wayland_kde", "gnome"]  # never X11: XWayland sees too little
    assert names(monkeypatch, WAYLAND_DISPLAY="wayland-0", DISPLAY=":0") == wayland
    assert names(monkeypatch, WAYLAND_DISPLAY="/run/user/1000/wayland-1") == wayland
    assert names(monkeypatch, XDG_SESSION_TYPE="wayland", DISPLAY=":0") == ["gnome"]
    assert names(monkeypatch) == ["gnome"]


@pytest.mark.parametrize(("platform", "backend"), [("win32", "windows"), ("darwin", "macos")])
def test_one_backend_per_other_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, backend: str
) -> None:
    monkeypatch.setattr("sys.platform", platform)
    assert idle.candidates() == [backend]


@pytest.mark.skipif(sys.platform != "linux", reason="asks a D-Bus on a unix socket")
def test_no_working_backend_means_idle_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    assert idle.choose() is None


# -- macOS by construction: MacIdle with a spec'd subprocess.run standing in for ioreg ---------

IOREG_COMMAND = ["/usr/sbin/ioreg", "-c", "IOHIDSystem", "-d", "4"]


def fake_ioreg(
    monkeypatch: pytest.MonkeyPatch, stdout: str = IOREG, error: BaseException | None = None
) -> mock.Mock:
    """macOS with `subprocess.run` answering for ioreg (or raising `error`)."""
    monkeypatch.setattr("sys.platform", "darwin")
    run: mock.Mock = mock.create_autospec(subprocess.run)
    if error is not None:
        run.side_effect = error
    else:
        run.return_value = subprocess.CompletedProcess(IOREG_COMMAND, 0, stdout, "")
    monkeypatch.setattr(subprocess, "run", run)
    return run


def test_mac_idle_asks_ioreg_for_the_hid_system_with_a_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = fake_ioreg(monkeypatch)
    assert MacIdle().idle_seconds() == 4.321
    run.assert_called_once_with(
        IOREG_COMMAND, capture_output=True, text=True, timeout=2, check=True
    )


def test_mac_idle_is_what_choose_returns_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ioreg(monkeypatch)
    chosen = idle.choose()
    assert isinstance(chosen, MacIdle)
    assert chosen.idle_seconds() == 4.321


def test_mac_idle_without_the_key_reads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ioreg(monkeypatch, stdout="+-o IOHIDSystem  <class IOHIDSystem>\n")
    assert MacIdle().idle_seconds() is None


@pytest.mark.parametrize(
    "error",
    [
        subprocess.CalledProcessError(1, IOREG_COMMAND),
        subprocess.TimeoutExpired(IOREG_COMMAND, 2),
        FileNotFoundError(2, "No such file or directory", "/usr/sbin/ioreg"),
    ],
)
def test_a_failing_ioreg_is_an_oserror(
    monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    fake_ioreg(monkeypatch, error=error)
    # OSError is what the runner catches: no reading, the timer still applies
    with pytest.raises(OSError, match="ioreg failed"):
        MacIdle().idle_seconds()


def test_mac_idle_refuses_other_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    with pytest.raises(OSError, match="needs macOS"):
        MacIdle()
