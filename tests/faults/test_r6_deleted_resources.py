"""R6: the rule, the function or the table is deleted under a running tray: named, with the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.conftest import notifications
from tests.faults.fault_proxy import FaultProxy
from tests.tray_process import Tray, eventually, start_session

pytestmark = pytest.mark.functional
FIX = "not found: run `pipeline-tray deploy` or check --region"


def test_each_missing_resource_is_named_with_the_deploy_hint(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)

    # Without the table the newest files are read instead; without the bucket too, it is named.
    boto3.client("dynamodb", region_name=REGION).delete_table(TableName=stack["table"])
    boto3.client("s3", region_name=REGION).delete_bucket(Bucket=stack["bucket"])
    pressed = tray.key("l")
    tray.wait_line(
        f"Latest metric: bucket infra-monitoring-pipeline-data in eu-west-1 {FIX}", after=pressed
    )

    pressed = tray.key("i")  # the stack fixture deploys no function: it is missing too
    tray.wait_line(f"[Invoke failed] function data-collector in eu-west-1 {FIX}", after=pressed)

    deleted = tray.mark()
    events = boto3.client("events", region_name=REGION)
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    events.remove_targets(Rule=RULE, Ids=[t["Id"] for t in targets])
    events.delete_rule(Name=RULE)
    tray.wait_line(
        f"[pipeline-tray: AWS error] rule data-collector-schedule in eu-west-1 {FIX}", after=deleted
    )
    polls = proxy.count("DescribeRule")
    eventually(lambda: proxy.count("DescribeRule") >= polls + 3)  # said once, not every poll
    assert len([n for n in notifications(tray) if "rule data-collector-schedule" in n]) == 1
    assert tray.proc.poll() is None


def test_stopping_a_session_whose_rule_was_deleted_ends_it_without_a_pending_stop(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    start_session(tray)
    events = boto3.client("events", region_name=REGION)
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    events.remove_targets(Rule=RULE, Ids=[t["Id"] for t in targets])
    events.delete_rule(Name=RULE)  # e.g. `pipeline-tray destroy` while the tray runs
    pressed = tray.key("s")
    tray.wait_line("Off — costs $0", after=pressed)  # the start-up one is before the cursor
    assert not (tmp_path / "state" / "pipeline-tray" / "pending-stop").exists()
    assert not [n for n in notifications(tray) if "Could not switch" in n]
    polls = proxy.count("DescribeRule")
    eventually(lambda: proxy.count("DescribeRule") >= polls + 2)  # it failed: said, not again
    said = [
        n for n in notifications(tray) if f"rule data-collector-schedule in eu-west-1 {FIX}" in n
    ]
    assert len(said) == 1, notifications(tray)
    tray.key("q")
    assert tray.proc.wait(timeout=15) == 0
