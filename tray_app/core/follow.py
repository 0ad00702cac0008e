"""How one client relates to a session it does not hold, or no longer holds: following the
holders, ending a session whose holds all lapsed, adopting one nobody holds, learning that its
own session was ended elsewhere. Pure; used by machine.py, ticks.py and outcomes.py."""

from __future__ import annotations

from dataclasses import replace

from tray_app.core import holds
from tray_app.core.events import (
    Action,
    Adopt,
    Expire,
    Leave,
    Notify,
    RecordSession,
    SavePendingStop,
)
from tray_app.core.holds import Shared
from tray_app.core.state import Phase, Requests, Result, Settings, State, numbered, stopping


def lapse_seconds(s: Settings) -> int | None:
    """How far ahead a new hold of this client lapses; None: it never heartbeats (the CLI)."""
    return None if s.heartbeat_seconds is None else s.idle_minutes * 60


def follow(state: State, now: float, s: Settings) -> Result:
    """The rule runs and this client holds nothing: follow the holders, end a session whose
    holds all lapsed, adopt one that nobody holds. Called where the client learns so: a poll
    (ticks.running), a refused heartbeat (outcomes.beaten), our stop leaving others
    (outcomes.stopped)."""
    if holds.live(state.shared, now, s.judge):
        return replace(state, phase=Phase.ON, unheld_since=None), []
    if state.shared.holds:
        return expire(state)
    if state.unheld_since is None:
        return replace(state, phase=Phase.ON, unheld_since=now), []
    ends = int(now + s.session_minutes * 60)
    hold = holds.hold_for(s.holder, s.name, ends, now, lapse_seconds(s))
    adopting, adopt = numbered(replace(state, phase=Phase.ON), Adopt(hold))
    return replace(adopting, requests=replace(adopting.requests, unsure=adopt.request)), [adopt]


def expire(state: State) -> Result:
    """Every hold lapsed and nobody was left to release the last one: end the session."""
    expiring, action = stopping(state, Expire(), "lapsed")
    return expiring, [action]


def lost(state: State, now: float, s: Settings, rule_on: bool) -> Result:
    """Our session was ended by someone else (a Stop elsewhere, the console or the guard): our
    part is cleared; where the rule runs on, the caller follows its holders next."""
    actions: list[Action] = []
    ours = state.ours
    if state.holding and ours.started_at is not None:
        actions.append(RecordSession(ours.started_at, now, "ended elsewhere", ours.invocations))
    if state.holding:
        actions.append(
            Notify(
                "Study session ended elsewhere",
                "The session was stopped outside this app (another device, the console, or "
                "the function's guard).",
            )
        )
    if not rule_on and state.shared.held_by(s.holder) is not None:
        actions.append(Leave(s.holder, "ended elsewhere"))  # tidy our hold out of the record
    if state.stop.pending:
        actions.append(SavePendingStop(False))
    cleared = replace(
        state,
        ours=replace(ours, deadline=None, started_at=None, last_heartbeat=None, invocations=0),
        stop=replace(state.stop, pending=False),
        unheld_since=None,
    )
    return cleared, actions


def ended(state: State, now: float, shared: Shared, rule_on: bool) -> Result:
    """This client's part of the session is over; the rule runs on (others hold it) or not."""
    actions: list[Action] = []
    ours = state.ours
    if state.holding and ours.started_at is not None:
        reason = state.stop.reason or "stop"
        actions.append(RecordSession(ours.started_at, now, reason, ours.invocations))
    if state.stop.pending:
        actions.append(SavePendingStop(False))
    phase = Phase.ON if rule_on else Phase.OFF
    # the request numbers go on: answers still on their way must stay recognisable
    over = State(
        phase=phase,
        shared=shared,
        last_poll=state.last_poll,
        requests=Requests(next=state.requests.next, seen=state.requests.seen),
    )
    return over, actions


def with_error(state: State, message: str, title: str) -> Result:
    """Remember an error and say it, once per distinct message."""
    if state.error == message:
        return state, []  # said once already
    return replace(state, error=message), [Notify(title, message)]
