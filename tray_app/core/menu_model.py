"""The tray's icon name, tooltip and menu as plain data, built from the session state. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import tzinfo
from urllib.parse import quote

from tray_app.core import bounded, holds, status_text
from tray_app.core.errors import CONNECT_HINT
from tray_app.core.holds import Judge
from tray_app.core.machine import Phase, State
from tray_app.core.user_actions import EXTEND_TEXT, Choice, UserAction

LENGTHS = (30, 60, 120, 240)  # the Session length submenu, in minutes


@dataclass(frozen=True)
class Item:
    """One menu entry; `action` is what the view forwards when it is clicked."""

    text: str
    action: Choice | None = None
    enabled: bool = True
    checked: bool | None = None
    radio: bool = False
    default: bool = False
    submenu: tuple[Item, ...] = ()


SEPARATOR = Item("-")
ANYONE = Judge("this-device")
ERROR_WIDTH = 60  # characters: an error must not make the menu 1,000 px wide


@dataclass(frozen=True)
class Facts:
    """What the menu shows besides the session state (gathered by the view)."""

    session_minutes: int
    idle_minutes: int
    idle_available: bool
    latest_line: str
    history_line: str
    region: str
    rule: str
    function: str
    table: str
    zone: tzinfo  # the user's wall clock, for "auto-off 15:30"
    judge: Judge = ANYONE  # who "also on" is counted against
    idle_reason: str = ""  # why idle auto-off is unavailable, when it is
    notice: str | None = None  # shown until the session loop starts (the demo's deploy)


def icon_name(state: State) -> str:
    """Which icon: on, off, busy, error or unknown."""
    if state.phase in (Phase.STARTING, Phase.STOPPING):
        return "busy"
    if state.error:
        return "error"
    return {Phase.ON: "on", Phase.OFF: "off"}.get(state.phase, "unknown")


def headline(
    state: State, now: float, judge: Judge, notice: str | None = None, *, zone: tzinfo
) -> str:
    """The first menu line (and the tooltip), cleaned of controls (it names other devices)."""
    return bounded.clean_text(_headline(state, now, judge, notice, zone=zone), limit=None)


def _headline(
    state: State, now: float, judge: Judge, notice: str | None = None, *, zone: tzinfo
) -> str:
    if notice and state.phase is Phase.UNKNOWN:
        return notice
    if state.phase is Phase.STARTING:
        return "Starting the study session…"
    if state.phase is Phase.STOPPING:
        return "Switching the pipeline off…"
    if state.phase is Phase.UNKNOWN:
        return "Checking the pipeline…"
    others = holds.others(state.shared, now, judge)
    on = state.phase is Phase.ON
    return status_text.shared_line(on, state.ours.deadline, others, now, judge=judge, tz=zone)


def error_line(error: str | None) -> tuple[Item, ...]:
    """The error, on a line of its own cut to a readable width (the notification has it all)."""
    if not error:
        return ()
    text = error if len(error) <= ERROR_WIDTH else error[: ERROR_WIDTH - 1].rstrip() + "…"
    return (Item(f"⚠ {text}", enabled=False),)


def toggle_text(state: State, now: float, judge: Judge) -> str:
    """The main item; a Stop says before the click whose sessions it also ends. While a call is
    on its way the click means the opposite of where the session is heading."""
    if state.phase is Phase.STARTING:
        return "Cancel: stop the study session"
    if state.phase is Phase.STOPPING:
        return "Start study session again"
    if state.phase is not Phase.ON:
        return "Start study session"
    others = holds.others(state.shared, now, judge)
    if not others:
        return "Stop study session"
    also = "also " if state.holding else ""
    return f"Stop — {also}ends {status_text.names(others)}'s session"


def length_label(minutes: int) -> str:
    """30 min, 1 h, 2 h, 4 h."""
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


def console_links(f: Facts) -> tuple[Item, ...]:
    """The AWS console pages of the rule, the function, its logs and the table."""
    base = f"https://{f.region}.console.aws.amazon.com"
    group = quote(quote(f"/aws/lambda/{f.function}", safe=""), safe="").replace("%", "$")
    pages = (
        ("Rule", f"{base}/events/home?region={f.region}#/eventbus/default/rules/{f.rule}"),
        ("Function", f"{base}/lambda/home?region={f.region}#/functions/{f.function}"),
        ("Logs", f"{base}/cloudwatch/home?region={f.region}#logsV2:log-groups/log-group/{group}"),
        ("Table", f"{base}/dynamodbv2/home?region={f.region}#table?name={f.table}"),
    )
    return tuple(Item(name, Choice(UserAction.OPEN, url)) for name, url in pages)


def cleaned(item: Item) -> Item:
    """`item` and its submenu with controls and bidi overrides removed from their texts."""
    if item is SEPARATOR:
        return item  # the views know it by identity: a copy would be drawn as an entry "-"
    return replace(
        item,
        text=bounded.clean_text(item.text, limit=None),
        submenu=tuple(cleaned(i) for i in item.submenu),
    )


def build(state: State, now: float, f: Facts) -> tuple[Item, ...]:
    """The whole menu, top to bottom; every text cleaned (names and errors come from AWS)."""
    return tuple(cleaned(item) for item in _build(state, now, f))


def _build(state: State, now: float, f: Facts) -> tuple[Item, ...]:
    on = state.phase is Phase.ON
    unknown = state.phase is Phase.UNKNOWN
    if f.idle_available:
        idle_text = f"Idle auto-off: after {f.idle_minutes} min"
    elif f.idle_reason:
        idle_text = f"Idle auto-off: unavailable ({f.idle_reason})"
    else:
        idle_text = "Idle auto-off: unavailable on this desktop"
    lengths = tuple(
        Item(
            length_label(m),
            Choice(UserAction.LENGTH, str(m)),
            checked=m == f.session_minutes,
            radio=True,
        )
        for m in LENGTHS
    )
    joining = (
        (Item("Join this session here", Choice(UserAction.JOIN)),)
        if on and not state.holding
        else ()
    )
    connecting = (
        (Item("Connect this pipeline…", Choice(UserAction.CONNECT)),)
        if state.error is not None and CONNECT_HINT in state.error
        else ()
    )
    return (
        Item(headline(state, now, f.judge, f.notice, zone=f.zone), enabled=False),
        *error_line(state.error),
        *connecting,
        Item(
            toggle_text(state, now, f.judge),
            Choice(UserAction.TOGGLE),
            enabled=not unknown,  # a click while a call is on its way: the last click wins
            default=True,
        ),
        *joining,
        Item(EXTEND_TEXT, Choice(UserAction.EXTEND), enabled=on and state.holding),
        Item("Session length", submenu=lengths),
        SEPARATOR,
        Item("Invoke now", Choice(UserAction.INVOKE)),
        Item(f"Latest metric: {f.latest_line}", Choice(UserAction.LATEST)),
        Item(idle_text, enabled=False),
        SEPARATOR,
        Item("Open in AWS console", submenu=console_links(f)),
        Item(f"History: {f.history_line}", enabled=False),
        Item("Open report…", Choice(UserAction.REPORT)),
        Item("Settings…", Choice(UserAction.SETTINGS)),
        Item("Quit", Choice(UserAction.QUIT)),
    )
