"""R2: the machine dies mid-session (the tray and its guardian killed with -9, so nothing of ours
releases the hold): the first scheduled run past the deadline ends it. The tray alone killed is
R14's: its guardian releases the hold."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.lambda_runs import container_for, run, scheduled_payload, session_holds, stored
from tests.tray_process import Tray, rule, start_session

pytestmark = pytest.mark.functional
PERIOD = 300  # rate(5 minutes)


def test_after_kill_9_the_next_run_past_the_deadline_disables_the_rule_and_writes_nothing(
    endpoint: str, stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)
    tray.die()  # SIGKILL to both: no handler runs, the rule stays on
    state, deadline = rule()
    assert state == "ENABLED" and deadline is not None
    # The killed tray's hold stays behind; the deadline in the rule's input is when it lapses
    # plus the function's clock-skew margin. A tray older than holds leaves only the deadline.
    held = session_holds(stack)
    assert held is None or len(held) == 1

    at = deadline - PERIOD
    before = run(container_for(endpoint, stack), scheduled_payload(at), "before", at)
    assert before["collected"] is True
    assert [len(found) for found in stored(stack)] == [1, 1]
    assert rule()[0] == "ENABLED"

    # the first run at or past the deadline
    after = run(container_for(endpoint, stack), scheduled_payload(deadline), "after", deadline)
    assert after["statusCode"] == 200 and after["collected"] is False
    assert after["reason"] == ("session deadline passed" if held is None else "no live hold")
    assert rule()[0] == "DISABLED"
    assert session_holds(stack) == (None if held is None else {})  # the dead hold is pruned
    assert [len(found) for found in stored(stack)] == [1, 1]  # the run that ended it wrote nothing
