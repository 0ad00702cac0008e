"""`pipeline-tray status` judges a session by the function's clock grace, as the tray does: its
deadline is the instant the function acts on. Real CLI processes behind the fault proxy, which
counts the calls and can deny the one that reads the function's settings."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.fault_proxy import FaultProxy, access_denied
from tests.functional.function_grace import deploy_function, put_cli_hold
from tests.functional.test_session_cli import cli
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tray_app.core.status_text import iso_utc

pytestmark = pytest.mark.functional
READ = "GetFunctionConfiguration"
MISMATCH = (
    "pipeline-tray: The function data-collector gives other devices' clocks 300 s of grace, "
    "your clock_skew_seconds is 60 (env PIPELINE_TRAY_CLOCK_SKEW_SECONDS)."
)
OURS = {"PIPELINE_TRAY_CLOCK_SKEW_SECONDS": "60"}


@pytest.fixture
def proxy(endpoint: str, stack: dict[str, str]) -> Iterator[FaultProxy]:
    """The pipeline in the emulator, and a proxy in front of it that the CLI talks to."""
    with FaultProxy(endpoint) as running:
        yield running


def status_json(proxy: FaultProxy, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = cli(proxy.url, "status", "--json", env=env)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)  # stdout is nothing but the object
    return found


def test_status_follows_the_functions_grace_and_says_so_on_stderr(proxy: FaultProxy) -> None:
    deploy_function("300")
    # vm's hold lapsed 100 s ago: over by our 60 s of grace, live 200 s more by the function's.
    lapsed = int(time.time()) - 100
    put_cli_hold(lapsed)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)

    done = cli(proxy.url, "status", "--json", env=OURS)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["session_deadline"] == iso_utc(lapsed + 300)
    assert 180 <= status["seconds_left"] <= 200
    assert [h["holder"] for h in status["holds"]] == ["vm/cli"]
    assert done.stderr.count(MISMATCH) == 1

    human = cli(proxy.url, "status", env=OURS)
    assert human.returncode == 0, human.stderr
    assert human.stdout.splitlines()[0].startswith(
        "Study session on — held by vm (cli), ending — up to 3 min more for clock differences"
    )
    assert "clock_skew_seconds" not in human.stdout
    assert human.stderr.count(MISMATCH) == 1 and human.stderr.count("\n") == 1
    assert proxy.count(READ) == 2  # once per command


def test_an_idle_pipeline_or_a_rule_without_holds_never_reads_the_function(
    proxy: FaultProxy,
) -> None:
    deploy_function("300")
    put_cli_hold(int(time.time()) + 600)
    assert status_json(proxy, OURS)["rule_state"] == "DISABLED"  # the record is not even read
    boto3.client("dynamodb", region_name=REGION).delete_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY
    )
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)  # as in the console
    assert status_json(proxy, OURS)["holds"] == []
    assert proxy.count("DescribeRule") == 2 and proxy.count(READ) == 0


@pytest.mark.parametrize("unreadable", ["denied", "missing"])
def test_an_unreadable_function_leaves_status_on_its_own_grace(
    proxy: FaultProxy, unreadable: str
) -> None:
    if unreadable == "denied":
        deploy_function("300")
        proxy.inject(access_denied(READ))
    lapsed = int(time.time()) - 100  # live 80 s more by the default grace, 180 s
    put_cli_hold(lapsed)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)

    done = cli(proxy.url, "status", "--json")
    assert (done.returncode, done.stderr) == (0, "")
    status = json.loads(done.stdout)
    assert status["session_deadline"] == iso_utc(lapsed + 180)
    assert [h["holder"] for h in status["holds"]] == ["vm/cli"]
    human = cli(proxy.url, "status")
    assert (human.returncode, human.stderr) == (0, "")
    assert "held by vm (cli)" in human.stdout
    failed = "AccessDeniedException" if unreadable == "denied" else None
    assert proxy.count(READ, fault=failed) == 2  # it was asked, and its failure was no failure
