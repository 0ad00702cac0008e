"""The terminal panel prints a line each time its state line changes: the countdown must change
at most once a minute, the last minute included."""

from __future__ import annotations

from tray_app.core.holds import Hold, Judge, Shared
from tray_app.core.machine import Phase, State
from tray_app.core.state import Ours
from tray_app.desktop.terminal_panel import state_line

T0 = 1_800_000_000.0
ME = Judge("desk")


def distinct_lines(state: State, seconds: range) -> list[str]:
    lines: list[str] = []
    for second in seconds:
        line = state_line(state, T0 + second, True, ME)
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def test_our_countdown_changes_once_a_minute_even_in_the_last_minute() -> None:
    own = State(phase=Phase.ON, ours=Ours(deadline=T0 + 180))
    lines = distinct_lines(own, range(0, 180))
    assert len(lines) == 4, lines  # 3, 2 and 1 min, then "under 1 min": never seconds
    assert lines[-1].startswith("Study session on — under 1 min left")


def test_a_session_held_elsewhere_counts_down_the_same_way() -> None:
    laptop = Hold("lap", "laptop", int(T0) + 120, heartbeat=False, lapses=int(T0) + 120)
    following = State(phase=Phase.ON, shared=Shared((laptop,), 1))
    lines = distinct_lines(following, range(0, 120))
    assert len(lines) == 3, lines
    assert lines[-1].startswith("Study session on — held by laptop, under 1 min left")


def test_the_panel_says_why_idle_auto_off_is_unavailable() -> None:
    on = State(phase=Phase.ON, ours=Ours(deadline=T0 + 600))
    line = state_line(on, T0, False, ME, idle_reason="the compositor offers no idle protocol")
    assert line.endswith("(idle auto-off unavailable: the compositor offers no idle protocol)")
    assert state_line(on, T0, False, ME).endswith("(idle auto-off unavailable on this desktop)")
    assert "unavailable" not in state_line(on, T0, True, ME)
