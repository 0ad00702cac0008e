"""The guardian process on its own, fed by the test as its tray would feed it: it releases only
a hold that is still there, so a tray that released in its last moments is not recorded twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aws_names import REGION
from tests.faults.lambda_runs import session_holds
from tests.tray_process import rule
from tray_app.app import config
from tray_app.commands.guardian_protocol import Hello, Kept, encode_hello, encode_kept

pytestmark = pytest.mark.functional


def cli_start(endpoint: str, home: Path) -> str:
    """Another device's CLI starts a session; returns its holder id."""
    done = subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, "start"],
        env={**os.environ, "XDG_STATE_HOME": str(home / "state")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return (home / "state" / "pipeline-tray" / "device-id").read_text().strip() + "/cli"


def test_a_hold_gone_before_the_pipe_closed_is_not_released_or_recorded_again(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    theirs = cli_start(endpoint, tmp_path / "other")
    state, run = tmp_path / "state", tmp_path / "run"
    run.mkdir(mode=0o700)
    env = {**os.environ, "XDG_STATE_HOME": str(state), "XDG_RUNTIME_DIR": str(run)}
    resolved = config.load({"endpoint_url": endpoint, "region": REGION}, env)
    guardian = subprocess.Popen(
        [sys.executable, "-m", "tray_app.commands.guardian_process"],
        stdin=subprocess.PIPE,
        env=env,
    )
    assert guardian.stdin is not None
    # What a tray says when it was killed right after releasing: it still keeps, as last told.
    guardian.stdin.write(encode_hello(Hello(resolved, "this-device", 999_999)))
    guardian.stdin.write(encode_kept(Kept(True, 1000.0, 0, 180)))
    guardian.stdin.close()  # the tray ends without its goodbye
    assert guardian.wait(timeout=60) == 0
    assert rule()[0] == "ENABLED"
    assert list((session_holds(stack) or {}).keys()) == [theirs]
    assert not (state / "pipeline-tray" / "history.jsonl").exists()
