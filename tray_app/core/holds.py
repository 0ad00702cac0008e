"""Shared study sessions as plain data: holds, which of them are live, and how each change
rewrites them. Pure: no AWS, no clock (every function takes `now`).

A session is one versioned record in AWS with one *hold* per client that joined it (each
device's tray, the CLI). The rule runs while any hold is live. Each change below is applied by
the store as read → change → conditional write, so two clients never lose each other's holds.

Clocks differ between devices (up to ±3 min is allowed): a hold written by another device is
judged with `skew` seconds of grace, so a slow clock there never ends a session early here. A
hold written on this device (the tray and the CLI share the device id) is judged exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

# The clock difference between devices we must tolerate: the one default of the tray and of the
# off switch (session-control.yaml's ClockSkewSeconds is the deployed one, kept equal by a
# test). A running tray uses the value the off switch is configured with.
SKEW_SECONDS = 180


@dataclass(frozen=True)
class Hold:
    """One client's part of the session: its intended end and when it lapses unless renewed."""

    holder: str  # "<device id>" for a tray, "<device id>/cli" for the CLI
    name: str  # what people see: the host name by default
    ends: float  # Unix seconds: the holder's timer (whole seconds when this app wrote it)
    heartbeat: bool  # renewed while its user is active (a tray), or not (the CLI)
    lapses: float  # Unix seconds: without a heartbeat this is `ends`


@dataclass(frozen=True)
class Shared:
    """The session record as last read; version 0 means no record exists yet."""

    holds: tuple[Hold, ...] = ()
    version: int = 0

    def held_by(self, holder: str) -> Hold | None:
        """The hold of `holder`, or None."""
        return next((h for h in self.holds if h.holder == holder), None)


@dataclass(frozen=True)
class Judge:
    """Who judges liveness: their own device's holds get no grace, other devices' get `skew`."""

    holder: str
    skew: int = SKEW_SECONDS


@dataclass(frozen=True)
class Change:
    """What a change writes, and what it means for the rule: True enable, False disable,
    None leave the rule as it is (e.g. a heartbeat must not undo a console switch-off)."""

    shared: Shared
    rule_on: bool | None


def device_of(holder: str) -> str:
    """The device part of a holder id (the CLI's hold shares its device's clock)."""
    return holder.split("/", 1)[0]


def grace(hold: Hold, judge: Judge) -> int:
    """Seconds of clock-skew grace `judge` gives `hold`."""
    return 0 if device_of(hold.holder) == device_of(judge.holder) else judge.skew


def is_live(hold: Hold, now: float, judge: Judge) -> bool:
    """True while the hold has not lapsed, as `judge` sees it."""
    return now < hold.lapses + grace(hold, judge)


def live(shared: Shared, now: float, judge: Judge) -> tuple[Hold, ...]:
    """The holds still live at `now`."""
    return tuple(h for h in shared.holds if is_live(h, now, judge))


def others(shared: Shared, now: float, judge: Judge) -> tuple[Hold, ...]:
    """The live holds of everyone but `judge`."""
    return tuple(h for h in live(shared, now, judge) if h.holder != judge.holder)


def function_sees(hold: Hold, now: float, skew: int) -> bool:
    """The off switch's rule: every hold gets the grace, since its clock is no device's."""
    return now < hold.lapses + skew


def function_deadline(shared: Shared, now: float, skew: int = SKEW_SECONDS) -> float | None:
    """The instant the function's decision flips to "no live hold" if nothing changes: the last
    live hold's lapse plus the grace; None without a hold the function counts as live."""
    lapses = [h.lapses for h in shared.holds if function_sees(h, now, skew)]
    return max(lapses) + skew if lapses else None


def event_deadline(shared: Shared, now: float, skew: int = SKEW_SECONDS) -> int | None:
    """function_deadline in the whole seconds of the rule's `session_deadline` (rounded up, so
    the event's copy never ends a session the holds still keep)."""
    deadline = function_deadline(shared, now, skew)
    return None if deadline is None else math.ceil(deadline)


def held_to(shared: Shared, bound: float) -> Shared | None:
    """The record with every hold lapsing after `bound` held to it; None when none does."""
    if all(h.lapses <= bound for h in shared.holds):
        return None
    holds = tuple(
        h if h.lapses <= bound else replace(h, ends=min(h.ends, bound), lapses=bound)
        for h in shared.holds
    )
    return Shared(holds, shared.version + 1)


def hold_for(holder: str, name: str, ends: float, now: float, lapse_seconds: int | None) -> Hold:
    """A new hold: with `lapse_seconds` it heartbeats and lapses that far ahead (at most `ends`)."""
    if lapse_seconds is None:
        return Hold(holder, name, ends, heartbeat=False, lapses=ends)
    return Hold(holder, name, ends, heartbeat=True, lapses=min(ends, int(now) + lapse_seconds))


# ---- the changes; each returns None when it must not be written (someone else got there) ----


def join(shared: Shared, hold: Hold, now: float, judge: Judge) -> Change:
    """Add (or replace) a hold; the rule must run."""
    kept = tuple(h for h in live(shared, now, judge) if h.holder != hold.holder)
    return Change(replace(shared, holds=(*kept, hold)), rule_on=True)


def beat(shared: Shared, holder: str, lapses: float, now: float, judge: Judge) -> Change | None:
    """Renew a hold's lapse; None when the hold is gone (someone ended the session)."""
    mine = shared.held_by(holder)
    if mine is None:
        return None
    renewed = replace(mine, lapses=min(mine.ends, lapses))
    kept = tuple(h for h in live(shared, now, judge) if h.holder != holder)
    return Change(replace(shared, holds=(*kept, renewed)), rule_on=None)


def leave(shared: Shared, holder: str, now: float, judge: Judge) -> Change:
    """Drop one hold; the rule goes off only when no live hold remains."""
    kept = tuple(h for h in live(shared, now, judge) if h.holder != holder)
    return Change(replace(shared, holds=kept), rule_on=None if kept else False)


def end_all(shared: Shared) -> Change:
    """An explicit stop: every hold ends and the rule goes off."""
    return Change(replace(shared, holds=()), rule_on=False)


def adopt(shared: Shared, hold: Hold, now: float, judge: Judge) -> Change | None:
    """Claim a rule that runs with no live hold; None when someone already holds it."""
    if live(shared, now, judge):
        return None
    return Change(replace(shared, holds=(hold,)), rule_on=None)


def expire(shared: Shared, now: float, judge: Judge) -> Change:
    """Drop lapsed holds; the rule goes off when none is live."""
    kept = live(shared, now, judge)
    return Change(replace(shared, holds=kept), rule_on=None if kept else False)
