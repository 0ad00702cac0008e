"""`pipeline-tray status/start/stop/invoke/latest` as real processes against the emulator."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.aws_names import REGION
from tests.template_resources import create_pipeline
from tray_app.aws.target_input import OFF_SWITCH_ID, deadline_of

pytestmark = pytest.mark.functional


@pytest.fixture
def stack(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # for this test's own boto3 calls
    return create_pipeline(boto3.session.Session(region_name=REGION), REGION)


def cli(
    endpoint: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def rule(name: str = "data-collector-schedule") -> tuple[str, int | None]:
    events = boto3.client("events", region_name=REGION)
    state = events.describe_rule(Name=name)["State"]
    targets = events.list_targets_by_rule(Rule=name)["Targets"]
    (target,) = [t for t in targets if t["Id"] == OFF_SWITCH_ID]
    return state, deadline_of(dict(target))


def test_start_then_stop(endpoint: str, stack: dict[str, str]) -> None:
    before = time.time()
    done = cli(endpoint, "start", "--minutes", "30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Study session on — 30 min left (auto-off ")
    state, deadline = rule()
    assert state == "ENABLED"
    # the function's copy of the deadline allows for other clocks: 3 minutes of grace
    assert deadline is not None and before + 1980 - 1 <= deadline <= time.time() + 1980

    done = cli(endpoint, "stop")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Off — costs $0  [rule data-collector-schedule DISABLED]\n"
    assert rule() == ("DISABLED", None)


def test_start_uses_the_configured_session_length(endpoint: str, stack: dict[str, str]) -> None:
    done = cli(endpoint, "start", env={"PIPELINE_TRAY_SESSION_MINUTES": "90"})
    assert done.returncode == 0, done.stderr
    _, deadline = rule()
    assert deadline is not None and abs(deadline - (time.time() + 90 * 60 + 180)) < 30


def test_status_json(endpoint: str, stack: dict[str, str]) -> None:
    done = cli(endpoint, "status", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "rule": "data-collector-schedule",
        "rule_state": "DISABLED",
        "session_deadline": None,
        "seconds_left": None,
        "latest_metric": None,
        "holds": [],
    }
    cli(endpoint, "start", "--minutes", "10")
    put_metric(stack, stamp=1_795_700_000, cpu=3.25)
    status: dict[str, Any] = json.loads(cli(endpoint, "status", "--json").stdout)
    assert status["rule_state"] == "ENABLED"
    assert status["session_deadline"].endswith("Z") and 680 < status["seconds_left"] <= 780
    (hold,) = status["holds"]
    assert hold["holder"].endswith("/cli") and hold["name"].endswith(" (cli)")
    assert hold["ends"].endswith("Z") and hold["heartbeat"] is False
    assert status["latest_metric"]["timestamp"] == 1_795_700_000
    human = cli(endpoint, "status").stdout.splitlines()
    me = f"{socket.gethostname()} (cli)"
    assert human[0].startswith(
        (f"Study session on — held by {me}, 10 min", f"Study session on — held by {me}, 9 min")
    )
    assert human[1].startswith("Latest metric: CPU 3.2 % · Mem 41 % · ")


def put_metric(stack: dict[str, str], stamp: int, cpu: float) -> None:
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=stack["table"],
        Item={
            "collection_id": {"S": f"c-{stamp}"},
            "record_type": {"S": "metrics"},
            "timestamp": {"N": str(stamp)},
            "timestamp_iso": {"S": "2026-11-26T13:33:20Z"},
            "cpu_percent": {"N": str(cpu)},
            "memory_used_percent": {"N": "41.2"},
            "s3_key": {"S": f"metrics-{stamp}.json"},
        },
    )


def test_latest_json_is_the_newest_record_with_numbers_as_numbers(
    endpoint: str, stack: dict[str, str]
) -> None:
    assert cli(endpoint, "latest", "--json").stdout == "null\n"
    put_metric(stack, stamp=1_795_700_000, cpu=1.5)
    put_metric(stack, stamp=1_795_700_300, cpu=7.0)
    record = json.loads(cli(endpoint, "latest", "--json").stdout)
    assert record["timestamp"] == 1_795_700_300 and isinstance(record["timestamp"], int)
    assert record["timestamp_iso"] == "2026-11-26T13:33:20Z"
    assert record["cpu_percent"] == 7


def test_bad_config_is_exit_2_and_touches_nothing(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text('idle_minutes = "soon"\n')
    done = cli(endpoint, "--config", str(bad), "start")
    assert done.returncode == 2
    assert done.stderr == (
        f"pipeline-tray: file {bad}: idle_minutes must be a whole number of 1 or more, got 'soon'\n"
    )
    assert rule() == ("DISABLED", None)


def test_bad_minutes_is_a_usage_error(endpoint: str, stack: dict[str, str]) -> None:
    done = cli(endpoint, "start", "--minutes", "-5")
    assert done.returncode == 2
    assert "must be a whole number of minutes, from 1 to 1440: '-5'" in done.stderr
    assert rule() == ("DISABLED", None)


@pytest.mark.parametrize("command", ["status", "start", "stop"])
def test_missing_rule_is_exit_1_with_the_deploy_hint(endpoint: str, command: str) -> None:
    done = cli(endpoint, command)
    assert done.returncode == 1
    assert done.stderr == (
        "pipeline-tray: rule data-collector-schedule in eu-west-1 not found: "
        "run `pipeline-tray deploy` or check --region\n"
    )


def test_invoke_reports_the_emulators_failure_as_a_function_error(
    endpoint: str, stack: dict[str, str]
) -> None:
    # moto cannot run the code without Docker: it answers FunctionError, which we must surface.
    lam = boto3.client("lambda", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam.create_function(
        FunctionName="data-collector",
        Runtime="python3.13",
        Role=role,
        Handler="data_collector.lambda_handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )
    done = cli(endpoint, "invoke")
    assert done.returncode == 1
    assert done.stderr.startswith("pipeline-tray: function data-collector failed: ")
