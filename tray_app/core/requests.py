"""The user's requests and the app's own stops, as the session core's handlers: start, stop,
toggle, extend, invoke, and what a pending stop from the last run means. Pure."""

from __future__ import annotations

from dataclasses import replace

from tray_app.core import holds
from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.events import (
    Action,
    AwsAction,
    EndAll,
    Event,
    ExtendRequested,
    Invoke,
    Join,
    Leave,
    RecordSession,
    SavePendingStop,
    StartRequested,
    StopRequested,
    Toggle,
)
from tray_app.core.follow import expire, lapse_seconds
from tray_app.core.state import Ours, Phase, Result, Settings, State, awaited, settled, stopping


def ignore(state: State, event: Event, s: Settings) -> Result:
    """Nothing to do: the event changes nothing in this phase."""
    return state, []


def start(state: State, event: Event, s: Settings) -> Result:
    """Start a session (or give our running hold a new end): Join, awaited while starting."""
    assert isinstance(event, StartRequested | Toggle)
    minutes = getattr(event, "minutes", None) or s.session_minutes
    deadline = event.now + minutes * 60
    hold = holds.hold_for(s.holder, s.name, int(deadline), event.now, lapse_seconds(s))
    if state.phase is Phase.ON and state.holding:  # restart: a new end for our own hold
        return replace(state, ours=replace(state.ours, deadline=deadline)), [Join(hold)]
    actions: list[Action] = []
    ours = state.ours
    if state.phase is Phase.STOPPING and ours.started_at is not None:
        # a start overtakes the stop on its way: the session it stopped is over all the same
        reason = state.stop.reason or "stop"
        actions.append(RecordSession(ours.started_at, event.now, reason, ours.invocations))
    new = replace(
        state,
        phase=Phase.STARTING,
        ours=Ours(deadline=deadline, last_heartbeat=ours.last_heartbeat),
        unheld_since=None,
        stop=replace(state.stop, reason=None, retry=None, retry_at=None, attempts=0),
    )
    new, join = awaited(new, Join(hold))
    return new, [*actions, join]


def stop(state: State, event: Event, s: Settings) -> Result:
    """Stop: an explicit Stop ends every hold; automatic reasons release only ours."""
    reason = event.reason if isinstance(event, StopRequested) else "user"
    if reason == "user":
        action: AwsAction = EndAll(reason)
    elif state.holding or state.requests.unsure:
        action = Leave(s.holder, reason)
    elif state.phase is Phase.ON and not holds.live(state.shared, event.now, s.judge):
        # following a session whose holds all lapsed: end it, nobody else may be left to
        return expire(state) if state.shared.holds else (state, [])
    else:
        return state, []  # quitting while holding nothing: nothing of ours keeps the rule on
    new, action = stopping(state, action, reason)
    return new, [action]


def stop_again(state: State, event: Event, s: Settings) -> Result:
    """A stop while stopping: only an explicit Stop changes it (it ends every hold)."""
    assert isinstance(event, StopRequested)
    if event.reason != "user" or isinstance(state.stop.retry, EndAll):
        return state, []
    return stop(state, event, s)


def toggle(state: State, event: Event, s: Settings) -> Result:
    """A click: the opposite of where the session is heading."""
    # The opposite of where the session is heading: Stop while starting, Start while stopping.
    heading_on = state.phase in (Phase.ON, Phase.STARTING)
    return (stop if heading_on else start)(state, event, s)


def extend(state: State, event: Event, s: Settings) -> Result:
    """Push this client's end back; a session held only by others is theirs to extend."""
    assert isinstance(event, ExtendRequested)
    if state.ours.deadline is None:
        return state, []  # following someone else's session: its length is theirs
    # never past the longest session from now: other devices would hold it to that bound
    longest = event.now + LONGEST_SESSION_MINUTES * 60
    deadline = min(max(state.ours.deadline, event.now) + event.minutes * 60, longest)
    hold = holds.hold_for(s.holder, s.name, int(deadline), event.now, lapse_seconds(s))
    ours = replace(state.ours, deadline=deadline, last_heartbeat=event.now)
    return replace(state, ours=ours), [Join(hold)]


def invoke(state: State, event: Event, s: Settings) -> Result:
    """Run the function once now, in any phase."""
    return state, [Invoke()]


def pending_found(state: State, event: Event, s: Settings) -> Result:
    """The last run could not confirm its stop: release our hold first thing."""
    if state.phase in (Phase.STARTING, Phase.STOPPING) or state.holding:
        # a session of ours is under way: its own end clears the pending stop
        return replace(state, stop=replace(state.stop, pending=True)), []
    new, action = stopping(state, Leave(s.holder, "pending"), "pending")
    return replace(new, stop=replace(new.stop, pending=True)), [action]


def gave_up(state: State, event: Event, s: Settings) -> Result:
    """The app exits with its stop unconfirmed: save the pending stop for the next start."""
    # Exiting with our stop unconfirmed: the next start must apply it first.
    if settled(state):
        return state, []
    return replace(state, stop=replace(state.stop, pending=True)), [SavePendingStop(True)]
