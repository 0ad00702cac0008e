"""R11: clicks while an answer is still on its way. A slow DynamoDB (every PutItem delayed)
makes the orderings of issue 20 happen in a real tray process: the loop never dies, the panel
shows what AWS holds, and Quit switches the rule off."""

from __future__ import annotations

from collections.abc import Callable

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.conftest import notifications
from tests.faults.fault_proxy import Fault, FaultProxy
from tests.tray_process import Tray, eventually, rule, start_session

pytestmark = pytest.mark.functional
SLOW_WRITE = 4.0  # seconds every PutItem (a conditional write of the session) takes


def slow_writes() -> Fault:
    """Every PutItem answered after SLOW_WRITE seconds."""
    return Fault("delay", "PutItem", seconds=SLOW_WRITE)


def died(tray: Tray) -> list[str]:
    """Lines that say the session loop stopped working."""
    return [line for line in tray.lines if "stopped working" in line]


def test_a_start_right_after_an_outside_stop_runs_and_quit_ends_it(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)
    proxy.inject(slow_writes())
    console = tray.mark()
    boto3.client("events", region_name=REGION).disable_rule(Name=RULE)  # the console
    tray.wait_line("[Study session ended elsewhere]", after=console)
    tidying = proxy.count("PutItem")
    pressed = tray.key("s")  # at once: the tidy-up's slow write is still on its way
    eventually(lambda: proxy.count("PutItem") >= tidying + 1, timeout=10)
    tray.wait_line("Study session on", after=pressed, timeout=30)
    eventually(lambda: rule()[0] == "ENABLED", timeout=30)
    assert proxy.count("PutItem") >= tidying + 2  # the tidy-up and the Join both went out
    quitting = tray.key("q")
    tray.wait_line("pipeline off — bye", after=quitting, timeout=30)
    assert tray.proc.wait(timeout=15) == 0
    assert rule()[0] == "DISABLED"
    assert died(tray) == []


def test_impatient_clicks_with_slow_writes_end_as_the_last_click_says(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0", after=0)
    proxy.inject(slow_writes())
    first = tray.key("s")  # start
    tray.wait_line("Starting…", after=first)
    tray.key("s")  # stop
    last = tray.key("s")  # start again, within a second
    tray.wait_line("Study session on", after=last, timeout=40)
    on = tray.index("Study session on", after=last)
    eventually(lambda: rule()[0] == "ENABLED", timeout=40)
    assert proxy.count("PutItem") >= 3  # join, end, join: each one answered, slowly
    polls = proxy.count("DescribeRule")
    eventually(lambda: proxy.count("DescribeRule") >= polls + 2, timeout=15)
    # two polls later the rule is still on and the panel never said otherwise
    assert rule()[0] == "ENABLED"
    assert not any("Off" in line or "…" in line for line in tray.lines[on:]), tray.lines
    stopping = tray.key("s")  # the last click says stop
    tray.wait_line("Off — costs $0", after=stopping, timeout=40)
    eventually(lambda: rule()[0] == "DISABLED", timeout=15)
    assert died(tray) == [] and notifications(tray).count("[pipeline-tray: AWS error]") == 0
