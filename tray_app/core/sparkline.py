"""A sparkline of the last values (▁▂▃▄▅▆▇█), for the menu's metric line. Pure."""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"
LENGTH = 12  # values shown: an hour of collections at one every 5 minutes


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value, oldest first, scaled between the values' min and max; a
    missing value is a space. Flat data sits at the lowest bar."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    top = len(BARS) - 1
    return "".join(
        " " if v is None else BARS[0 if span == 0 else round((v - low) / span * top)]
        for v in values
    )
