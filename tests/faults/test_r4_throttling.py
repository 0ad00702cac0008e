"""R4: throttling and 5xx bursts: botocore retries them, the session stays right, no storm."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.conftest import notifications
from tests.faults.fault_proxy import FaultProxy, throttled, unavailable
from tests.tray_process import Tray, eventually, rule, start_session
from tray_app.aws.client_session import TOTAL_ATTEMPTS

pytestmark = pytest.mark.functional


def test_short_bursts_are_retried_silently_and_the_session_runs_as_asked(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    tray.wait_line("Off — costs $0", after=0)
    # every call of the start and of the stop meets a burst shorter than botocore's attempts
    for operation in ("ListTargetsByRule", "PutTargets", "EnableRule", "DisableRule"):
        proxy.inject(throttled(operation, times=2))
    proxy.inject(unavailable("DescribeRule", times=2))
    started = tray.key("s")
    eventually(lambda: rule()[0] == "ENABLED")
    assert rule()[1] is not None
    tray.wait_line("Study session on", after=started)
    eventually(lambda: proxy.count(fault="ServiceUnavailableException") == 2)  # a poll met it
    stopped = tray.key("s")
    eventually(lambda: rule() == ("DISABLED", None))
    tray.wait_line("Off — costs $0", after=stopped)  # not the start-up line: after the stop
    assert proxy.count(fault="ThrottlingException") == 8
    assert notifications(tray) == []
    assert tray.proc.poll() is None


def test_a_long_outage_of_one_api_is_said_once_and_the_session_survives_it(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)
    before = tray.mark()
    outage = proxy.inject(throttled("DescribeRule"))
    tray.wait_line("[pipeline-tray: AWS error] AWS is throttling DescribeRule", after=before)
    polls = proxy.count("DescribeRule")
    two_more_polls = polls + 2 * TOTAL_ATTEMPTS
    eventually(lambda: proxy.count("DescribeRule") >= two_more_polls, timeout=30)
    proxy.faults.remove(outage)
    healed = tray.mark()
    # the status line comes back without its error ("  ! …")
    eventually(
        lambda: any("Study session on" in line and "!" not in line for line in tray.lines[healed:])
    )
    polls = proxy.count("DescribeRule")
    eventually(lambda: proxy.count("DescribeRule") >= polls + 2)  # two more polls: nothing new
    said = notifications(tray)
    assert len(said) == 1, said
    assert tray.proc.poll() is None
    assert rule()[0] == "ENABLED"
