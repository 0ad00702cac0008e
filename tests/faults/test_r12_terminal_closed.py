"""R12: the terminal window that runs the panel is closed during a session (EOF on stdin, SIGHUP
and a dead tty, all at once). Every time, the process releases its hold, switches the rule off
(it held the only hold) and exits; the instance lock is free for the next start."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.tray_process import eventually, rule, tray_command
from tray_app.desktop.instance_lock import InstanceLock

pytestmark = pytest.mark.functional
CLOSINGS = 20  # the hang it guards against showed about twice in ten closings
EXIT_SECONDS = 10.0


class TerminalTray:
    """A tray panel on a pseudo-terminal of its own, as a terminal window runs it."""

    def __init__(self, endpoint: str, home: Path) -> None:
        self.master, slave = pty.openpty()
        env = {
            **os.environ,
            "PIPELINE_TRAY_POLL_SECONDS": "1",
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(home / "run"),
        }
        env.pop("DISPLAY", None)
        (home / "run").mkdir(mode=0o700, exist_ok=True)
        # setsid --ctty: a session of its own whose controlling terminal is the pty, so closing
        # the pty's master sends it SIGHUP as closing a terminal window does
        self.proc = subprocess.Popen(
            ["setsid", "--ctty", *tray_command(endpoint)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
        )
        os.close(slave)
        self.output = bytearray()
        self._closing = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        # Never block in read(): a read in progress would keep the master open after close().
        while not self._closing.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: the other side is gone
                return
            if not chunk:
                return
            self.output += chunk

    def seen(self, text: str) -> bool:
        """Whether the terminal has shown `text` so far."""
        return text.encode() in self.output

    def type(self, key: str) -> None:
        """Type one key into the terminal."""
        os.write(self.master, key.encode())

    def close(self) -> None:
        """Close the terminal window: the pty's master goes away."""
        self._closing.set()
        self._reader.join(timeout=5)
        os.close(self.master)


def test_closing_the_terminal_during_a_session_releases_the_rule_every_time(
    stack: dict[str, str], endpoint: str, tmp_path: Path
) -> None:
    exits: list[float] = []
    for closing in range(CLOSINGS):
        tray = TerminalTray(endpoint, tmp_path)
        try:
            eventually(lambda t=tray: t.seen("Off — costs $0"), timeout=30)  # type: ignore[misc]
            tray.type("s")
            eventually(lambda: rule()[0] == "ENABLED", timeout=15)
            eventually(lambda t=tray: t.seen("Study session on"), timeout=15)  # type: ignore[misc]
            closed = time.monotonic()
            tray.close()
            try:
                tray.proc.wait(timeout=EXIT_SECONDS)
            except subprocess.TimeoutExpired:
                pytest.fail(f"closing {closing + 1}: still running {EXIT_SECONDS} s later")
            exits.append(time.monotonic() - closed)
            assert rule()[0] == "DISABLED", f"closing {closing + 1}: the rule is still on"
        finally:
            if tray.proc.poll() is None:
                tray.proc.kill()
                tray.proc.wait(timeout=10)
    lock = InstanceLock(tmp_path / "run" / "pipeline-tray" / "tray.lock")
    lock.acquire()  # free: no process of ours is left holding it
    lock.release()
    assert len(exits) == CLOSINGS and max(exits) < EXIT_SECONDS
