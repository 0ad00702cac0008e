"""Words and numbers for people: the session line, a metric line, times. Pure, no I/O.

Wall-clock times need the caller's zone (`tz`): the core reads no clock and no zone setting, and
a zone that knows its DST rules (zoneinfo, or the desktop's `LocalZone`) gives each date its own
offset.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from tray_app.core import bounded, holds
from tray_app.core.holds import Hold, Judge

# What datetime can show, a day inside its years 1 and 9999 so that no zone offset crosses them:
# a time from another device is formatted whatever it is, never raising (1e100, -1e100).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST_SHOWN = (datetime(1, 1, 2, tzinfo=UTC) - EPOCH).total_seconds()
LAST_SHOWN = (datetime(9999, 12, 30, tzinfo=UTC) - EPOCH).total_seconds()
LONGEST_SESSION = bounded.LONGEST_SESSION_MINUTES * 60


def _showable(unix: float) -> datetime | None:
    """`unix` as a UTC datetime, held inside the years datetime knows; None for NaN."""
    if math.isnan(unix):
        return None
    # by arithmetic, not fromtimestamp: Windows' C library refuses instants before 1970
    return EPOCH + timedelta(seconds=min(max(unix, FIRST_SHOWN), LAST_SHOWN))


def clock_time(unix: float, tz: tzinfo) -> str:
    """HH:MM in the given zone ('--:--' for a time that is no number, or one the zone cannot
    place: Windows' local time ends in the year 3000)."""
    shown = _showable(unix)
    try:
        return "--:--" if shown is None else shown.astimezone(tz).strftime("%H:%M")
    except (OverflowError, OSError, ValueError):
        return "--:--"


def iso_utc(unix: float | None) -> str | None:
    """ISO-8601 UTC (…Z) or None (for NaN too)."""
    shown = None if unix is None else _showable(unix)
    return None if shown is None else shown.strftime("%Y-%m-%dT%H:%M:%SZ")


def year(unix: float) -> str:
    """When `unix` is, by its year in UTC: 'in 2126', 'after 9999', 'before year 1', 'never'."""
    if math.isnan(unix):
        return "never"
    if unix > LAST_SHOWN:
        return "after 9999"
    if unix < FIRST_SHOWN:
        return "before year 1"
    shown = _showable(unix)
    return f"in {shown.year}" if shown else "never"


def duration(seconds: float, coarse: bool = False) -> str:
    """A short human duration: 45 s, 12 min, 2 h 5 min; `coarse` says 'under 1 min' instead of
    seconds, for lines that must not change every second (the terminal panel prints each)."""
    # int() of NaN or infinity raises: a time from another device is shown, never raising
    seconds = 0 if math.isnan(seconds) else int(min(max(0.0, seconds), LAST_SHOWN - FIRST_SHOWN))
    if seconds < 60:
        return "under 1 min" if coarse else f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def session_line(
    enabled: bool,
    deadline: float | None,
    now: float,
    tz: tzinfo,
    coarse: bool = False,
) -> str:
    """'Study session on — 42 min left (auto-off 15:30)' or 'Off — costs $0'."""
    if not enabled:
        return "Off — costs $0"
    if deadline is None:
        return "On — no session deadline (started outside pipeline-tray)"
    if deadline <= now:
        return "On — deadline passed; the off switch turns it off at the rule's next run"
    left = duration(deadline - now, coarse)
    return f"Study session on — {left} left (auto-off {clock_time(deadline, tz)})"


def names(holds: Sequence[Hold]) -> str:
    """'laptop', 'laptop and desktop', 'laptop, desktop and cli' (names cleaned and cut)."""
    words = [bounded.clean_text(h.name) for h in holds]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _grace(hold: Hold, judge: Judge | None) -> int:
    return holds.grace(hold, judge) if judge else holds.SKEW_SECONDS


def held_to_bound(hold: Hold, now: float, judge: Judge | None = None) -> Hold:
    """`hold` as shown: its `ends` and `lapses` held to now + the longest session + its grace."""
    grace = _grace(hold, judge)
    ends = bounded.bound_instant(hold.ends, now, LONGEST_SESSION, grace)
    lapses = bounded.bound_instant(hold.lapses, now, LONGEST_SESSION, grace)
    return (
        hold
        if (ends, lapses) == (hold.ends, hold.lapses)
        else replace(hold, ends=ends, lapses=lapses)
    )


def clock_notes(
    others: Sequence[Hold], now: float, tz: tzinfo, judge: Judge | None = None
) -> list[str]:
    """One line per hold whose end lies beyond the bound: 'hold from laptop ends in 2126: its
    clock is wrong, counted as ending 20:25'."""
    notes = []
    for hold in others:
        if bounded.is_beyond(hold.ends, now, LONGEST_SESSION, _grace(hold, judge)):
            counted = held_to_bound(hold, now, judge).ends
            notes.append(
                f"hold from {names([hold])} ends {year(hold.ends)}: its clock is wrong, "
                f"counted as ending {clock_time(counted, tz)}"
            )
    return notes


class WrongClocks:
    """Names each wrong clock once (the panel and the tray redraw many times a minute)."""

    def __init__(self) -> None:
        self._said: set[str] = set()

    def news(
        self, others: Sequence[Hold], now: float, tz: tzinfo, judge: Judge | None = None
    ) -> list[str]:
        """The clock_notes not said before; a hold is said again only when its end changes."""
        fresh = []
        for note in clock_notes(others, now, tz, judge):
            said = note.split(":", 1)[0]  # "hold from laptop ends in 2126": the bound moves
            if said not in self._said:
                self._said.add(said)
                fresh.append(note)
        return fresh


def shared_line(
    enabled: bool,
    own_end: float | None,
    others: Sequence[Hold],
    now: float,
    *,
    tz: tzinfo,
    judge: Judge | None = None,
    coarse: bool = False,
) -> str:
    """The session as this client sees it: its own hold first, then who else holds it.

    'Study session on — 42 min left (auto-off 15:30) · also on: desktop', or
    'Study session on — held by laptop, 12 min left (until 15:30)'. `judge` (this client) says
    how much clock grace the others' holds get; without one, the default. Their ends are shown
    held to the bound (held_to_bound).
    """
    others = [held_to_bound(h, now, judge) for h in others]
    if not enabled or (own_end is None and not others):
        return session_line(enabled, own_end, now, tz, coarse)
    if own_end is not None:
        line = session_line(True, own_end, now, tz, coarse)
        return f"{line} · also on: {names(others)}" if others else line
    end = others_end(others, now, tz, judge, coarse)
    return f"Study session on — held by {names(others)}, {end}"


def others_end(
    others: Sequence[Hold],
    now: float,
    tz: tzinfo,
    judge: Judge | None = None,
    coarse: bool = False,
) -> str:
    """When a session held elsewhere ends: '12 min left (until 15:30)' while a holder can still
    renew or end it; once every hold is past its lapse, the grace the rule still runs for (this
    client and the function both switch it off at that instant, not before)."""
    running = [h for h in others if now < h.lapses]  # its holder still renews or ends it
    end = max((h.ends for h in running), default=now)
    if end > now:
        return f"{duration(end - now, coarse)} left (until {clock_time(end, tz)})"
    off = max(h.lapses + (holds.grace(h, judge) if judge else holds.SKEW_SECONDS) for h in others)
    if off <= now:
        return "ending now"
    left = duration(off - now, coarse)
    more = left if left.startswith("under") else f"up to {left}"
    return f"ending — {more} more for clock differences (off by {clock_time(off, tz)})"


def metric_line(record: dict[str, Any] | None, now: float) -> str:
    """'CPU 3.2 % · Mem 41 % · 2 min ago' or 'no metrics yet'."""
    if not record:
        return "no metrics yet"
    parts = []
    if isinstance(record.get("cpu_percent"), int | float):
        parts.append(f"CPU {record['cpu_percent']:.1f} %")
    if isinstance(record.get("memory_used_percent"), int | float):
        parts.append(f"Mem {record['memory_used_percent']:.0f} %")
    if not parts:  # a collector of the user's own: its numbers, by their own names
        parts = [f"{name} {value:g}" for name, value in own_numbers(record)[:3]]
    stamp = record.get("timestamp")
    if isinstance(stamp, int | float):
        parts.append(f"{duration(now - stamp)} ago")
    return " · ".join(parts) or "a record without metrics"


# Fields that say when or where a record is, not what was measured.
NOT_MEASURED = frozenset({"timestamp", "expires_at", "ttl", "remaining_time_ms", "uptime_seconds"})


def own_numbers(record: dict[str, Any]) -> list[tuple[str, float]]:
    """The record's measured numbers by name, in its own order."""
    return [
        (name, value)
        for name, value in record.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and name not in NOT_MEASURED
    ]


def week_start(now: float, tz: tzinfo) -> float:
    """Monday 00:00 of `now`'s week in `tz`, as Unix seconds."""
    today = datetime.fromtimestamp(now, tz=tz).date()
    # Midnight of that date in the zone, not today's midnight minus 24 h per day: a DST change
    # between Monday and today makes one of those days 23 or 25 hours long.
    return datetime.combine(today - timedelta(days=today.weekday()), time(), tz).timestamp()


def week_line(entries: list[dict[str, Any]], now: float, tz: tzinfo) -> str:
    """This week's study time and estimated cost: '3 h 20 min this week · ~$0.0004'."""
    monday = week_start(now, tz)
    week = [e for e in entries if isinstance(e.get("start"), int | float) and e["start"] >= monday]
    minutes = sum(float(e.get("minutes", 0)) for e in week)
    cost = sum(float(e.get("estimated_cost_usd", 0)) for e in week)
    if not week:
        return "no sessions this week"
    return f"{duration(minutes * 60)} this week · ~${cost:.4f}"
