"""The holds' arithmetic (tray_app/core/holds.py) as tables: liveness with skew, and each change."""

from __future__ import annotations

import pytest

from tray_app.app.executor import plan
from tray_app.core import holds
from tray_app.core.events import Adopt, Beat, EndAll, Expire, Join, Leave
from tray_app.core.holds import Hold, Judge, Shared

T0 = 1_800_000_000
DESK = Judge("desk")


def hold(holder: str, ends: int, lapses: int | None = None) -> Hold:
    return Hold(holder, holder, ends, lapses is not None, ends if lapses is None else lapses)


LAPTOP = hold("lap", T0 + 3600, T0 + 900)
CLI_HERE = hold("desk/cli", T0 + 60)


@pytest.mark.parametrize(
    ("h", "now", "alive"),
    [
        (LAPTOP, T0 + 899, True),
        (LAPTOP, T0 + 900 + 179, True),  # another device: 3 minutes of grace for its clock
        (LAPTOP, T0 + 900 + 180, False),
        (CLI_HERE, T0 + 59, True),
        (CLI_HERE, T0 + 60, False),  # our own device's CLI shares our clock: no grace
    ],
)
def test_liveness(h: Hold, now: int, alive: bool) -> None:
    assert holds.is_live(h, now, DESK) is alive


def test_grace_follows_the_judges_skew_setting() -> None:
    assert holds.is_live(LAPTOP, T0 + 901, Judge("desk", skew=0)) is False


def test_join_adds_or_replaces_and_drops_lapsed_holds() -> None:
    stale = hold("old", T0 - 1000)
    change = holds.join(Shared((stale, LAPTOP), 4), hold("desk", T0 + 60), T0, DESK)
    assert change.rule_on is True
    assert change.shared.holds == (LAPTOP, hold("desk", T0 + 60))
    again = holds.join(change.shared, hold("desk", T0 + 120), T0, DESK)
    assert again.shared.holds == (LAPTOP, hold("desk", T0 + 120))


@pytest.mark.parametrize(
    ("before", "rule_on", "after"),
    [
        ((hold("desk", T0 + 60),), False, ()),  # the last live hold: the rule goes off
        ((hold("desk", T0 + 60), LAPTOP), None, (LAPTOP,)),  # others hold: the rule stays
        ((hold("desk", T0 + 60), hold("lap", T0 - 500)), False, ()),  # theirs lapsed
    ],
)
def test_leave(before: tuple[Hold, ...], rule_on: bool | None, after: tuple[Hold, ...]) -> None:
    change = holds.leave(Shared(before, 2), "desk", T0, DESK)
    assert (change.rule_on, change.shared.holds) == (rule_on, after)


def test_an_explicit_stop_ends_everyone() -> None:
    change = holds.end_all(Shared((LAPTOP, hold("desk", T0 + 60)), 7))
    assert (change.rule_on, change.shared.holds) == (False, ())


def test_a_heartbeat_renews_only_an_existing_hold_and_never_past_its_end() -> None:
    mine = hold("desk", T0 + 600, T0 + 300)
    change = holds.beat(Shared((mine, LAPTOP), 3), "desk", T0 + 900, T0, DESK)
    assert change is not None and change.rule_on is None  # never undoes a console switch-off
    assert change.shared.held_by("desk") == hold("desk", T0 + 600, T0 + 600)
    assert holds.beat(Shared((LAPTOP,), 3), "desk", T0 + 900, T0, DESK) is None


def test_adoption_only_when_no_hold_is_live() -> None:
    mine = hold("desk", T0 + 3600, T0 + 900)
    assert holds.adopt(Shared((LAPTOP,), 3), mine, T0, DESK) is None
    change = holds.adopt(Shared((hold("lap", T0 - 1000),), 3), mine, T0, DESK)
    assert change is not None and change.shared.holds == (mine,) and change.rule_on is None


def test_expire_switches_off_only_when_nothing_is_live() -> None:
    assert holds.expire(Shared((CLI_HERE,), 2), T0 + 60, DESK).rule_on is False
    assert holds.expire(Shared((CLI_HERE, LAPTOP), 2), T0 + 60, DESK).rule_on is None


def test_the_functions_deadline_is_the_last_lapse_plus_the_grace() -> None:
    assert holds.function_deadline(Shared(), T0) is None
    assert holds.function_deadline(Shared((CLI_HERE, LAPTOP), 1), T0) == T0 + 900 + 180
    assert holds.function_deadline(Shared((hold("x", T0 - 500),), 1), T0) is None


@pytest.mark.parametrize(
    ("action", "rule_on"),
    [
        (Join(hold("desk", T0 + 60)), True),
        (Leave("desk", "quit"), None),
        (EndAll("user"), False),
        (Expire(), None),
        (Beat("lap", T0 + 1000), None),
    ],
)
def test_each_action_plans_its_change(action: object, rule_on: bool | None) -> None:
    shared = Shared((LAPTOP, hold("desk", T0 + 60)), 5)
    change = plan(action, shared, T0, DESK)  # type: ignore[arg-type]
    assert change is not None and change.rule_on is rule_on


def test_adopt_plans_none_when_someone_holds() -> None:
    assert plan(Adopt(hold("desk", T0 + 60)), Shared((LAPTOP,), 1), T0, DESK) is None
