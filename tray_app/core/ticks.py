"""Time and polls in the session core: what a Tick does in each phase (timer, idle, warnings,
heartbeat, lapses, retries, polls) and what a poll's answer means. Pure."""

from __future__ import annotations

from dataclasses import replace

from tray_app.core import holds
from tray_app.core.events import Action, Beat, Event, Notify, Poll, Polled, StopRequested, Tick
from tray_app.core.follow import expire, follow, lost
from tray_app.core.holds import Shared
from tray_app.core.requests import stop
from tray_app.core.state import Phase, Result, Settings, State, awaited
from tray_app.core.status_text import duration
from tray_app.core.user_actions import EXTEND_TEXT, UserAction

BUSY = (Phase.STARTING, Phase.STOPPING)
# Warnings before this device's hold ends by itself: once, 5 minutes before its timer, with an
# action to extend; once, 2 minutes before idle would end it.
TIMER_WARNING_SECONDS = 5 * 60
IDLE_WARNING_SECONDS = 2 * 60
EXTEND = (UserAction.EXTEND.value, EXTEND_TEXT)  # (button key, button text)


def beat_seconds(s: Settings) -> int | None:
    """Seconds between heartbeats, or None for a client that never renews (the CLI)."""
    # A hold lapses idle_minutes after its last renewal: renew at least twice in that time,
    # or the function's guard could end a session whose user is still active.
    if s.heartbeat_seconds is None:
        return None
    return max(1, min(s.heartbeat_seconds, s.idle_minutes * 30))


def polled(state: State, event: Event, s: Settings) -> Result:
    """A poll's answer: what runs and who holds it (`step` keeps out one older than an answer
    already applied), unless a call is in flight."""
    assert isinstance(event, Polled)
    state = replace(state, last_poll=event.now, error=None)
    if state.phase in BUSY:
        return state, []  # a poll sent before the call in flight: that answer decides
    # asked after the unsure request was answered, it also knows whether that one wrote a hold
    unsure = 0 if event.request > state.requests.unsure else state.requests.unsure
    state = replace(state, requests=replace(state.requests, seen=event.request, unsure=unsure))
    if not event.enabled:
        if state.phase is Phase.ON:
            return lost(replace(state, phase=Phase.OFF), event.now, s, rule_on=False)
        return replace(state, phase=Phase.OFF, shared=Shared(), unheld_since=None), []
    return running(replace(state, shared=event.shared or Shared()), event.now, s)


def running(state: State, now: float, s: Settings) -> Result:
    """A poll found the rule running, with `state.shared` just read."""
    mine = state.shared.held_by(s.holder)
    said: list[Action] = []
    if state.holding and mine is not None:
        # the end AWS has is the end
        return replace(state, ours=replace(state.ours, deadline=float(mine.ends))), []
    if state.holding:  # our hold was ended by someone's Stop (maybe a new session began)
        state, said = lost(state, now, s, rule_on=True)
    elif mine is not None and holds.is_live(mine, now, s.judge):
        # our own hold from before a restart of this app (or a Join whose answer was lost)
        ours = replace(state.ours, deadline=float(mine.ends), started_at=now, last_heartbeat=None)
        return replace(state, phase=Phase.ON, ours=ours, unheld_since=None), []
    state, more = follow(state, now, s)
    return state, [*said, *more]


def tick_on(state: State, event: Event, s: Settings) -> Result:
    """Time passes while the rule runs: timer, idle, warnings, heartbeat, lapses, polls."""
    assert isinstance(event, Tick)
    deadline = state.ours.deadline
    if deadline is None:
        if state.shared.holds and not holds.live(state.shared, event.now, s.judge):
            return expire(state)  # the last hold just lapsed: end it now
        return poll_if_due(state, event.now, s, [])
    if event.now >= deadline:
        return stop(state, StopRequested(event.now, "timer"), s)
    if event.idle_seconds is not None and event.idle_seconds >= s.idle_minutes * 60:
        return stop(state, StopRequested(event.now, "idle"), s)
    state, actions = warnings_due(state, event.now, event.idle_seconds, s)
    if beat_due(state, event, s):
        lapses = int(min(deadline, event.now + s.idle_minutes * 60))
        state = replace(state, ours=replace(state.ours, last_heartbeat=event.now))
        actions.append(Beat(s.holder, lapses))
    return poll_if_due(state, event.now, s, actions)


def idle_warning_at(s: Settings) -> int:
    """Idle seconds at which the idle warning comes: 2 minutes before the limit, or halfway
    through a limit shorter than 4 minutes."""
    limit = s.idle_minutes * 60
    return max(limit - IDLE_WARNING_SECONDS, limit // 2)


def warnings_due(
    state: State, now: float, idle_seconds: float | None, s: Settings
) -> tuple[State, list[Action]]:
    """The warnings to show now (each once; again after an extension or new activity)."""
    ours = state.ours
    assert ours.deadline is not None
    actions: list[Action] = []
    left = ours.deadline - now
    if left <= TIMER_WARNING_SECONDS:
        if not ours.warned_timer:
            ours = replace(ours, warned_timer=True)
            actions.append(
                Notify(
                    f"{duration(left)} left in your study session",
                    f"It switches off in {duration(left)}. {EXTEND[1]} to keep studying.",
                    kind="timer-warning",
                    actions=(EXTEND,),
                )
            )
    elif ours.warned_timer:  # extended: warn again before the new end
        ours = replace(ours, warned_timer=False)
    if idle_seconds is not None and idle_seconds >= idle_warning_at(s):
        if not ours.warned_idle:
            ours = replace(ours, warned_idle=True)
            remaining = max(0.0, s.idle_minutes * 60 - idle_seconds)
            actions.append(
                Notify(
                    f"Idle: the study session ends in {duration(remaining)}",
                    "Move the mouse or press a key to keep it on.",
                    kind="idle-warning",
                )
            )
    elif ours.warned_idle and idle_seconds is not None:  # active again
        ours = replace(ours, warned_idle=False)
    return replace(state, ours=ours), actions


def beat_due(state: State, event: Tick, s: Settings) -> bool:
    """A heartbeat is due: the user is active and the last one is `beat_seconds` seconds old."""
    beat = beat_seconds(s)
    if beat is None:
        return False
    active = event.idle_seconds is None or event.idle_seconds < beat
    last = state.ours.last_heartbeat
    return active and (last is None or event.now - last >= beat)


def tick_idle(state: State, event: Event, s: Settings) -> Result:
    """Time passes while off or unknown: poll when due."""
    return poll_if_due(state, event.now, s, [])


def tick_stopping(state: State, event: Event, s: Settings) -> Result:
    """Time passes while a stop waits for its retry: send it again when due."""
    stop = state.stop
    if stop.retry_at is None or event.now < stop.retry_at or stop.retry is None:
        return state, []
    state, again = awaited(replace(state, stop=replace(stop, retry_at=None)), stop.retry)
    return replace(state, stop=replace(state.stop, retry=again)), [again]


def poll_if_due(state: State, now: float, s: Settings, actions: list[Action]) -> Result:
    """`actions` plus a Poll when the last one is `poll_seconds` old."""
    if state.last_poll is None or now - state.last_poll >= s.poll_seconds:
        return replace(state, last_poll=now), [*actions, Poll()]
    return state, actions
