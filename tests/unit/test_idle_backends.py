from pathlib import Path

import pytest

from tray_app.desktop import idle
from tray_app.desktop.idle.macos_hid_idle import parse_hid_idle_seconds
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
    return [make.__name__ for make in idle.candidates()]


def test_linux_backends_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert names(monkeypatch, DISPLAY=":0") == ["_x11", "_gnome"]
    wayland = ["_wayland_ext", "_wayland_kde", "_gnome"]  # never X11: XWayland sees too little
    assert names(monkeypatch, WAYLAND_DISPLAY="wayland-0", DISPLAY=":0") == wayland
    assert names(monkeypatch, WAYLAND_DISPLAY="/run/user/1000/wayland-1") == wayland
    assert names(monkeypatch, XDG_SESSION_TYPE="wayland", DISPLAY=":0") == ["_gnome"]
    assert names(monkeypatch) == ["_gnome"]


@pytest.mark.parametrize(("platform", "backend"), [("win32", "_windows"), ("darwin", "_macos")])
def test_one_backend_per_other_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, backend: str
) -> None:
    monkeypatch.setattr("sys.platform", platform)
    assert [make.__name__ for make in idle.candidates()] == [backend]


def test_no_working_backend_means_idle_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    assert idle.choose() is None
