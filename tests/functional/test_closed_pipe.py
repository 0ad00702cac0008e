"""`pipeline-tray status | grep -q Off`: a command whose reader has gone ends quietly, 141.

The reader's end of the pipe is closed before the command starts, so its first write (or the
flush at exit) meets a closed pipe every time: what `grep -q` and `head -1` do, made certain.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.aws_names import REGION
from tray_app.commands.closed_pipe import EXIT_CLOSED_PIPE

pytestmark = pytest.mark.functional


def command(endpoint: str, *args: str) -> list[str]:
    """The CLI's command line against the emulator."""
    return [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, *args]


def with_reader_gone(
    endpoint: str, *args: str, buffered: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the CLI with stdout a pipe that nobody reads any more; `buffered` as for a user (the
    write fails at the flush), or PYTHONUNBUFFERED (the write itself fails)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            command(endpoint, *args),
            env=env,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize(
    "args",
    [("status",), ("status", "--json"), ("latest",), ("latest", "--json"), ("stop",)],
)
def test_a_command_whose_reader_went_away_exits_quietly(
    endpoint: str, stack: dict[str, str], args: tuple[str, ...]
) -> None:
    done = with_reader_gone(endpoint, *args)
    assert (done.returncode, done.stderr) == (EXIT_CLOSED_PIPE, "")


def test_an_unbuffered_stdout_fails_at_the_write_and_exits_quietly_too(
    endpoint: str, stack: dict[str, str]
) -> None:
    done = with_reader_gone(endpoint, "status", buffered=False)
    assert (done.returncode, done.stderr) == (EXIT_CLOSED_PIPE, "")


def test_the_work_is_done_even_when_nobody_reads_what_it_says(
    endpoint: str, stack: dict[str, str]
) -> None:
    done = with_reader_gone(endpoint, "start", "--minutes", "30")
    assert (done.returncode, done.stderr) == (EXIT_CLOSED_PIPE, "")
    shown = subprocess.run(
        command(endpoint, "status"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert shown.stdout.startswith("Study session on — held by ")


def test_a_failure_still_says_why_when_stdout_is_closed(endpoint: str) -> None:
    done = with_reader_gone(endpoint, "status")  # no stack: the rule does not exist
    assert done.returncode == 1
    assert done.stderr.startswith("pipeline-tray: ") and "Traceback" not in done.stderr
