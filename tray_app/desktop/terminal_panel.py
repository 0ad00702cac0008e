"""The tray's menu as a status line and single keys, for machines without a usable tray."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import tzinfo
from typing import Protocol, TextIO

from tray_app.core import holds, status_text
from tray_app.core.holds import Judge
from tray_app.core.machine import Phase, State
from tray_app.core.ports import SessionControls
from tray_app.core.user_actions import PANEL_HELP, Choice, UserAction, for_key
from tray_app.desktop import keys
from tray_app.desktop.local_zone import LOCAL

REDRAW_SECONDS = 5.0  # the line's coarsest change is "N min left": at most this late
PHASE_WORDS = {
    Phase.UNKNOWN: "Checking the rule…",
    Phase.STARTING: "Starting…",
    Phase.STOPPING: "Stopping…",
}


def state_line(
    state: State,
    now: float,
    idle_available: bool,
    judge: Judge,
    notice: str | None = None,
    *,
    zone: tzinfo = LOCAL,
    idle_reason: str = "",
) -> str:
    """One line: the session, who holds it, time left, errors, whether idle auto-off works."""
    if notice and state.phase is Phase.UNKNOWN:
        return notice
    if state.phase in PHASE_WORDS:
        line = PHASE_WORDS[state.phase]
    else:
        others = holds.others(state.shared, now, judge)
        # coarse: each change is a new printed line, so at most one a minute
        on = state.phase is Phase.ON
        line = status_text.shared_line(
            on, state.ours.deadline, others, now, judge=judge, tz=zone, coarse=True
        )
    if state.error:
        line += f"  ! {state.error}"
    if state.phase is Phase.ON and not idle_available:
        why = f": {idle_reason}" if idle_reason else " on this desktop"
        line += f"  (idle auto-off unavailable{why})"
    return line


class ExitSignal(Protocol):
    """Whether the app was asked to exit, and a way to wait for it."""

    def is_set(self) -> bool:
        """True once an exit was requested."""

    def wait(self, timeout: float | None = None) -> bool:
        """Block until an exit is requested (or `timeout`)."""


class TerminalPanel:
    """Reads keys from `inp`, shows the state on `out`, until q or `stop` is set. A key is
    forwarded as the same choice as its menu item (`core/user_actions.py`)."""

    def __init__(
        self,
        session: SessionControls,
        inp: TextIO,
        out: TextIO,
        idle_available: bool,
        *,
        on_action: Callable[[Choice], None],
        notice: Callable[[], str | None] = lambda: None,
        idle_reason: str = "",
    ) -> None:
        self.session = session
        self.on_action = on_action
        self.notice = notice
        self.inp = inp
        self.out = out
        self.idle_available = idle_available
        self.idle_reason = idle_reason
        self._shown = ""
        self._wrong_clocks = status_text.WrongClocks()  # each is named once
        # a byte here wakes the key wait: the session changed, or the app is asked to exit
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    def poke(self) -> None:
        """Redraw soon (any thread): the session changed, or the app is asked to exit."""
        with contextlib.suppress(OSError):  # a full pipe: a redraw is coming anyway
            os.write(self._wake_w, b".")

    def run(self, stop: ExitSignal) -> str:
        """Serve keys until quit (returns "quit"), until `stop` is set (returns "signal"), or
        until the terminal goes away (returns "signal": as its hangup would)."""
        print(PANEL_HELP, file=self.out, flush=True)
        with _single_keys(self.inp):
            # select() on POSIX, woken by poke(); msvcrt or a thread on Windows
            reader = keys.choose(self.inp, wake_fd=self._wake_r)
            # Woken at each change, the panel need only look by itself for the minute shown.
            patience = REDRAW_SECONDS if reader.wakes else 0.25
            while not stop.is_set():
                self._show()
                try:
                    typed = reader.read_keys(patience)
                except (OSError, ValueError):  # EIO: the terminal window was closed
                    return "signal"
                if typed is None:
                    stop.wait()  # stdin closed (run detached): keep serving until a signal
                    break
                for key in typed:
                    choice = for_key(key)
                    if choice is not None and choice.action is UserAction.QUIT:
                        return "quit"
                    if choice is not None:
                        self.on_action(choice)
                        self._show()
        return "signal"

    def _show(self) -> None:
        line = state_line(
            self.session.state,
            self.session.clock(),
            self.idle_available,
            self.session.settings.judge,
            self.notice(),
            idle_reason=self.idle_reason,
        )
        if line != self._shown:
            print(line, file=self.out, flush=True)
            self._shown = line
        self._name_wrong_clocks()

    def _name_wrong_clocks(self) -> None:
        now, judge = self.session.clock(), self.session.settings.judge
        others = holds.others(self.session.state.shared, now, judge)
        for note in self._wrong_clocks.news(others, now, LOCAL, judge):
            print(note, file=self.out, flush=True)


@contextlib.contextmanager
def _single_keys(stream: TextIO) -> Iterator[None]:
    """cbreak mode on a terminal (keys without Enter); nothing to do for a pipe."""
    if not stream.isatty() or sys.platform == "win32":
        yield
        return
    import termios  # noqa: PLC0415 - POSIX terminals only
    import tty  # noqa: PLC0415

    saved = termios.tcgetattr(stream)
    tty.setcbreak(stream)
    try:
        yield
    finally:
        # a terminal that went away cannot be restored, and need not be
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(stream, termios.TCSADRAIN, saved)
