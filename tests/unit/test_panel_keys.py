"""The terminal panel's keys without select() on Windows: msvcrt's console (a fake with msvcrt's
spec here), a reader thread for a redirected stdin, select() elsewhere."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Iterator
from unittest.mock import Mock

import pytest

from tray_app.core.machine import Phase, State
from tray_app.core.state import Settings
from tray_app.core.user_actions import Choice, UserAction
from tray_app.desktop import keys
from tray_app.desktop.keys.reader_thread import ThreadKeys
from tray_app.desktop.keys.select_keys import SelectKeys
from tray_app.desktop.keys.windows_console import POLL_SECONDS, Console, ConsoleKeys
from tray_app.desktop.terminal_panel import TerminalPanel


def console(*typed: str, waits: int = 0) -> Mock:
    """A console where `typed` keys arrive after `waits` empty polls."""
    fake = Mock(spec=Console)
    fake.kbhit.side_effect = [False] * waits + [True] * len(typed) + [False] * 1000
    fake.getwch.side_effect = list(typed)
    return fake


class FakeTime:
    """A clock that moves only when the reader pauses."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def test_a_console_key_is_read_when_kbhit_says_one_is_waiting() -> None:
    time = FakeTime()
    reader = ConsoleKeys(console("s", waits=3), time.clock, time.pause)
    assert reader.read_keys(0.25) == "s"
    assert time.pauses == [POLL_SECONDS] * 3


def test_no_key_within_the_timeout_is_an_empty_string_never_the_end() -> None:
    time = FakeTime()
    fake = console()
    reader = ConsoleKeys(fake, time.clock, time.pause)
    assert reader.read_keys(0.05) == ""
    assert sum(time.pauses) == pytest.approx(0.05) and max(time.pauses) <= POLL_SECONDS
    fake.getwch.assert_not_called()
    assert reader.read_keys(0) == ""  # the panel's loop can ask again at once


def test_an_arrow_key_is_swallowed_whole() -> None:
    reader = ConsoleKeys(console("\xe0", "H", "\x00", ";", "q"), FakeTime().clock)
    assert [reader.read_keys(0), reader.read_keys(0), reader.read_keys(0)] == ["", "", "q"]


@pytest.fixture
def pipe() -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    reader, writer = os.pipe()
    with os.fdopen(reader, "r") as inp, os.fdopen(writer, "w") as out:
        yield inp, out


def test_a_redirected_stdin_is_read_by_a_thread_until_it_ends(
    pipe: tuple[io.TextIOWrapper, io.TextIOWrapper],
) -> None:
    inp, out = pipe
    reader = ThreadKeys(inp)
    assert reader.read_keys(0) == ""  # nothing written yet
    out.write("sq")
    out.flush()
    assert [reader.read_keys(10), reader.read_keys(10)] == ["s", "q"]
    out.close()
    assert reader.read_keys(10) is None
    assert reader.read_keys(0) is None  # and stays ended


def test_the_reader_is_chosen_by_platform_and_stream(
    pipe: tuple[io.TextIOWrapper, io.TextIOWrapper], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "msvcrt", console())
    terminal = Mock(spec=io.TextIOWrapper)
    terminal.isatty.return_value = True
    assert isinstance(keys.choose(terminal, "win32"), ConsoleKeys)
    assert isinstance(keys.choose(pipe[0], "win32"), ThreadKeys)
    assert isinstance(keys.choose(pipe[0], "linux"), SelectKeys)
    assert isinstance(keys.choose(pipe[0], "darwin"), SelectKeys)


class Session:
    """What the panel reads of a running session."""

    settings = Settings()
    state = State(phase=Phase.OFF)

    def clock(self) -> float:
        return 1_800_000_000.0


def test_the_panel_on_windows_reads_the_console_not_select(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    msvcrt = console("s", "q", waits=2)
    monkeypatch.setitem(sys.modules, "msvcrt", msvcrt)
    monkeypatch.setattr(sys, "platform", "win32")
    terminal = Mock(spec=io.TextIOWrapper)  # no fileno(): select() on it would raise
    terminal.isatty.return_value = True
    chosen: list[Choice] = []
    panel = TerminalPanel(
        Session(),  # type: ignore[arg-type]
        terminal,
        io.StringIO(),
        idle_available=True,
        on_action=chosen.append,
    )
    stop, said = threading.Event(), []
    serving = threading.Thread(target=lambda: said.append(panel.run(stop)), daemon=True)
    serving.start()
    serving.join(10)  # returns as soon as the panel has read "q"
    stop.set()  # a panel that never got its "q" ends here instead of hanging the suite
    serving.join(10)
    assert said == ["quit"]
    assert chosen == [Choice(UserAction.TOGGLE)]
    assert msvcrt.getwch.call_count == 2
    terminal.read.assert_not_called()


def test_a_poke_ends_the_wait_for_keys_early_and_keys_still_arrive() -> None:
    read_end, write_end = os.pipe()
    wake_r, wake_w = os.pipe()
    with os.fdopen(read_end, "r") as stream:
        reader = SelectKeys(stream, wake_fd=wake_r)
        assert reader.wakes
        os.write(wake_w, b"..")  # two pokes: one redraw
        started = time.monotonic()
        assert reader.read_keys(30) == ""
        assert time.monotonic() - started < 5  # not the 30 s the panel would wait
        os.write(write_end, b"sq")
        assert reader.read_keys(30) == "sq"  # every key typed together
        os.close(write_end)
        assert reader.read_keys(30) is None
    os.close(wake_r)
    os.close(wake_w)
