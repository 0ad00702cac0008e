"""The machine's own time zone as a `tzinfo` that gives each date its own offset (DST included).

`datetime.now().astimezone().tzinfo` is a fixed offset: today's. Applied to last Monday or to a
deadline after a DST change it is an hour off. This zone asks the OS (`time.localtime`, which
follows TZ, /etc/localtime or the Windows setting) for the offset of each instant instead, so it
needs no zone name and no tz database.
"""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timedelta, tzinfo

DAY = 86400  # real zones change their offset far less often than daily


def _offset_at(stamp: int) -> int:
    """The machine's UTC offset at a Unix second, in seconds."""
    return time.localtime(stamp).tm_gmtoff


def _wall_seconds(dt: datetime) -> int:
    """The wall-clock reading of `dt`, counted as if it were UTC."""
    return calendar.timegm(dt.replace(tzinfo=None).timetuple())


class LocalZone(tzinfo):
    """The OS's local zone, asked per instant; folds and gaps resolved as `zoneinfo` does."""

    def fromutc(self, dt: datetime) -> datetime:
        """The wall time of a UTC instant (what `datetime.fromtimestamp(t, zone)` calls)."""
        stamp = _wall_seconds(dt)
        offset = _offset_at(stamp)
        wall = dt.replace(tzinfo=None) + timedelta(seconds=offset)
        # The second time a wall time comes round (after the clocks went back) is fold=1.
        earlier = _offset_at(stamp - DAY)
        first = stamp + offset - earlier
        fold = int(earlier > offset and first < stamp and _offset_at(first) == earlier)
        return wall.replace(tzinfo=self, fold=fold)

    def utcoffset(self, dt: datetime | None) -> timedelta:
        """The offset in force at wall time `dt`."""
        return timedelta(seconds=self._offset(dt))

    def dst(self, dt: datetime | None) -> timedelta:
        """How far `dt`'s offset is ahead of the zone's standard offset."""
        offset = self._offset(dt)
        stamp = time.time() if dt is None else _wall_seconds(dt) - offset
        summer = time.localtime(stamp).tm_isdst > 0
        return timedelta(seconds=offset + time.timezone) if summer else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        """The zone's abbreviation at `dt` (CET, CEST …)."""
        stamp = time.time() if dt is None else _wall_seconds(dt) - self._offset(dt)
        return time.localtime(stamp).tm_zone

    def _offset(self, dt: datetime | None) -> int:
        if dt is None:
            return _offset_at(int(time.time()))
        wall = _wall_seconds(dt)
        before, after = _offset_at(wall - DAY), _offset_at(wall + DAY)
        fits = [o for o in dict.fromkeys((before, after)) if _offset_at(wall - o) == o]
        if not fits:  # a wall time the clocks skipped: fold=0 reads it with the old offset
            return after if dt.fold else before
        if len(fits) == 1:
            return fits[0]
        # A wall time that happened twice: fold=0 is the earlier instant (the larger offset).
        return min(fits) if dt.fold else max(fits)

    def __repr__(self) -> str:
        return "LocalZone()"


LOCAL = LocalZone()
