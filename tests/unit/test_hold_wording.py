"""A session held elsewhere says what will happen: past a hold's lapse the rule runs on for the
clock grace, and the line says so (and when it goes off), never 'ending now' for minutes."""

from __future__ import annotations

from datetime import UTC

from tray_app.core import holds, menu_model
from tray_app.core.holds import Hold, Judge, Shared
from tray_app.core.machine import Phase, State
from tray_app.core.status_text import others_end
from tray_app.desktop.terminal_panel import state_line

T0 = 1_800_000_000  # 08:00 UTC
ME = Judge("desk", skew=180)
VM_CLI = Hold("vm/cli", "vm (cli)", ends=T0, heartbeat=False, lapses=T0)


def following(*held: Hold) -> State:
    return State(phase=Phase.ON, shared=Shared(held, 3))


def test_a_cli_hold_from_another_machine_counts_down_then_says_the_grace() -> None:
    assert others_end([VM_CLI], T0 - 720, UTC, ME) == "12 min left (until 08:00)"
    assert others_end([VM_CLI], T0 + 1, UTC, ME) == (
        "ending — up to 2 min more for clock differences (off by 08:03)"
    )


def test_the_panel_and_the_menu_never_say_ending_now_inside_the_grace() -> None:
    state = following(VM_CLI)
    for second in range(0, 180, 7):
        now = T0 + second
        assert holds.others(state.shared, now, ME) == (VM_CLI,)  # the rule still runs
        panel = state_line(state, now, True, ME, zone=UTC)
        menu = menu_model.headline(state, now, ME, zone=UTC)
        for line in (panel, menu):
            assert "ending now" not in line
            assert "for clock differences" in line, line


def test_the_time_shown_is_when_the_rule_goes_off_for_a_dead_trays_hold() -> None:
    # Its tray renewed last at T0 - 900 (lapse 15 min later) and meant to run until T0 + 2700:
    # dead since, its hold ends at its lapse plus the grace, not at its timer.
    dead = Hold("laptop", "laptop", ends=T0 + 2700, heartbeat=True, lapses=T0)
    off = holds.function_deadline(Shared((dead,), 3), T0 + 60, ME.skew)
    assert off == T0 + 180
    assert others_end([dead], T0 + 60, UTC, ME) == (
        "ending — up to 2 min more for clock differences (off by 08:03)"
    )
    assert others_end([dead], T0 - 60, UTC, ME) == "46 min left (until 08:45)"  # still renewing


def test_the_grace_shown_is_the_judges() -> None:
    learned = Judge("desk", skew=300)  # the function's value, as a starting tray learns it
    assert others_end([VM_CLI], T0 + 1, UTC, learned) == (
        "ending — up to 4 min more for clock differences (off by 08:05)"
    )
