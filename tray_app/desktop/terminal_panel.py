"""The tray's menu as a status line and single keys, for machines without a usable tray."""

from __future__ import annotations

import contextlib
import select
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

from tray_app.core import holds, status_text
from tray_app.core.holds import Judge
from tray_app.core.machine import Phase, State
from tray_app.core.ports import SessionControls

HELP = "keys: s start/stop · j join · e extend +30 min · i invoke · l latest metric · q quit"
PHASE_WORDS = {
    Phase.UNKNOWN: "Checking the rule…",
    Phase.STARTING: "Starting…",
    Phase.STOPPING: "Stopping…",
}


def state_line(
    state: State, now: float, idle_available: bool, judge: Judge, notice: str | None = None
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
        line = status_text.shared_line(on, state.deadline, others, now, coarse=True)
    if state.error:
        line += f"  ! {state.error}"
    if state.phase is Phase.ON and not idle_available:
        line += "  (idle auto-off unavailable on this desktop)"
    return line


class TerminalPanel:
    """Reads keys from `inp`, shows the state on `out`, until q or `stop` is set."""

    def __init__(
        self,
        runner: SessionControls,
        inp: TextIO,
        out: TextIO,
        idle_available: bool,
        *,
        latest: Callable[[], str],
        notice: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.runner = runner
        self.latest = latest
        self.notice = notice
        self.inp = inp
        self.out = out
        self.idle_available = idle_available
        self._shown = ""

    def run(self, stop: threading.Event) -> str:
        """Serve keys until quit (returns "quit") or until `stop` is set (returns "signal")."""
        print(HELP, file=self.out, flush=True)
        with _single_keys(self.inp):
            while not stop.is_set():
                self._show()
                ready, _, _ = select.select([self.inp], [], [], 0.25)
                key = self.inp.read(1) if ready else ""
                if ready and key == "":
                    stop.wait()  # stdin closed (run detached): keep serving until a signal
                    break
                if key.lower() == "q":
                    return "quit"
                self._key(key.lower())
        return "signal"

    def _key(self, key: str) -> None:
        if key == "s":
            self.runner.toggle()
        elif key == "j":
            self.runner.start_session()
        elif key == "e":
            self.runner.extend(30)
        elif key == "i":
            self.runner.invoke()
        elif key == "l":
            self.runner.submit(self._print_latest)

    def _print_latest(self) -> None:
        print(f"Latest metric: {self.latest()}", file=self.out, flush=True)

    def _show(self) -> None:
        line = state_line(
            self.runner.state,
            self.runner.clock(),
            self.idle_available,
            self.runner.settings.judge,
            self.notice(),
        )
        if line != self._shown:
            print(line, file=self.out, flush=True)
            self._shown = line


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
        termios.tcsetattr(stream, termios.TCSADRAIN, saved)
