"""Where the report's chart marks go: nice axis maxima, bars, a line's points, session bands.
Numbers only (the page turns them into SVG); and the menu's sparkline, a chart in characters.
Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rectangle in chart coordinates (y grows downwards, as in SVG)."""

    x: float
    y: float
    width: float
    height: float


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times 10^k at or above `value` (an axis top); 1 for nothing."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10 * power


def ticks(top: float) -> list[float]:
    """Axis values from 0 to `top` (a nice_max) in round steps: 0.5 for 2.5, 1 for 5, …"""
    lead = top / 10.0 ** math.floor(math.log10(top)) if top > 0 else 1.0
    count = 4 if math.isclose(lead, 2.0) else 5
    return [top * n / count for n in range(count + 1)]


def bars(values: Sequence[float], width: float, height: float, gap: float = 0.2) -> list[Box]:
    """One bar per value across `width`, scaled so `nice_max(max(values))` fills `height`;
    `gap` is the share of each slot left empty."""
    if not values:
        return []
    top = nice_max(max(values))
    slot = width / len(values)
    bar = slot * (1 - gap)
    boxes = []
    for n, value in enumerate(values):
        h = height * max(0.0, value) / top
        boxes.append(Box(n * slot + (slot - bar) / 2, height - h, bar, h))
    return boxes


@dataclass(frozen=True)
class TimeFrame:
    """A chart whose x axis runs from `start` to `end` over `width`, `height` tall."""

    start: float
    end: float
    width: float
    height: float

    def x_of(self, at: float) -> float:
        """The x of time `at`."""
        span = self.end - self.start
        return 0.0 if span <= 0 else (at - self.start) / span * self.width


def points(
    series: Sequence[tuple[float, float]], frame: TimeFrame, top: float
) -> list[tuple[float, float]]:
    """(time, value) pairs as (x, y): values 0..`top` up the frame's height."""
    h = frame.height
    return [(frame.x_of(at), h - h * min(max(v, 0.0), top) / top) for at, v in series]


def bands(spans: Sequence[tuple[float, float]], frame: TimeFrame) -> list[Box]:
    """Full-height boxes for time spans (study sessions), clipped to the frame."""
    boxes = []
    for begin, finish in spans:
        lo, hi = max(begin, frame.start), min(finish, frame.end)
        if hi > lo:
            x = frame.x_of(lo)
            boxes.append(Box(x, 0.0, frame.x_of(hi) - x, frame.height))
    return boxes


SPARK_BARS = "▁▂▃▄▅▆▇█"
SPARK_LENGTH = 12  # values shown: an hour of collections at one every 5 minutes


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value, oldest first, scaled between the values' min and max; a
    missing value is a space. Flat data sits at the lowest bar."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    top = len(SPARK_BARS) - 1
    return "".join(
        " " if v is None else SPARK_BARS[0 if span == 0 else round((v - low) / span * top)]
        for v in values
    )
