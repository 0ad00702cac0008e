"""A real `pipeline-tray tray --terminal` process and the emulator checks its tests share."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import boto3

from tests.aws_names import REGION, RULE
from tray_app.aws.target_input import OFF_SWITCH_ID, deadline_of


class OutputLines:
    """The output of a running process, line by line, collected on a thread.

    Waits take a cursor (`mark()`, taken before the action they wait on), so a line printed
    before the action can never satisfy them.
    """

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.stamps: list[float] = []  # time.monotonic() when lines[i] arrived
        self._new: queue.Queue[str] = queue.Queue()
        self.ended = threading.Event()  # set once the output is read to its end
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.stamps.append(time.monotonic())
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)
        self.ended.set()

    def mark(self) -> int:
        """A cursor: pass it to wait_line to see only lines printed from now on."""
        return len(self.lines)

    def wait_line(self, fragment: str, timeout: float = 15, *, after: int) -> str:
        """The first line from cursor `after` on that contains `fragment`."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in list(self.lines)[after:]:
                if fragment in line:
                    return line
            with contextlib.suppress(queue.Empty):
                self._new.get(timeout=0.2)
        raise AssertionError(f"no line with {fragment!r} after line {after} in {self.lines}")

    def index(self, fragment: str, *, after: int) -> int:
        """The position of the first line from `after` on that contains `fragment` (it must
        be there already)."""
        for n, line in enumerate(list(self.lines)[after:], start=after):
            if fragment in line:
                return n
        raise AssertionError(f"no line with {fragment!r} after line {after} in {self.lines}")

    def key(self, key: str) -> int:
        """Type `key`; returns the cursor from just before it."""
        cursor = self.mark()
        assert self.proc.stdin is not None
        self.proc.stdin.write(key)
        self.proc.stdin.flush()
        return cursor

    def stop(self) -> None:
        """Kill the process if it still runs, and close its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def tray_command(endpoint: str, *, terminal: bool = True) -> list[str]:
    """The command line of a tray against the emulator at `endpoint`, from this checkout."""
    return [
        sys.executable,
        "-m",
        "tray_app",
        "--endpoint-url",
        endpoint,
        "--region",
        REGION,
        "tray",
        *(["--terminal"] if terminal else []),
    ]


class Tray(OutputLines):
    """One `pipeline-tray tray` process against the emulator, polling every second."""

    def __init__(
        self,
        endpoint: str,
        home: Path,
        extra_env: dict[str, str] | None = None,
        terminal: bool = True,
        unset: tuple[str, ...] = (),
        prefix: tuple[str, ...] = (),
        program: tuple[str, ...] = (),
        cwd: Path | None = None,
    ) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if k not in unset},
            "PIPELINE_TRAY_POLL_SECONDS": "1",
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(home / "run"),
            **(extra_env or {}),
        }
        if terminal and "DISPLAY" not in (extra_env or {}):
            env.pop("DISPLAY", None)  # the panel alone; a DISPLAY given adds desktop notifications
        # platformdirs ignores a runtime dir that is not private (mode 0700), as systemd makes it
        (home / "run").mkdir(mode=0o700, exist_ok=True)
        self.home = home
        command = tray_command(endpoint, terminal=terminal)
        if program:  # an installed `pipeline-tray` instead of this checkout's code
            command = [*program, *command[3:]]
        proc = subprocess.Popen(
            [*prefix, *command],  # prefix: e.g. a wrapper that gives the process a full disk
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        super().__init__(proc)

    def die(self) -> None:
        """The machine dies: the tray and its guardian are killed at once, nothing releases."""
        for pid in processes_of(self.home):
            if pid != self.proc.pid:
                os.kill(pid, signal.SIGKILL)
        self.proc.kill()
        self.proc.wait(timeout=10)


def processes_of(home: Path) -> list[int]:
    """The live pids run with `home`'s state directory: its trays and their guardians (a
    guardian outlives its tray, so it is found by what it inherited, not by its parent)."""
    found = []
    wanted = f"XDG_STATE_HOME={home / 'state'}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if wanted in env and state != "Z":  # a zombie runs nothing: its parent reaps it
            found.append(int(entry.name))
    return found


def rule() -> tuple[str, int | None]:
    """The rule's state and the session deadline the off switch's target carries."""
    events = boto3.client("events", region_name=REGION)
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    (target,) = [t for t in targets if t["Id"] == OFF_SWITCH_ID]
    return events.describe_rule(Name=RULE)["State"], deadline_of(dict(target))


def eventually(check: Callable[[], bool], timeout: float = 15) -> None:
    """Wait until `check()` holds; fail after `timeout` seconds."""
    if not soon(check, timeout):
        raise AssertionError("condition not reached in time")


def soon(check: Callable[[], bool], timeout: float, every: float = 0.1) -> bool:
    """Whether `check()` comes to hold within `timeout` seconds; True as soon as it does. For
    an action that may have been lost (a key sent before a menu took the keyboard): try it
    again when this says False."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(every)
    return True


def start_session(tray: Tray) -> None:
    """Press `s` in a freshly started tray and wait for the session and the enabled rule."""
    tray.wait_line("Off — costs $0", after=0)
    pressed = tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    tray.wait_line("Study session on", after=pressed)
