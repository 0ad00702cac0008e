"""The report's numbers from known data: the model's days and sessions, the charts' axis
ranges, bar heights, line points and session bands, and the menu's sparkline."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

import pytest

from tray_app.core import chart_geometry as geo
from tray_app.core import report_model

DAY = 86_400
MIDNIGHT = 1_795_824_000.0  # 2026-11-28 00:00 UTC
NOW = MIDNIGHT + 12 * 3600  # noon


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1), (0.3, 0.5), (1, 1), (1.01, 2), (2.2, 2.5), (3, 5), (7, 10), (12, 20), (2016, 2500)],
)
def test_the_axis_top_is_the_next_round_number(value: float, top: float) -> None:
    assert geo.nice_max(value) == pytest.approx(top)


def test_bars_fill_the_height_at_the_axis_top_and_leave_gaps() -> None:
    boxes = geo.bars([0.0, 1.0, 2.0], width=300, height=100, gap=0.2)
    assert [b.height for b in boxes] == [0.0, 50.0, 100.0]  # axis top 2
    assert [b.y for b in boxes] == [100.0, 50.0, 0.0]
    assert [round(b.x, 6) for b in boxes] == [10.0, 110.0, 210.0]
    assert {b.width for b in boxes} == {80.0}


def test_points_put_time_across_and_values_up() -> None:
    frame = geo.TimeFrame(start=1000, end=2000, width=500, height=100)
    drawn = geo.points([(1000, 0.0), (1500, 50.0), (2000, 100.0), (1250, 150.0)], frame, 100)
    assert drawn == [(0.0, 100.0), (250.0, 50.0), (500.0, 0.0), (125.0, 0.0)]  # clamped at top


def test_bands_are_clipped_to_the_frame() -> None:
    frame = geo.TimeFrame(start=1000, end=2000, width=500, height=100)
    boxes = geo.bands([(900, 1100), (1400, 1600), (1900, 2500), (2100, 2200)], frame)
    assert [(b.x, b.width, b.height) for b in boxes] == [
        (0.0, 50.0, 100),
        (200.0, 100.0, 100),
        (450.0, 50.0, 100),
    ]


def test_the_model_splits_study_time_by_day_and_counts_where_sessions_started() -> None:
    history: list[dict[str, Any]] = [
        # 23:00 the day before yesterday until 01:00 yesterday: 1 h on each day
        {
            "start": MIDNIGHT - DAY - 3600,
            "end": MIDNIGHT - DAY + 3600,
            "reason": "timer",
            "estimated_cost_usd": 0.0002,
        },
        {
            "start": MIDNIGHT + 3600,
            "end": MIDNIGHT + 5400,
            "reason": "idle",
            "estimated_cost_usd": 0.0001,
        },
        {
            "start": MIDNIGHT + 7200,
            "end": MIDNIGHT + 7800,
            "reason": "idle",
            "estimated_cost_usd": 0.00005,
        },
        {"start": MIDNIGHT - 30 * DAY, "end": MIDNIGHT - 30 * DAY + 60, "reason": "quit"},  # old
        {"start": "garbage"},
    ]
    records = [
        {
            "timestamp": MIDNIGHT + 3600,
            "cpu_percent": 10,
            "memory_used_percent": 40.5,
            "load_1m": 0.2,
        },
        {"timestamp": MIDNIGHT - 2 * DAY + 60, "cpu_percent": 5},
        {"timestamp": MIDNIGHT - 3 * DAY, "cpu_percent": 99},  # before the period
    ]
    made = report_model.build(history, records, days=3, now=NOW, tz=UTC)
    assert [d.day for d in made.days] == [
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 28),
    ]
    assert [d.study_seconds for d in made.days] == [3600, 3600, 2400]
    assert [d.sessions for d in made.days] == [1, 0, 2]
    assert made.days[2].reasons == (("idle", 2),)
    assert [round(d.cost_usd, 8) for d in made.days] == [0.0001, 0.0001, 0.00015]
    assert made.study_seconds == 9600 and made.reasons == (("idle", 2), ("timer", 1))
    assert [s.at for s in made.samples] == [MIDNIGHT - 2 * DAY + 60, MIDNIGHT + 3600]
    assert made.samples[0].memory is None and made.samples[1].load == 0.2
    assert (made.start, made.end) == (MIDNIGHT - 2 * DAY, NOW)


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ([], ""),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "▁▂▃▄▅▆▇█"),
        ([5.0, 5.0, 5.0], "▁▁▁"),
        ([0.0, None, 10.0], "▁ █"),
        ([3.2, 40.0, 3.2, 21.6], "▁█▁▅"),
    ],
)
def test_sparkline(values: list[float | None], line: str) -> None:
    assert geo.sparkline(values) == line
