"""R7: a garbage config, wrong types, unknown keys or bad flags: exit 2, named, nothing sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.fault_proxy import FaultProxy
from tests.tray_process import REGION, rule

pytestmark = pytest.mark.functional

FILES = {
    "garbage": ("\x00\x01 this is not = = toml [", "not valid TOML"),
    "wrong type": ('poll_seconds = "fast"\n', "poll_seconds must be a whole number"),
    "negative": ("session_minutes = -5\n", "session_minutes must be a whole number"),
    "unknown key": ("pol_seconds = 5\n", "unknown key 'pol_seconds'"),
    "empty rule": ('rule = ""\n', "rule must be a non-empty string"),
}


def run(proxy: FaultProxy, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", proxy.url, "--region", REGION, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", [["start"], ["tray", "--terminal"]])
@pytest.mark.parametrize("case", sorted(FILES))
def test_a_bad_config_file_is_exit_2_naming_file_and_key_and_nothing_reaches_aws(
    stack: dict[str, str], proxy: FaultProxy, tmp_path: Path, case: str, command: list[str]
) -> None:
    text, complaint = FILES[case]
    config = tmp_path / "config.toml"
    config.write_text(text)
    done = run(proxy, "--config", str(config), *command)
    assert done.returncode == 2, done
    (line,) = done.stderr.splitlines()
    assert str(config) in line and complaint in line
    assert proxy.count() == 0
    assert rule() == ("DISABLED", None)


@pytest.mark.parametrize(
    ("args", "env", "complaint"),
    [
        (["start", "--minutes", "-5"], {}, "'-5'"),
        (["start", "--minutes", "lots"], {}, "'lots'"),
        (["start", "--frobnicate"], {}, "--frobnicate"),
        (["launch"], {}, "'launch'"),
        (["start"], {"PIPELINE_TRAY_IDLE_MINUTES": "never"}, "env PIPELINE_TRAY_IDLE_MINUTES"),
        (["start", "--config", "/nonexistent/config.toml"], {}, "config file not found"),
    ],
)
def test_bad_flags_and_variables_are_exit_2_and_nothing_reaches_aws(
    stack: dict[str, str], proxy: FaultProxy, args: list[str], env: dict[str, str], complaint: str
) -> None:
    done = run(proxy, *args, **env)
    assert done.returncode == 2, done
    assert complaint in done.stderr
    assert proxy.count() == 0
    assert rule() == ("DISABLED", None)
