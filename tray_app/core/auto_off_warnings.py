"""Warnings before this device's hold ends by itself: once, 5 minutes before its timer, with an
action to extend; once, 2 minutes before idle would end it. Pure; part of the session core."""

from __future__ import annotations

from dataclasses import replace

from tray_app.core.events import Action, Notify
from tray_app.core.state import Settings, State
from tray_app.core.status_text import duration
from tray_app.core.user_actions import EXTEND_TEXT, UserAction

TIMER_WARNING_SECONDS = 5 * 60
IDLE_WARNING_SECONDS = 2 * 60
EXTEND = (UserAction.EXTEND.value, EXTEND_TEXT)  # (button key, button text)


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
