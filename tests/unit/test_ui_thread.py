"""The one way onto the tray's UI thread, per pystray backend, with fakes for each loop."""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

from tray_app.desktop import ui_thread
from tray_app.desktop.ui_thread import WM_UI_JOB, AppKitPost, GLibPost, Win32Post


def backend_class(module: str) -> type:
    """A stand-in for a pystray backend's Icon class, defined in `module`."""
    return type("Icon", (), {"__module__": module})


@pytest.mark.parametrize(
    ("module", "backend"),
    [
        ("pystray._gtk", "gtk"),
        ("pystray._appindicator", "appindicator"),
        ("pystray._darwin", "darwin"),
        ("pystray._win32", "win32"),
        ("pystray._xorg", "xorg"),
        ("pystray._dummy", "dummy"),
        ("somewhere.else", None),
    ],
)
def test_backend_of_an_icon_and_of_its_class(module: str, backend: str | None) -> None:
    cls = backend_class(module)
    assert ui_thread.backend_of(cls()) == backend
    assert ui_thread.backend_of(cls) == backend


def test_a_subclass_of_ours_keeps_its_backend() -> None:
    themed = type("ThemedIcon", (backend_class("pystray._appindicator"),), {})
    themed.__module__ = "tray_app.desktop.appindicator_icon"
    assert ui_thread.backend_of(themed()) == "appindicator"


class FakeIdle:
    """GLib.idle_add's contract: keeps calling a callback until it returns False."""

    def __init__(self) -> None:
        self.sources: list[Callable[[], bool]] = []

    def __call__(self, callback: Callable[[], bool]) -> int:
        self.sources.append(callback)
        return len(self.sources)

    def iterate(self) -> None:
        """One pass of the loop: run each source, keep those that ask to run again."""
        self.sources = [source for source in self.sources if source()]


def test_glib_jobs_wait_for_the_loop_run_in_order_and_once() -> None:
    loop, done = FakeIdle(), []
    post = GLibPost(loop)
    post(lambda: done.append("icon"))
    post(lambda: done.append("menu"))
    assert done == []  # nothing runs on the caller's thread
    loop.iterate()
    loop.iterate()
    assert done == ["icon", "menu"]
    assert loop.sources == []


def test_a_failing_job_is_logged_and_the_loop_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    loop, done = FakeIdle(), []
    post = GLibPost(loop)

    def broken() -> None:
        raise ValueError("no such image")

    post(broken)
    post(lambda: done.append("after"))
    with caplog.at_level(logging.ERROR, logger="tray_app.desktop.ui_thread"):
        loop.iterate()
    assert done == ["after"]
    assert loop.sources == []  # not retried either
    assert "a tray update failed" in caplog.text
    assert "no such image" in caplog.text


def test_appkit_jobs_go_through_call_after() -> None:
    queued: list[tuple[Callable[..., None], tuple[Any, ...]]] = []

    def call_after(function: Callable[..., None], *args: Any) -> None:
        queued.append((function, args))  # AppHelper.callAfter: performSelectorOnMainThread

    done: list[str] = []
    AppKitPost(call_after)(lambda: done.append("title"))
    assert done == []
    for function, args in queued:
        function(*args)
    assert done == ["title"]


class FakeWin32Icon:
    """pystray's win32 Icon as we use it: its message table and (once running) its window."""

    def __init__(self) -> None:
        self._message_handlers: dict[int, Callable[[int, int], int]] = {7: lambda _w, _l: 0}
        self._hwnd: int | None = None


def test_win32_jobs_are_posted_to_the_icon_window_and_run_by_its_handler() -> None:
    icon = FakeWin32Icon()
    post_message = mock.Mock(spec=lambda hwnd, msg, wparam, lparam: 1)
    post = Win32Post(icon, post_message)
    assert 7 in icon._message_handlers  # pystray's own handlers are kept
    done: list[str] = []

    post(lambda: done.append("early"))  # before the window exists: queued, nothing posted
    post_message.assert_not_called()
    icon._hwnd = 0x1234  # pystray's run() made its window
    post(lambda: done.append("show"))
    post_message.assert_called_once_with(0x1234, WM_UI_JOB, 0, 0)
    assert done == []
    # the window procedure, on the window's thread, gets the message
    assert icon._message_handlers[WM_UI_JOB](0, 0) == 0
    assert done == ["early", "show"]
    assert icon._message_handlers[WM_UI_JOB](0, 0) == 0  # a second message finds nothing
    assert done == ["early", "show"]


def test_for_icon_chooses_glib_for_both_gtk_backends() -> None:
    pytest.importorskip("gi")
    for module in ("pystray._gtk", "pystray._appindicator"):
        assert isinstance(ui_thread.for_icon(backend_class(module)()), GLibPost)


def test_for_icon_chooses_apphelper_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    app_helper = types.ModuleType("PyObjCTools.AppHelper")
    calls: list[tuple[Any, ...]] = []
    app_helper.callAfter = lambda *args: calls.append(args)  # type: ignore[attr-defined]
    package = types.ModuleType("PyObjCTools")
    package.AppHelper = app_helper  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PyObjCTools", package)
    monkeypatch.setitem(sys.modules, "PyObjCTools.AppHelper", app_helper)

    post = ui_thread.for_icon(backend_class("pystray._darwin")())
    assert isinstance(post, AppKitPost)
    done: list[str] = []
    post(lambda: done.append("x"))
    assert len(calls) == 1 and done == []


def test_for_icon_chooses_the_window_queue_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # pystray's own package picks a display backend when imported: fake the three modules
    win32 = types.ModuleType("pystray._util.win32")
    win32.PostMessage = mock.Mock(spec=lambda hwnd, msg, wparam, lparam: 1)  # type: ignore[attr-defined]
    util = types.ModuleType("pystray._util")
    util.win32 = win32  # type: ignore[attr-defined]
    package = types.ModuleType("pystray")
    package._util = util  # type: ignore[attr-defined]
    for name, module in (("pystray", package), ("pystray._util", util)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setitem(sys.modules, "pystray._util.win32", win32)
    icon = type("Icon", (FakeWin32Icon,), {"__module__": "pystray._win32"})()
    icon._hwnd = 99

    post = ui_thread.for_icon(icon)
    assert isinstance(post, Win32Post)
    post(lambda: None)
    win32.PostMessage.assert_called_once_with(99, WM_UI_JOB, 0, 0)


def test_backends_without_a_loop_run_jobs_at_once() -> None:
    done: list[str] = []
    for module in ("pystray._dummy", "pystray._xorg", "elsewhere"):
        ui_thread.for_icon(backend_class(module)())(lambda: done.append("now"))
    assert done == ["now", "now", "now"]
