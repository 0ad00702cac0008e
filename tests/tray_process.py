"""A real `pipeline-tray tray --terminal` process and the emulator checks its tests share."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import boto3

from tray_app.aws.target_input import deadline_of

REGION = "eu-west-1"
RULE = "data-collector-schedule"


class Tray:
    """One tray process; its output lines are collected on a thread."""

    def __init__(
        self,
        endpoint: str,
        home: Path,
        extra_env: dict[str, str] | None = None,
        terminal: bool = True,
        unset: tuple[str, ...] = (),
        prefix: tuple[str, ...] = (),
        program: tuple[str, ...] = (sys.executable, "-m", "tray_app"),
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
        self.proc = subprocess.Popen(
            [
                *prefix,  # e.g. a wrapper that gives the process a full disk
                *program,  # this checkout's code, or an installed `pipeline-tray`
                "--endpoint-url",
                endpoint,
                "--region",
                REGION,
                "tray",
                *(["--terminal"] if terminal else []),
            ],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._start_reader()

    def _start_reader(self) -> None:
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)

    def mark(self) -> int:
        """A cursor: pass it to wait_line to see only lines printed from now on."""
        return len(self.lines)

    def wait_line(self, fragment: str, timeout: float = 15, after: int = 0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in list(self.lines)[after:]:
                if fragment in line:
                    return line
            with contextlib.suppress(queue.Empty):
                self._new.get(timeout=0.2)
        raise AssertionError(f"no line with {fragment!r} in {self.lines}")

    def key(self, key: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(key)
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def rule() -> tuple[str, int | None]:
    events = boto3.client("events", region_name=REGION)
    (target,) = events.list_targets_by_rule(Rule=RULE)["Targets"]
    return events.describe_rule(Name=RULE)["State"], deadline_of(dict(target))


def eventually(check: Callable[[], bool], timeout: float = 15) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def start_session(tray: Tray) -> None:
    """Press `s` in a freshly started tray and wait for the session and the enabled rule."""
    tray.wait_line("Off — costs $0")
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    tray.wait_line("Study session on")
