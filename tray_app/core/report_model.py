"""What the study report shows, computed from the session history and the metrics records of a
period: study time, sessions, their ends and cost per day, and the metrics over time. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any


@dataclass(frozen=True)
class Session:
    """One study session, clipped to the period."""

    start: float
    end: float
    reason: str
    cost_usd: float


@dataclass(frozen=True)
class Day:
    """One calendar day (the reader's zone) of the period."""

    day: date
    start: float  # its midnight
    study_seconds: float
    sessions: int  # sessions that started this day
    reasons: tuple[tuple[str, int], ...]  # how those ended, most frequent first
    cost_usd: float


@dataclass(frozen=True)
class Sample:
    """One metrics record: when, and the values the charts draw (None when missing)."""

    at: float
    cpu: float | None
    memory: float | None
    load: float | None


@dataclass(frozen=True)
class Report:
    """Everything on the page."""

    start: float
    end: float
    days: tuple[Day, ...]
    sessions: tuple[Session, ...]
    samples: tuple[Sample, ...]  # oldest first

    @property
    def study_seconds(self) -> float:
        """Study time in the whole period."""
        return sum(d.study_seconds for d in self.days)

    @property
    def cost_usd(self) -> float:
        """Estimated cost of the whole period."""
        return sum(d.cost_usd for d in self.days)

    @property
    def reasons(self) -> tuple[tuple[str, int], ...]:
        """How the period's sessions ended, most frequent first."""
        counts: Counter[str] = Counter()
        for d in self.days:
            counts.update(dict(d.reasons))
        return tuple(counts.most_common())


def period(days: int, now: float, tz: tzinfo) -> tuple[float, float, list[date]]:
    """The last `days` calendar days up to now: (start, end, the dates)."""
    today = datetime.fromtimestamp(now, tz).date()
    dates = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    return _midnight(dates[0], tz), now, dates


def build(
    history: Iterable[Mapping[str, Any]],
    records: Iterable[Mapping[str, Any]],
    days: int,
    now: float,
    tz: tzinfo,
) -> Report:
    """The report for the last `days` days; malformed history lines and records are skipped."""
    start, end, dates = period(days, now, tz)
    sessions = [s for s in (_session(e, start, end) for e in history) if s is not None]
    bounds = [_midnight(d, tz) for d in dates] + [_midnight(dates[-1] + timedelta(days=1), tz)]
    table = []
    for n, day in enumerate(dates):
        lo, hi = bounds[n], bounds[n + 1]
        seconds = 0.0
        cost = 0.0
        started = Counter[str]()
        for s in sessions:
            inside = max(0.0, min(s.end, hi) - max(s.start, lo))
            seconds += inside
            if s.end > s.start:
                cost += s.cost_usd * inside / (s.end - s.start)
            elif lo <= s.start < hi:
                cost += s.cost_usd
            if lo <= s.start < hi:
                started[s.reason] += 1
        table.append(
            Day(day, lo, seconds, sum(started.values()), tuple(started.most_common()), cost)
        )
    samples = sorted(
        (s for s in (_sample(r, start, end) for r in records) if s is not None),
        key=lambda s: s.at,
    )
    return Report(start, end, tuple(table), tuple(sessions), tuple(samples))


def _midnight(day: date, tz: tzinfo) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _session(entry: Mapping[str, Any], start: float, end: float) -> Session | None:
    began, ended = _number(entry.get("start")), _number(entry.get("end"))
    if began is None or ended is None or ended < began or ended < start or began > end:
        return None
    cost = _number(entry.get("estimated_cost_usd")) or 0.0
    clipped = max(began, start), min(ended, end)
    share = 1.0 if ended == began else (clipped[1] - clipped[0]) / (ended - began)
    return Session(clipped[0], clipped[1], str(entry.get("reason", "unknown")), cost * share)


def _sample(record: Mapping[str, Any], start: float, end: float) -> Sample | None:
    at = _number(record.get("timestamp"))
    if at is None or not start <= at <= end:
        return None
    return Sample(
        at,
        _number(record.get("cpu_percent")),
        _number(record.get("memory_used_percent")),
        _number(record.get("load_1m")),
    )
