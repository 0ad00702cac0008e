"""Which idle backend the tray takes, in which order, and why none works when none does."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tray_app.core.ports import IdleMonitor
from tray_app.desktop import idle


class Reader:
    """A backend that works: what a constructor returns."""

    def __init__(self, name: str) -> None:
        self.name = name

    def idle_seconds(self) -> float | None:
        return 0.0


def works(name: str):
    def make() -> IdleMonitor:
        return Reader(name)

    return make


def fails(name: str, error: Exception):
    def make() -> IdleMonitor:
        raise error

    return make


@pytest.fixture
def linux(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr("sys.platform", "linux")
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


NO_EXT = RuntimeError("the compositor offers no ext-idle-notify-v1")
NO_KDE = RuntimeError("the compositor offers no KDE idle protocol (org_kde_kwin_idle)")
NO_MUTTER = OSError("Mutter's idle monitor did not answer: …")


def chosen(
    monkeypatch: pytest.MonkeyPatch, **backends: Callable[[], IdleMonitor]
) -> idle.IdleChoice:
    monkeypatch.setattr(idle, "make", lambda name: backends[name]())  # only these are tried
    return idle.choose_with_reason()


def test_on_wayland_the_standard_protocol_comes_first(linux: pytest.MonkeyPatch) -> None:
    linux.setenv("WAYLAND_DISPLAY", "wayland-1")
    linux.setenv("DISPLAY", ":0")  # XWayland is there too, and must not be asked
    choice = chosen(
        linux,
        wayland_ext=works("ext"),
        wayland_kde=works("kde"),
        gnome=works("gnome"),
        x11=works("x11"),
    )
    assert isinstance(choice.monitor, Reader) and choice.monitor.name == "ext"


def test_kde_idle_when_the_standard_one_is_missing(linux: pytest.MonkeyPatch) -> None:
    linux.setenv("WAYLAND_DISPLAY", "wayland-1")
    choice = chosen(
        linux, wayland_ext=fails("ext", NO_EXT), wayland_kde=works("kde"), gnome=works("gnome")
    )
    assert isinstance(choice.monitor, Reader) and choice.monitor.name == "kde"


def test_gnome_when_the_compositor_has_neither(linux: pytest.MonkeyPatch) -> None:
    linux.setenv("WAYLAND_DISPLAY", "wayland-0")
    linux.setenv("DISPLAY", ":0")
    choice = chosen(
        linux,
        wayland_ext=fails("ext", NO_EXT),
        wayland_kde=fails("kde", NO_KDE),
        gnome=works("gnome"),
        x11=works("x11"),
    )
    assert isinstance(choice.monitor, Reader) and choice.monitor.name == "gnome"


def test_unavailable_on_wayland_says_the_compositor_offers_no_protocol(
    linux: pytest.MonkeyPatch,
) -> None:
    linux.setenv("WAYLAND_DISPLAY", "wayland-0")
    linux.setenv("DISPLAY", ":0")
    choice = chosen(
        linux,
        wayland_ext=fails("ext", NO_EXT),
        wayland_kde=fails("kde", NO_KDE),
        gnome=fails("gnome", NO_MUTTER),
        x11=works("x11"),
    )
    assert choice == idle.IdleChoice(None, "the compositor offers no idle protocol")


def test_unavailable_says_why_the_first_backend_failed(linux: pytest.MonkeyPatch) -> None:
    linux.setenv("WAYLAND_DISPLAY", "/nowhere/wayland-9")
    lost = OSError("cannot connect to Wayland display /nowhere/wayland-9")
    choice = chosen(
        linux,
        wayland_ext=fails("ext", lost),
        wayland_kde=fails("kde", lost),
        gnome=fails("gnome", NO_MUTTER),
    )
    assert choice == idle.IdleChoice(None, "cannot connect to Wayland display /nowhere/wayland-9")


def test_without_pywayland_the_next_backend_is_tried(linux: pytest.MonkeyPatch) -> None:
    linux.setenv("WAYLAND_DISPLAY", "wayland-0")
    missing = ModuleNotFoundError("No module named 'pywayland'")
    choice = chosen(
        linux,
        wayland_ext=fails("ext", missing),
        wayland_kde=fails("kde", missing),
        gnome=works("gnome"),
    )
    assert isinstance(choice.monitor, Reader) and choice.monitor.name == "gnome"


def test_x11_only_without_a_wayland_display(linux: pytest.MonkeyPatch) -> None:
    linux.setenv("DISPLAY", ":0")
    choice = chosen(linux, x11=works("x11"), gnome=works("gnome"))
    assert isinstance(choice.monitor, Reader) and choice.monitor.name == "x11"


def test_no_display_at_all(linux: pytest.MonkeyPatch) -> None:
    choice = chosen(linux, gnome=fails("gnome", NO_MUTTER))
    assert choice == idle.IdleChoice(None, "no display to read it from")
