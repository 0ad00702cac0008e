"""TrayView hands every icon change to the UI thread's queue; workers never touch the icon."""

from __future__ import annotations

import os
import sys
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.unit.test_menu_model import FACTS, NOW
from tray_app.core.machine import Phase, State
from tray_app.core.state import Ours
from tray_app.desktop import tray_view, ui_thread

PUBLIC = ("icon", "title", "menu", "visible")


class FakeIcon:
    """pystray's Icon as the view uses it; records which thread changed what."""

    HAS_MENU = True
    __module__ = "pystray._gtk"

    def __init__(self, name: str, icon: Any, title: str, menu: Any) -> None:
        self.changes: list[tuple[str, str]] = []
        self.menu, self.icon, self.title = menu, icon, title
        self.changes.clear()  # the constructor's own sets are pystray's, on the main thread
        self.menus_built: list[list[Any]] = []

    def __setattr__(self, name: str, value: object) -> None:
        if name in PUBLIC:
            self.changes.append((name, threading.current_thread().name))
        object.__setattr__(self, name, value)

    def update_menu(self) -> None:
        self.changes.append(("update_menu", threading.current_thread().name))
        self.menus_built.append(self.menu.items())

    def stop(self) -> None:
        self.changes.append(("stop", threading.current_thread().name))


class FakeMenu:
    SEPARATOR = object()

    def __init__(self, *items: Any) -> None:
        self._items = items

    def items(self) -> list[Any]:
        (source,) = self._items
        return list(source())


class Queue:
    """The UI thread's queue: jobs wait until the test (the 'UI thread') runs them."""

    def __init__(self) -> None:
        self.jobs: list[Callable[[], None]] = []

    def __call__(self, job: Callable[[], None]) -> None:
        self.jobs.append(job)

    def drain(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            job()


@pytest.fixture
def view(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[tray_view.TrayView, Queue]]:
    fake = types.ModuleType("pystray")
    fake.Icon = FakeIcon  # type: ignore[attr-defined]
    fake.Menu = FakeMenu  # type: ignore[attr-defined]
    fake.MenuItem = lambda text, action, **kwargs: (text, kwargs.get("default"))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pystray", fake)
    queue = Queue()
    monkeypatch.setattr(ui_thread, "for_icon", lambda icon: queue)
    monkeypatch.setenv("GDK_GL", "")  # so that the value TrayView sets is undone after the test
    monkeypatch.delenv("GDK_GL")
    yield tray_view.TrayView(lambda: FACTS, lambda action: None, lambda: NOW), queue


def render_on_a_worker(view: tray_view.TrayView, state: State) -> None:
    worker = threading.Thread(target=view.render, args=(state,), name="poll-worker")
    worker.start()
    worker.join()


def test_render_from_a_worker_changes_nothing_until_the_ui_thread_runs_the_job(
    view: tuple[tray_view.TrayView, Queue],
) -> None:
    tray, queue = view
    icon: FakeIcon = tray.icon
    render_on_a_worker(tray, State(phase=Phase.OFF))
    assert icon.changes == []
    assert len(queue.jobs) == 1

    queue.drain()  # on this, the main thread
    main = threading.current_thread().name
    assert icon.changes == [("icon", main), ("title", main), ("update_menu", main)]
    assert icon.icon.info["theme-name"] == "pipeline-tray-off"
    assert ("Start study session", True) in icon.menus_built[-1]


def test_renders_before_the_job_runs_collapse_into_the_newest(
    view: tuple[tray_view.TrayView, Queue],
) -> None:
    tray, queue = view
    icon: FakeIcon = tray.icon
    render_on_a_worker(tray, State(phase=Phase.OFF))
    render_on_a_worker(tray, State(phase=Phase.STARTING))
    render_on_a_worker(tray, State(phase=Phase.ON, ours=Ours(deadline=NOW + 3600)))
    assert len(queue.jobs) == 1
    queue.drain()
    assert icon.icon.info["theme-name"] == "pipeline-tray-on"
    assert [name for name, _ in icon.changes] == ["icon", "title", "update_menu"]

    icon.changes.clear()
    render_on_a_worker(tray, State(phase=Phase.ON, ours=Ours(deadline=NOW + 3600)))  # nothing new
    queue.drain()
    assert icon.changes == []


def test_show_and_stop_also_go_through_the_ui_thread(
    view: tuple[tray_view.TrayView, Queue],
) -> None:
    tray, queue = view
    icon: FakeIcon = tray.icon
    seen: list[object] = []

    def run(setup: Callable[[Any], None]) -> None:  # pystray's run: setup on its own thread
        thread = threading.Thread(target=setup, args=(icon,), name="setup")
        thread.start()
        thread.join()

    object.__setattr__(icon, "run", run)
    tray.run(seen.append)
    stopper = threading.Thread(target=tray.stop, name="quit-watcher")
    stopper.start()
    stopper.join()
    assert seen == [icon]
    assert icon.changes == []
    queue.drain()
    main = threading.current_thread().name
    # GTK's title set again once visible (desktop/gtk_title.py), all on the UI thread
    assert icon.changes == [("visible", main), ("title", main), ("title", main), ("stop", main)]


def test_gtk_is_told_to_leave_gl_alone_unless_the_user_chose(
    view: tuple[tray_view.TrayView, Queue], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert os.environ["GDK_GL"] == "disable"
    monkeypatch.setenv("GDK_GL", "always")
    tray_view.keep_gl_out()
    assert os.environ["GDK_GL"] == "always"
