"""Times and text other devices wrote are shown safely: nothing that formats a time raises, an
end beyond now + the longest session + the grace is shown held to that bound and named, and
names and errors reach no line with their controls, escapes or bidi overrides."""

from __future__ import annotations

import io
import math
from dataclasses import replace
from datetime import UTC

import pytest

from tray_app.commands.clean_output import cleaned
from tray_app.core import bounded, menu_model, status_text
from tray_app.core.holds import Hold, Judge, Shared
from tray_app.core.machine import Phase, State
from tray_app.desktop.local_zone import LOCAL
from tray_app.desktop.terminal_panel import state_line

T0 = 1_800_000_000  # 2027-01-15 08:00 UTC
ME = Judge("desk", skew=180)
LONGEST = bounded.LONGEST_SESSION_MINUTES * 60
CENTURY = 100 * 365.25 * 86400
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x9b31m"
BIDI = "\u202e\u2066\u200f"
HOSTILE = f"{ESCAPES}lap{BIDI}top"
FORBIDDEN = set("\x1b\x07\x9b\r\x00") | set(BIDI)
WILD = (1e100, -1e100, math.inf, -math.inf, math.nan, T0 + CENTURY, 0.0, -1.0)


def held(ends: float, lapses: float | None = None, name: str = "laptop") -> State:
    hold = Hold("laptop", name, ends, heartbeat=True, lapses=ends if lapses is None else lapses)
    return State(phase=Phase.ON, shared=Shared((hold,), 3))


@pytest.mark.parametrize("unix", WILD)
def test_no_time_from_another_device_makes_formatting_raise(unix: float) -> None:
    assert len(status_text.clock_time(unix, UTC)) == 5
    assert len(status_text.clock_time(unix, LOCAL)) == 5  # the OS's zone: asked per instant
    stamp = status_text.iso_utc(unix)
    assert stamp is None if math.isnan(unix) else str(stamp).endswith("Z")
    status_text.duration(unix - T0)
    status_text.session_line(True, unix, T0, UTC)


@pytest.mark.parametrize("ends", [1e100, math.inf, T0 + CENTURY])
def test_an_end_beyond_the_bound_is_shown_held_to_it_by_the_panel_and_the_menu(
    ends: float,
) -> None:
    state = held(ends)
    bound = T0 + LONGEST + ME.skew  # 2027-01-16 08:03 UTC
    for line in (
        state_line(state, T0, True, ME, zone=UTC),
        menu_model.headline(state, T0, ME, zone=UTC),
    ):
        assert "24 h 3 min left (until 08:03)" in line, line
    assert bounded.bound_instant(ends, T0, LONGEST, ME.skew) == bound


def test_the_wrong_clock_is_named_with_the_year_it_claims_and_the_end_counted() -> None:
    century = held(T0 + CENTURY).shared.holds
    assert status_text.clock_notes(century, T0, UTC, ME) == [
        "hold from laptop ends in 2127: its clock is wrong, counted as ending 08:03"
    ]
    far = held(1e100, name=HOSTILE).shared.holds
    assert status_text.clock_notes(far, T0, UTC, ME) == [
        "hold from laptop ends after 9999: its clock is wrong, counted as ending 08:03"
    ]
    never = held(math.nan).shared.holds
    assert status_text.clock_notes(never, T0, UTC, ME) == [
        "hold from laptop ends never: its clock is wrong, counted as ending 08:03"
    ]


def test_an_honest_end_is_neither_held_nor_named() -> None:
    honest = held(T0 + LONGEST + ME.skew)  # a full day from a clock 3 min ahead
    assert status_text.clock_notes(honest.shared.holds, T0, UTC, ME) == []
    assert status_text.held_to_bound(honest.shared.holds[0], T0, ME) == honest.shared.holds[0]
    assert bounded.bound_instant(T0 - 5, T0, LONGEST, 180) == T0 - 5  # a lapsed hold stays so


def test_a_name_is_cleaned_and_cut_to_64_characters() -> None:
    assert bounded.clean_text(HOSTILE) == "laptop"
    long = Hold("x", "n" * 390_000, T0 + 60, heartbeat=False, lapses=T0 + 60)
    assert status_text.names([long]) == "n" * 63 + "…"


def test_no_line_the_panel_or_the_menu_shows_carries_controls_or_bidi() -> None:
    # the panel's lines are cleaned by the stream they go to (the CLI's, cli.main)
    state = replace(held(T0 + 600, name=HOSTILE), error=f"AccessDenied {ESCAPES}{BIDI}")
    facts = menu_model.Facts(
        session_minutes=60,
        idle_minutes=15,
        idle_available=True,
        latest_line="no metrics yet",
        history_line="none",
        region="eu-west-1",
        rule="r",
        function="f",
        table="t",
        zone=UTC,
        judge=ME,
    )
    panel = io.StringIO()
    print(state_line(state, T0, True, ME, zone=UTC), file=cleaned(panel))
    texts = [panel.getvalue()]
    texts += [item.text for item in menu_model.build(state, T0, facts)]
    texts += [menu_model.headline(state, T0, ME, zone=UTC)]
    assert "laptop, 10 min left" in texts[0] and "AccessDenied" in texts[0]
    assert any("Stop — ends laptop's session" in t for t in texts)
    for text in texts:
        assert not set(text) & FORBIDDEN, repr(text)
        assert "PWNED" not in text and "31m" not in text, repr(text)


def test_clean_lines_keeps_our_newlines_and_tabs() -> None:
    assert bounded.clean_lines(f"a\tb\n{ESCAPES}c\r{BIDI}") == "a\tb\nc"


def test_a_wrong_clock_is_named_once_however_often_the_line_is_drawn() -> None:
    said = status_text.WrongClocks()
    century = held(T0 + CENTURY).shared.holds
    assert len(said.news(century, T0, UTC, ME)) == 1
    for second in range(1, 120, 7):  # redraws: the counted end moves with now, the clock not
        assert said.news(century, T0 + second, UTC, ME) == []
    later = held(T0 + 2 * CENTURY).shared.holds  # the device wrote another end: said again
    assert len(said.news(later, T0 + 200, UTC, ME)) == 1
