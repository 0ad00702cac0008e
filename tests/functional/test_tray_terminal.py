"""A real `pipeline-tray tray --terminal` process against the emulator: keys in, signals, exits."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.functional


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


def test_a_second_tray_refuses_and_says_where_the_first_runs(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    first = tray_factory()
    first.wait_line("Off — costs $0", after=0)
    second = tray_factory()
    assert second.proc.wait(timeout=15) == 1
    line = second.wait_line("already running", after=0)
    assert f"pid {first.proc.pid}" in line


def test_a_pending_stop_from_the_last_run_is_applied_at_start(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    marker = tmp_path / "state" / "pipeline-tray" / "pending-stop"
    marker.parent.mkdir(parents=True)
    marker.write_text("x")
    tray = tray_factory()
    tray.wait_line("[Pipeline switched off]", after=0)
    assert rule()[0] == "DISABLED"
    assert not marker.exists()


def test_a_rule_enabled_outside_is_adopted_with_a_deadline(
    stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0", after=0)
    enabled = tray.mark()
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    tray.wait_line("[Pipeline was already on]", after=enabled)
    eventually(lambda: rule()[1] is not None)
    tray.proc.send_signal(signal.SIGINT)
    assert tray.proc.wait(timeout=15) == 0
    assert rule()[0] == "DISABLED"


def test_nothing_secret_reaches_the_logs_or_the_state_files(
    stack: dict[str, str], tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    secrets = {
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7PIPETRAY",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPIPETRAYKEY",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEPIPETRAYSESSIONTOKEN",
    }
    tray = tray_factory(**secrets)
    tray.wait_line("Off — costs $0", after=0)
    tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    pressed = tray.key("i")  # an invoke: it fails in the emulator, and the error is printed
    tray.wait_line("[Invoke failed]", after=pressed)
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
    written = "\n".join(tray.lines)
    for path in (tmp_path / "state").rglob("*"):
        if path.is_file():
            written += path.read_text(errors="replace")
    for name, value in secrets.items():
        assert value not in written, name
        assert value[:12] not in written, name
