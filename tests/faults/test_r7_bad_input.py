"""R7: a garbage config, wrong types, unknown keys or variables, a region botocore does not know,
bad flags: exit 2, named, nothing sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aws_names import REGION
from tests.faults.fault_proxy import FaultProxy
from tests.tray_process import rule

pytestmark = pytest.mark.functional

FILES = {
    "garbage": ("\x00\x01 this is not = = toml [", "not valid TOML"),
    "wrong type": ('poll_seconds = "fast"\n', "poll_seconds must be a whole number"),
    "quoted number": (
        'session_minutes = "30"\n',
        "session_minutes must be a whole number from 1 to 1440, got '30'",
    ),
    "negative": ("session_minutes = -5\n", "session_minutes must be a whole number"),
    "unknown key": ("pol_seconds = 5\n", "unknown key 'pol_seconds'"),
    "empty rule": ('rule = ""\n', "rule must be a non-empty string"),
}


def run(
    proxy: FaultProxy, *args: str, region: str | None = REGION, **env: str
) -> subprocess.CompletedProcess[str]:
    where = ["--region", region] if region else []
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", proxy.url, *where, *args],
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
        (
            ["start"],
            {"PIPELINE_TRAY_POLL_SECOND": "1"},
            "environment: unknown variable PIPELINE_TRAY_POLL_SECOND; "
            "did you mean PIPELINE_TRAY_POLL_SECONDS?",
        ),
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


TYPO = "region 'eu-wset-1' is not an AWS region botocore knows; did you mean 'eu-west-1'?"


@pytest.mark.parametrize("command", [["start"], ["tray", "--terminal"]])
@pytest.mark.parametrize("source", ["flag", "env", "file", "profile"])
def test_a_region_typo_is_exit_2_naming_where_it_came_from_even_with_an_emulator(
    stack: dict[str, str], proxy: FaultProxy, tmp_path: Path, source: str, command: list[str]
) -> None:
    # Without the check: "AWS could not answer DescribeRule (500)" from the emulator, or
    # "cannot reach AWS" from a host name that does not exist.
    config = tmp_path / "config.toml"
    config.write_text("")
    aws_config = tmp_path / "aws-config"
    aws_config.write_text("[profile study]\nregion = eu-wset-1\n")
    flag, env, where = {
        "flag": (["--region", "eu-wset-1"], {}, "flag --region"),
        "env": ([], {"AWS_REGION": "eu-wset-1"}, "env AWS_REGION"),
        "file": ([], {}, f"file {config}"),
        "profile": (
            [],
            {"AWS_CONFIG_FILE": str(aws_config), "AWS_PROFILE": "study"},
            f"{aws_config}, profile study",
        ),
    }[source]
    if source == "file":
        config.write_text('region = "eu-wset-1"\n')
    done = run(proxy, "--config", str(config), *flag, *command, region=None, **env)
    assert done.returncode == 2, done
    (line,) = done.stderr.splitlines()
    assert line == f"pipeline-tray: {where}: {TYPO}"
    assert proxy.count() == 0
    assert rule() == ("DISABLED", None)
