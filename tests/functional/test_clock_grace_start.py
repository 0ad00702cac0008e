"""`pipeline-tray start` keeps and stores the session by the function's clock grace, as `status`
shows it: the rule target's `session_deadline` and the other holds it keeps follow the function.
Real CLI processes behind the fault proxy (test_clock_grace_status.py's fixture)."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.fault_proxy import FaultProxy, access_denied
from tests.functional.function_grace import deploy_function, put_cli_hold
from tests.functional.test_clock_grace_status import MISMATCH, OURS, READ, proxy
from tests.functional.test_session_cli import cli, rule
from tests.template_resources import SESSION_KEY, SESSION_TABLE

pytestmark = pytest.mark.functional
__all__ = ["proxy"]  # the fixture, shared with the status tests
MINUTES = 30


def start_beside_a_lapsed_hold(proxy: FaultProxy) -> tuple[float, str, str]:
    """vm's hold lapsed 100 s ago (over by our 60 s of grace, live by the function's 300) and the
    rule runs; `start` joins it. Its start time, stdout and stderr."""
    put_cli_hold(int(time.time()) - 100)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    before = time.time()
    done = cli(proxy.url, "start", "--minutes", str(MINUTES), env=OURS)
    assert done.returncode == 0, done.stderr
    return before, done.stdout, done.stderr


def holders() -> list[str]:
    """The holder ids in the session record as stored."""
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY
    )["Item"]
    return list(item["holds"]["M"])


def test_start_stores_the_deadline_by_the_functions_grace(proxy: FaultProxy) -> None:
    deploy_function("300")
    before, _, stderr = start_beside_a_lapsed_hold(proxy)
    state, deadline = rule()
    own_end = MINUTES * 60
    assert state == "ENABLED"
    # our hold ends last: the function acts on its end plus the function's 300 s, not our 60
    assert deadline is not None and before + own_end + 300 - 1 <= deadline
    assert deadline <= time.time() + own_end + 300
    assert stderr.count(MISMATCH) == 1 and stderr.count("\n") == 1
    assert proxy.count(READ) == 1

    # an explicit stop judges no hold and writes no deadline: it never reads the function
    done = cli(proxy.url, "stop", env=OURS)
    assert (done.returncode, done.stderr) == (0, "")
    assert rule() == ("DISABLED", None) and proxy.count(READ) == 1


def test_starts_line_and_the_record_keep_the_hold_the_function_still_counts(
    proxy: FaultProxy,
) -> None:
    deploy_function("300")
    _, stdout, _ = start_beside_a_lapsed_hold(proxy)
    first = stdout.splitlines()[0]
    assert first.startswith(f"Study session on — {MINUTES} min left (auto-off ")
    assert first.endswith(" · also on: vm (cli)")
    stored = holders()
    assert "vm/cli" in stored and len(stored) == 2  # vm's hold kept beside ours, not pruned
    status = json.loads(cli(proxy.url, "status", "--json", env=OURS).stdout)
    assert "vm/cli" in [h["holder"] for h in status["holds"]]


def test_an_unreadable_function_leaves_start_on_its_own_grace(proxy: FaultProxy) -> None:
    deploy_function("300")
    proxy.inject(access_denied(READ))
    before, stdout, stderr = start_beside_a_lapsed_hold(proxy)
    assert stderr == ""
    _, deadline = rule()
    own_end = MINUTES * 60
    assert deadline is not None and before + own_end + 60 - 1 <= deadline
    assert deadline <= time.time() + own_end + 60
    assert "also on" not in stdout  # vm's hold is over by our 60 s
    assert proxy.count(READ, fault="AccessDeniedException") == 1  # asked; its failure no failure


def test_start_alone_still_stores_the_functions_grace(proxy: FaultProxy) -> None:
    deploy_function("300")
    before = time.time()
    done = cli(proxy.url, "start", "--minutes", str(MINUTES), env=OURS)
    assert done.returncode == 0, done.stderr
    _, deadline = rule()
    # no other hold, but the deadline copy is still our end plus the grace: read it anyway
    assert deadline is not None and before + MINUTES * 60 + 300 - 1 <= deadline
    assert done.stderr.count(MISMATCH) == 1 and proxy.count(READ) == 1
