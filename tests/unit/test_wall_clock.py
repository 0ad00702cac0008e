"""Wall-clock words across a DST change: the week's Monday and "auto-off HH:MM" use each date's
own offset, not today's (the core is given the zone; it reads no clock)."""

from __future__ import annotations

import ast
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tray_app.core import status_text
from tray_app.desktop.local_zone import LocalZone

BERLIN = ZoneInfo("Europe/Berlin")  # back to +1 on Sunday 25 Oct 2026, 03:00 → 02:00
JERUSALEM = ZoneInfo("Asia/Jerusalem")  # forward to +3 on Friday 27 Mar 2026, 02:00 → 03:00


def utc(year: int, month: int, day: int, hour: int, minute: int) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def session(start: float) -> dict[str, float]:
    return {"start": start, "minutes": 60, "estimated_cost_usd": 0.0001}


def test_the_week_starts_at_mondays_midnight_when_the_clocks_went_back_on_sunday() -> None:
    now = utc(2026, 10, 25, 11, 0)  # Sunday 12:00 CET (+1); Monday 19 Oct began at +2
    monday = utc(2026, 10, 18, 22, 0)  # Monday 00:00 CEST
    assert status_text.week_start(now, BERLIN) == monday
    assert status_text.week_line([session(monday + 1800)], now, BERLIN).startswith("1 h this")
    assert status_text.week_line([session(monday - 1800)], now, BERLIN) == ("no sessions this week")


def test_the_week_starts_at_mondays_midnight_when_the_clocks_went_forward_on_friday() -> None:
    now = utc(2026, 3, 28, 9, 0)  # Saturday 12:00 IDT (+3); Monday 23 Mar began at +2
    monday = utc(2026, 3, 22, 22, 0)  # Monday 00:00 IST
    assert status_text.week_start(now, JERUSALEM) == monday
    # Sunday 23:30, the week before: 24 h per day back from Saturday's midnight would count it.
    assert status_text.week_line([session(monday - 1800)], now, JERUSALEM) == (
        "no sessions this week"
    )


def test_a_deadline_after_the_change_is_shown_at_its_own_offset() -> None:
    now = utc(2026, 10, 24, 23, 0)  # Sunday 01:00 CEST
    deadline = utc(2026, 10, 25, 3, 0)  # 04:00 CET, not 05:00
    line = status_text.session_line(True, deadline, now, BERLIN)
    assert line == "Study session on — 4 h left (auto-off 04:00)"
    # And the other way round in March; together they catch "today's offset" whatever today is.
    now, deadline = utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2, 0)  # 01:30 CET, 04:00 CEST
    assert status_text.clock_time(deadline, BERLIN) == "04:00"


@pytest.fixture
def berlin_machine() -> Iterator[None]:
    """The process's own zone set to Berlin, as a user's machine would be."""
    if sys.platform == "win32":
        pytest.skip("time.tzset is POSIX only")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.mark.usefixtures("berlin_machine")
def test_the_machines_zone_agrees_with_the_tz_database_around_both_changes() -> None:
    local = LocalZone()
    for day in (datetime(2026, 3, 29), datetime(2026, 10, 25)):
        start = day.replace(tzinfo=UTC).timestamp() - 6 * 3600
        for stamp in range(int(start), int(start) + 12 * 3600, 15 * 60):
            ours, theirs = (
                datetime.fromtimestamp(stamp, local),
                datetime.fromtimestamp(stamp, BERLIN),
            )
            assert (ours.replace(tzinfo=None), ours.fold) == (
                theirs.replace(tzinfo=None),
                theirs.fold,
            )
            assert ours.utcoffset() == theirs.utcoffset() and ours.timestamp() == stamp
        for quarter in range(24 * 4):  # every wall time of the day, skipped and doubled ones too
            wall = day + timedelta(minutes=15 * quarter)
            for fold in (0, 1):
                ours_ts = wall.replace(tzinfo=local, fold=fold).timestamp()
                assert ours_ts == wall.replace(tzinfo=BERLIN, fold=fold).timestamp(), (wall, fold)
    assert datetime(2026, 7, 1, 12, tzinfo=local).tzname() == "CEST"
    assert status_text.week_start(utc(2026, 10, 25, 11, 0), local) == utc(2026, 10, 18, 22, 0)


CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic", "localtime", "gmtime", "tzset"}


def test_the_core_reads_no_clock_and_no_zone_setting() -> None:
    core = Path(status_text.__file__).parent
    found = [
        f"{path.name}:{node.lineno} .{node.func.attr}()"
        for path in sorted(core.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_READS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"time", "datetime", "date", "_time"}
    ]
    assert found == []
