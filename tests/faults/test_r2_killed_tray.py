"""R2: the machine dies mid-session (the tray and its guardian killed with -9, so nothing of ours
releases the hold): the off switch's first scheduled run past the deadline ends it; the user's
function is never asked. The tray alone killed is R14's: its guardian releases the hold."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.lambda_runs import off_switch_run, session_holds
from tests.tray_process import Tray, rule, start_session

pytestmark = pytest.mark.functional
PERIOD = 300  # rate(5 minutes)


def test_after_kill_9_the_off_switch_run_past_the_deadline_disables_the_rule(
    endpoint: str, stack: dict[str, str], tray_factory: Callable[..., Tray]
) -> None:
    tray = tray_factory()
    start_session(tray)
    tray.die()  # SIGKILL to both: no handler runs, the rule stays on
    state, deadline = rule()
    assert state == "ENABLED" and deadline is not None
    # The killed tray's hold stays behind; the deadline copy in the off switch's input is when
    # it lapses plus the clock-skew margin.
    held = session_holds(stack)
    assert held is not None and len(held) == 1

    before = off_switch_run(endpoint, deadline - PERIOD)
    assert before["rule_disabled"] is False and len(before["live_holds"]) == 1
    assert rule()[0] == "ENABLED"

    # the first run at or past the deadline
    after = off_switch_run(endpoint, deadline)
    assert (after["rule_disabled"], after["reason"]) == (True, "no live hold")
    assert rule()[0] == "DISABLED"
    assert session_holds(stack) == {}  # the dead hold is pruned
