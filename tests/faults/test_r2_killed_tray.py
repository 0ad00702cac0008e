"""R2: the tray is killed with -9 mid-session: the first scheduled run past the deadline ends it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.lambda_runs import container_for, run, scheduled_payload, stored
from tests.tray_process import Tray, rule, start_session

pytestmark = pytest.mark.functional
PERIOD = 300  # rate(5 minutes)


def test_after_kill_9_the_next_run_past_the_deadline_disables_the_rule_and_writes_nothing(
    endpoint: str, stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)
    tray.proc.kill()  # SIGKILL: no handler runs, the rule stays on
    tray.proc.wait(timeout=10)
    state, deadline = rule()
    assert state == "ENABLED" and deadline is not None

    at = deadline - PERIOD
    before = run(container_for(endpoint, stack), scheduled_payload(at), "before", at)
    assert before["collected"] is True
    assert [len(found) for found in stored(stack)] == [1, 1]
    assert rule()[0] == "ENABLED"

    # the first run at or past the deadline
    after = run(container_for(endpoint, stack), scheduled_payload(deadline), "after", deadline)
    assert after["statusCode"] == 200 and after["collected"] is False
    assert after["reason"] == "session deadline passed"
    assert rule()[0] == "DISABLED"
    assert [len(found) for found in stored(stack)] == [1, 1]  # the run that ended it wrote nothing
