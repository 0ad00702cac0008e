"""A real `pipeline-tray tray --terminal` process against the emulator: keys in, signals, exits."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from tests.template_resources import create_pipeline
from tray_app.target_input import deadline_of

pytestmark = pytest.mark.functional
REGION = "eu-west-1"
RULE = "data-collector-schedule"


class Tray:
    """One tray process; its output lines are collected on a thread."""

    def __init__(self, endpoint: str, home: Path, extra_env: dict[str, str] | None = None) -> None:
        env = {
            **os.environ,
            "PIPELINE_TRAY_POLL_SECONDS": "1",
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(home / "run"),
            **(extra_env or {}),
        }
        env.pop("DISPLAY", None)
        # platformdirs ignores a runtime dir that is not private (mode 0700), as systemd makes it
        (home / "run").mkdir(mode=0o700, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tray_app",
                "--endpoint-url",
                endpoint,
                "--region",
                REGION,
                "tray",
                "--terminal",
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)

    def wait_line(self, fragment: str, timeout: float = 15) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in list(self.lines):
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


@pytest.fixture
def stack(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return create_pipeline(boto3.session.Session(region_name=REGION), REGION)


@pytest.fixture
def tray_factory(endpoint: str, tmp_path: Path) -> Iterator[Callable[..., Tray]]:
    started: list[Tray] = []

    def make(**env: str) -> Tray:
        tray = Tray(endpoint, tmp_path, env)
        started.append(tray)
        return tray

    yield make
    for tray in started:
        tray.stop()


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


def test_sigterm_with_a_session_on_disables_the_rule_before_exit(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0")
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    _, deadline = rule()
    assert deadline is not None and abs(deadline - (time.time() + 15 * 60)) < 30  # idle cap
    tray.wait_line("Study session on")
    tray.proc.send_signal(signal.SIGTERM)
    assert tray.proc.wait(timeout=15) == 0
    assert rule() == ("DISABLED", None)
    assert tray.wait_line("pipeline off — bye")
    history = (tmp_path / "state" / "pipeline-tray" / "history.jsonl").read_text().splitlines()
    (entry,) = [json.loads(line) for line in history]
    assert entry["reason"] == "signal"


def test_quit_key_stops_the_session_first(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0")
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
    assert rule() == ("DISABLED", None)


def test_a_second_tray_refuses_and_says_where_the_first_runs(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    first = tray_factory()
    first.wait_line("Off — costs $0")
    second = tray_factory()
    assert second.proc.wait(timeout=15) == 1
    line = second.wait_line("already running")
    assert f"pid {first.proc.pid}" in line


def test_a_pending_stop_from_the_last_run_is_applied_at_start(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    marker = tmp_path / "state" / "pipeline-tray" / "pending-stop"
    marker.parent.mkdir(parents=True)
    marker.write_text("x")
    tray = tray_factory()
    tray.wait_line("[Pipeline switched off]")
    assert rule()[0] == "DISABLED"
    assert not marker.exists()


def test_a_rule_enabled_outside_is_adopted_with_a_deadline(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0")
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    tray.wait_line("[Pipeline was already on]")
    eventually(lambda: rule()[1] is not None)
    tray.proc.send_signal(signal.SIGINT)
    assert tray.proc.wait(timeout=15) == 0
    assert rule()[0] == "DISABLED"
