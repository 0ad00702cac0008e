from datetime import UTC, datetime

import pytest

from tray_app.core import menu_model, status_text
from tray_app.core.errors import CONNECT_HINT
from tray_app.core.holds import Hold, Judge, Shared
from tray_app.core.machine import Phase, State
from tray_app.core.menu_model import Facts, Item
from tray_app.core.state import Ours
from tray_app.core.user_actions import Choice, UserAction

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC).timestamp()
FACTS = Facts(
    session_minutes=120,
    idle_minutes=15,
    idle_available=True,
    latest_line="CPU 3.2 % · Mem 41 % · 2 min ago",
    history_line="3 h this week · ~$0.0004",
    region="eu-west-1",
    rule="data-collector-schedule",
    function="data-collector",
    table="InfraMetrics",
    zone=UTC,
    judge=Judge("desk"),
)


@pytest.mark.parametrize(
    ("state", "icon"),
    [
        (State(), "unknown"),
        (State(phase=Phase.OFF), "off"),
        (State(phase=Phase.ON, ours=Ours(deadline=NOW + 60)), "on"),
        (State(phase=Phase.STARTING), "busy"),
        (State(phase=Phase.STOPPING, error="x"), "busy"),
        (State(phase=Phase.OFF, error="cannot reach AWS"), "error"),
        (State(phase=Phase.ON, error="x", ours=Ours(deadline=NOW + 60)), "error"),
    ],
)
def test_icon_for_each_state(state: State, icon: str) -> None:
    assert menu_model.icon_name(state) == icon


def by_text(items: tuple[Item, ...]) -> dict[str, Item]:
    return {i.text: i for i in items}


def test_menu_when_off() -> None:
    items = menu_model.build(State(phase=Phase.OFF), NOW, FACTS)
    assert items[0] == Item("Off — costs $0", enabled=False)
    start = by_text(items)["Start study session"]
    assert (start.action, start.enabled, start.default) == (Choice(UserAction.TOGGLE), True, True)
    assert by_text(items)["Extend +30 min"].enabled is False
    lengths = by_text(items)["Session length"].submenu
    assert [(i.text, i.checked, i.radio) for i in lengths] == [
        ("30 min", False, True),
        ("1 h", False, True),
        ("2 h", True, True),
        ("4 h", False, True),
    ]
    assert by_text(items)["Quit"].action == Choice(UserAction.QUIT)
    assert "Latest metric: CPU 3.2 % · Mem 41 % · 2 min ago" in by_text(items)


def test_menu_during_a_session_and_while_busy() -> None:
    on = State(phase=Phase.ON, ours=Ours(deadline=NOW + 42 * 60))
    items = by_text(menu_model.build(on, NOW, FACTS))
    assert items["Stop study session"].enabled and items["Extend +30 min"].enabled
    headline = menu_model.headline(on, NOW, FACTS.judge, zone=UTC)
    assert headline == "Study session on — 42 min left (auto-off 14:42)"
    # while a call is on its way the main item offers the opposite: the last click wins
    starting = by_text(menu_model.build(State(phase=Phase.STARTING), NOW, FACTS))
    assert starting["Cancel: stop the study session"].enabled is True
    again = by_text(menu_model.build(State(phase=Phase.STOPPING), NOW, FACTS))
    assert again["Start study session again"].enabled is True
    unknown = by_text(menu_model.build(State(phase=Phase.UNKNOWN), NOW, FACTS))
    assert unknown["Start study session"].enabled is False  # nothing known yet to flip
    stopping = menu_model.headline(State(phase=Phase.STOPPING), NOW, FACTS.judge, zone=UTC)
    assert stopping == "Switching the pipeline off…"


def test_idle_unavailable_is_said_and_errors_get_a_line_of_their_own() -> None:
    facts = Facts(**{**FACTS.__dict__, "idle_available": False})
    items = menu_model.build(State(phase=Phase.OFF, error="cannot reach AWS"), NOW, facts)
    assert "Idle auto-off: unavailable on this desktop" in by_text(items)
    assert [i.text for i in items[:2]] == ["Off — costs $0", "⚠ cannot reach AWS"]
    why = Facts(**{**facts.__dict__, "idle_reason": "the compositor offers no idle protocol"})
    items = menu_model.build(State(phase=Phase.OFF), NOW, why)
    assert "Idle auto-off: unavailable (the compositor offers no idle protocol)" in by_text(items)


def test_a_long_error_is_cut_to_a_readable_width() -> None:
    long = "could not read the rule (DescribeRule: AccessDeniedException): " + "x" * 300
    items = menu_model.build(State(phase=Phase.UNKNOWN, error=long), NOW, FACTS)
    assert items[0].text == "Checking the pipeline…"
    assert items[1].text.startswith("⚠ could not read the rule") and items[1].text.endswith("…")
    assert max(len(i.text) for i in items) <= 62


def test_console_links() -> None:
    links = {
        i.text: i.action.argument
        for i in menu_model.console_links(FACTS)
        if i.action is not None and i.action.action is UserAction.OPEN
    }
    assert links["Rule"] == (
        "https://eu-west-1.console.aws.amazon.com/events/home?region=eu-west-1"
        "#/eventbus/default/rules/data-collector-schedule"
    )
    assert links["Logs"].endswith(
        "#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fdata-collector"
    )
    assert links["Table"].endswith("#table?name=InfraMetrics")


def test_week_line_counts_this_week_only() -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp()  # Thursday NOW's Monday
    entries = [
        {"start": monday - 86400, "minutes": 600, "estimated_cost_usd": 1.0},  # last Sunday
        {"start": monday, "minutes": 90, "estimated_cost_usd": 0.0001},
        {"start": NOW - 3600, "minutes": 45, "estimated_cost_usd": 0.0002},
    ]
    assert status_text.week_line(entries, NOW, UTC) == "2 h 15 min this week · ~$0.0003"
    assert status_text.week_line([], NOW, UTC) == "no sessions this week"


def hold(holder: str, name: str, minutes: int) -> Hold:
    ends = int(NOW) + minutes * 60
    return Hold(holder, name, ends, heartbeat=True, lapses=ends)


LAPTOP = hold("lap", "laptop", 12)


def test_a_session_held_elsewhere_names_its_holder_and_stop_says_whom_it_ends() -> None:
    following = State(phase=Phase.ON, shared=Shared((LAPTOP,), 3))
    items = by_text(menu_model.build(following, NOW, FACTS))
    headline = menu_model.headline(following, NOW, FACTS.judge, zone=UTC)
    assert headline == "Study session on — held by laptop, 12 min left (until 14:12)"
    assert items["Stop — ends laptop's session"].action == Choice(UserAction.TOGGLE)
    assert items["Join this session here"].action == Choice(UserAction.JOIN)
    assert items["Extend +30 min"].enabled is False  # its length is the laptop's business


def test_our_own_session_says_who_else_holds_it() -> None:
    mine = hold("desk", "desk", 42)
    both = State(
        phase=Phase.ON, shared=Shared((mine, LAPTOP), 4), ours=Ours(deadline=NOW + 42 * 60)
    )
    items = by_text(menu_model.build(both, NOW, FACTS))
    assert menu_model.headline(both, NOW, FACTS.judge, zone=UTC).endswith(" · also on: laptop")
    assert "Stop — also ends laptop's session" in items
    assert "Join this session here" not in items
    alone = State(phase=Phase.ON, shared=Shared((mine,), 4), ours=Ours(deadline=NOW + 42 * 60))
    assert "Stop study session" in by_text(menu_model.build(alone, NOW, FACTS))


def test_a_rule_without_the_off_switch_offers_to_connect_it() -> None:
    error = f"rule r in eu-west-1 has no off switch yet: {CONNECT_HINT}"
    offered = by_text(menu_model.build(State(phase=Phase.OFF, error=error), NOW, FACTS))
    assert offered["Connect this pipeline…"].action == Choice(UserAction.CONNECT)
    other = by_text(menu_model.build(State(phase=Phase.OFF, error="throttled"), NOW, FACTS))
    assert "Connect this pipeline…" not in other


def test_the_separators_stay_the_views_separator_after_cleaning() -> None:
    # tray_view draws a separator only for `item is SEPARATOR`: a cleaned copy was an entry "-"
    items = menu_model.build(State(phase=Phase.OFF), NOW, FACTS)
    assert [i for i in items if i.text == "-"] and all(
        i is menu_model.SEPARATOR for i in items if i.text == "-"
    )
