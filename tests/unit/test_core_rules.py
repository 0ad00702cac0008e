"""The tray facts' rules: stale metrics and which session length applies."""

from __future__ import annotations

import pytest

from tray_app.app.facts import expects_fresh, is_stale, session_minutes, stale_during_session
from tray_app.core.state import Ours, Phase, State

T0 = 1_800_000_000.0
ON_SINCE_T0 = State(phase=Phase.ON, ours=Ours(started_at=T0, deadline=T0 + 3600))


@pytest.mark.parametrize(
    ("age", "stale"), [(0, False), (599, False), (600, False), (601, True), (86_400, True)]
)
def test_a_record_is_stale_after_two_periods(age: float, stale: bool) -> None:
    assert is_stale(T0 - age, T0) is stale


def test_no_record_is_not_stale_by_itself() -> None:
    assert is_stale(None, T0) is False


@pytest.mark.parametrize(
    ("state", "since", "expected"),
    [
        (ON_SINCE_T0, 600, False),  # two periods in: the first record may still be on its way
        (ON_SINCE_T0, 601, True),
        (
            State(phase=Phase.OFF, ours=Ours(started_at=T0)),
            3600,
            False,
        ),  # no session: nothing to expect
        (
            State(phase=Phase.ON, ours=Ours(started_at=None)),
            3600,
            False,
        ),  # following another device
    ],
)
def test_only_a_session_of_ours_past_two_periods_expects_a_fresh_record(
    state: State, since: float, expected: bool
) -> None:
    assert expects_fresh(state, T0 + since) is expected


@pytest.mark.parametrize(
    ("stamp", "found", "stale"),
    [
        (T0 + 700, True, False),  # written during the session
        (T0 - 60, True, True),  # the last session's record, 12 minutes on
        (None, False, True),  # the table is empty after 12 minutes of study
    ],
)
def test_stale_during_a_session(stamp: float | None, found: bool, stale: bool) -> None:
    assert stale_during_session(ON_SINCE_T0, stamp, T0 + 720, found) is stale


@pytest.mark.parametrize(
    ("configured", "origin", "remembered", "expected"),
    [
        (60, "default", None, 60),  # nothing chosen anywhere
        (60, "default", 120, 120),  # the menu's choice beats the default
        (45, "file /home/u/.config/pipeline-tray/config.toml", 120, 45),  # the file beats it
        (30, "env PIPELINE_TRAY_SESSION_MINUTES", 120, 30),
        (90, "flag --session-minutes", 120, 90),
    ],
)
def test_session_length_precedence(
    configured: int, origin: str, remembered: int | None, expected: int
) -> None:
    assert session_minutes(configured, origin, remembered) == expected
