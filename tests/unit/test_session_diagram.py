"""The picture in docs/design/session-core.md is the transition table's, and the table's arrows
are the phases its handlers really reach."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scripts.session_diagram import BEGIN, END, PAGE, edges, mermaid, with_diagram
from tests.unit.test_session import T0, TRAY
from tray_app.core.events import Toggle, Unexpected
from tray_app.core.machine import TRANSITIONS, IllegalTransitionError, Phase, State, step
from tray_app.core.requests import toggle
from tray_app.core.state import go


def test_the_page_shows_the_diagram_of_the_current_table() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert BEGIN in page and END in page
    assert with_diagram(page) == page, "stale: run .venv/bin/python scripts/session_diagram.py"


def test_the_diagram_has_every_phase_and_only_changes_of_phase() -> None:
    text = mermaid()
    assert text.startswith("```mermaid\nstateDiagram-v2\n") and text.endswith("\n```")
    arrows = edges()
    assert {p for pair in arrows for p in pair} == set(Phase)
    assert all(a is not b for a, b in arrows)
    assert arrows[Phase.STARTING, Phase.ON] == ["Done(Join)"]


def test_a_handler_that_leads_where_its_rule_does_not_say_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picture is only true if `step` holds each handler to its entry's phases."""
    monkeypatch.setitem(TRANSITIONS, (Phase.OFF, Toggle, None), go(toggle, Phase.OFF))
    with pytest.raises(IllegalTransitionError, match="Toggle led off to starting"):
        step(State(phase=Phase.OFF), Toggle(T0), TRAY)
    state, actions = step(State(phase=Phase.OFF), Toggle(T0), replace(TRAY, strict=False))
    assert state.phase is Phase.STARTING  # a running app goes on, and says so in its log
    assert Unexpected("Toggle led off to starting, which its rule does not name") in actions
