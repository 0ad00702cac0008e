"""A killed device's hold lapses: the other device's panel and the function end the session at
the same instant (the hold's lapse plus the clock grace), the panel within one poll of it.

Real tray processes, each with a state folder of its own (a device id of its own), and the
function's handler in-process on the same emulator, with the same 5 s grace on both sides.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.lambda_runs import off_switch_run
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tests.tray_process import Tray, eventually, rule, start_session

pytestmark = [pytest.mark.functional, pytest.mark.dynamodb_backends]
GRACE = 5  # seconds, both sides (the trays' config, the function's environment)
POLL = 1  # seconds, Tray's PIPELINE_TRAY_POLL_SECONDS
KEY = SESSION_KEY


@pytest.fixture
def devices(endpoint: str, stack: dict[str, str], tmp_path: Path) -> Iterator[dict[str, Tray]]:
    """A laptop and a desktop: a tray each, each with its own state folder."""
    env = {"PIPELINE_TRAY_CLOCK_SKEW_SECONDS": str(GRACE), "PIPELINE_TRAY_IDLE_MINUTES": "1"}
    started: dict[str, Tray] = {}
    for name in ("laptop", "desktop"):
        (tmp_path / name).mkdir()
        extra = {**env, "PIPELINE_TRAY_DEVICE_NAME": name}
        started[name] = Tray(endpoint, tmp_path / name, extra)
    yield started
    for tray in started.values():
        tray.stop()


def session_item() -> dict[str, Any]:
    found: dict[str, Any] = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=KEY, ConsistentRead=True
    )["Item"]
    return found


def scheduled(now: float) -> dict[str, Any]:
    """One scheduled run of the off switch at `now`, as the rule delivers it."""
    endpoint = os.environ["AWS_ENDPOINT_URL"]  # the emulator's, set by the stack fixture
    return off_switch_run(endpoint, now, CLOCK_SKEW_SECONDS=str(GRACE))


def test_a_killed_devices_hold_ends_for_the_other_panel_and_the_function_at_one_instant(
    devices: dict[str, Tray], stack: dict[str, str]
) -> None:
    laptop, desktop = devices["laptop"], devices["desktop"]
    desktop.wait_line("Off — costs $0", after=0)
    following = desktop.mark()
    start_session(laptop)
    desktop.wait_line("Study session on — held by laptop", after=following)
    laptop.die()  # no release, no more renewals: its hold lapses by itself
    item = session_item()
    lapse = float(item["holds"]["M"][next(iter(item["holds"]["M"]))]["M"]["lapses"]["N"])
    off = lapse + GRACE  # what both sides must act on

    # The desktop's panel: past the lapse it says the grace, then switches off within a poll.
    eventually(lambda: time.time() > lapse + 0.5, timeout=90)
    assert rule()[0] == "ENABLED"
    desktop.wait_line("held by laptop, ending — under 1 min more for clock", after=following)
    eventually(lambda: rule()[0] == "DISABLED", timeout=GRACE + 10)
    switched_off = time.time()
    assert off <= switched_off <= off + POLL + 1.5, switched_off - off
    desktop.wait_line("Off — costs $0", after=following)
    desktop.stop()  # from here on only the function acts on the record

    # The off switch, given the same record: it leaves the rule on until that instant only.
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=SESSION_TABLE, Item=item)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    before = scheduled(now=off - 0.001)
    assert before["rule_disabled"] is False
    assert rule()[0] == "ENABLED"
    at = scheduled(now=off)
    assert (at["rule_disabled"], at["reason"]) == (True, "no live hold")
    assert rule()[0] == "DISABLED"
