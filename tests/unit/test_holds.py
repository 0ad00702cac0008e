"""The guard's pure part: the session item parsed into holds, and the decision, as tables."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from collector.event import Trigger
from collector.holds import (
    DEADLINE_PASSED,
    NO_LIVE_HOLD,
    Hold,
    Session,
    UnreadableSessionError,
    consults_store,
    decide,
    is_live,
    parse_session,
    pruned_item,
    session_key,
)
from collector.settings import MisconfiguredError, from_environment

EVENTS = Path(__file__).resolve().parents[1] / "events"
NOW = 1_795_700_000
SKEW = 180
SCHEDULED = Trigger(
    session_deadline=None,
    scheduled_time=datetime(2026, 11, 26, 13, 33, tzinfo=UTC),
    event_id="8a1e7a4f",
    ignored=None,
)
DIRECT = Trigger(None, None, None, None)


def sample_item() -> dict[str, Any]:
    item: dict[str, Any] = json.loads((EVENTS / "session_item.json").read_text())
    return item


def hold_value(lapses: str, name: str = "tray") -> dict[str, Any]:
    return {
        "M": {
            "name": {"S": name},
            "ends": {"N": lapses},
            "heartbeat": {"BOOL": False},
            "lapses": {"N": lapses},
        }
    }


def session(*lapses: float) -> Session:
    return Session(
        version=3, holds=tuple(Hold(f"h{i}", f"tray {i}", x) for i, x in enumerate(lapses))
    )


def with_deadline(trigger: Trigger, deadline: int) -> Trigger:
    return Trigger(deadline, trigger.scheduled_time, trigger.event_id, trigger.ignored)


def test_the_sample_item_parses_into_its_two_holds() -> None:
    parsed = parse_session(sample_item())
    assert parsed == Session(
        version=7,
        holds=(
            Hold("laptop-3f2a", "laptop tray", 1_795_700_400.0),
            Hold("cli-9b1c", "cli", 1_795_699_800.0),
        ),
    )
    assert session_key("data-collector-schedule") == sample_item()["collection_id"]["S"]


@pytest.mark.parametrize(
    ("lapses", "skew", "live"),
    [
        (NOW + 60, SKEW, True),  # not lapsed
        (NOW - 600, SKEW, False),  # lapsed long ago
        (NOW - 100, SKEW, True),  # lapsed, but within the clock-skew margin
        (NOW - 179, SKEW, True),  # the margin's last second
        (NOW - 180, SKEW, False),  # margin over: live means now < lapses + skew
        (NOW + 1, 0, True),
        (NOW, 0, False),  # no margin: a hold lapses at its lapse time
        (NOW - 1, 0, False),
    ],
)
def test_a_hold_is_live_until_its_lapse_time_plus_the_margin(
    lapses: float, skew: int, live: bool
) -> None:
    assert is_live(Hold("h", "tray", lapses), NOW, skew) is live


@pytest.mark.parametrize(
    ("trigger", "reads"),
    [
        (SCHEDULED, True),
        (Trigger(None, SCHEDULED.scheduled_time, None, None), True),  # `time` only
        (Trigger(None, None, "8a1e7a4f", None), True),  # `id` only
        (Trigger(NOW, None, None, None), True),  # a deadline only
        (DIRECT, False),  # the CLI's invoke, the console's {}
        (Trigger(None, None, None, "event of type list carries no fields"), False),
    ],
)
def test_only_scheduled_runs_and_deadlines_consult_the_store(trigger: Trigger, reads: bool) -> None:
    assert consults_store(trigger) is reads


# (trigger, the session as read or None, skew) -> (collect, reason, prune, live holders)
DECISIONS = [
    pytest.param(SCHEDULED, session(NOW + 60), SKEW, (True, None, False, ("h0",)), id="live"),
    pytest.param(SCHEDULED, session(NOW - 600), SKEW, (False, NO_LIVE_HOLD, True, ()), id="lapsed"),
    pytest.param(
        SCHEDULED, session(NOW - 100), SKEW, (True, None, False, ("h0",)), id="within-skew"
    ),
    pytest.param(SCHEDULED, session(NOW - 100), 0, (False, NO_LIVE_HOLD, True, ()), id="skew-0"),
    pytest.param(
        SCHEDULED,
        session(NOW - 900, NOW + 600, NOW - 300),
        SKEW,
        (True, None, False, ("h1",)),
        id="one-live-of-three",
    ),
    pytest.param(
        SCHEDULED,
        session(NOW - 900, NOW - 181),
        SKEW,
        (False, NO_LIVE_HOLD, True, ()),
        id="all-lapsed",
    ),
    pytest.param(SCHEDULED, session(), SKEW, (False, NO_LIVE_HOLD, True, ()), id="no-holds"),
    pytest.param(
        with_deadline(SCHEDULED, NOW - 3600),
        session(NOW + 60),
        SKEW,
        (True, None, False, ("h0",)),
        id="live-hold-beats-a-passed-deadline",
    ),
    pytest.param(
        with_deadline(SCHEDULED, NOW + 3600),
        session(NOW - 600),
        SKEW,
        (False, NO_LIVE_HOLD, True, ()),
        id="lapsed-holds-beat-a-future-deadline",
    ),
    pytest.param(
        with_deadline(SCHEDULED, NOW - 1),
        None,
        SKEW,
        (False, DEADLINE_PASSED, False, ()),
        id="no-item-deadline-passed",
    ),
    pytest.param(
        with_deadline(SCHEDULED, NOW),
        None,
        SKEW,
        (False, DEADLINE_PASSED, False, ()),
        id="no-item-deadline-now",
    ),
    pytest.param(
        with_deadline(SCHEDULED, NOW + 1),
        None,
        SKEW,
        (True, None, False, ()),
        id="no-item-deadline-ahead",
    ),
    pytest.param(SCHEDULED, None, SKEW, (True, None, False, ()), id="no-item-no-deadline"),
    pytest.param(DIRECT, None, SKEW, (True, None, False, ()), id="direct"),
    pytest.param(
        DIRECT, session(NOW - 600), SKEW, (True, None, False, ()), id="direct-ignores-holds"
    ),
]


@pytest.mark.parametrize(("trigger", "found", "skew", "expected"), DECISIONS)
def test_the_guard_decides(
    trigger: Trigger,
    found: Session | None,
    skew: int,
    expected: tuple[bool, str | None, bool, tuple[str, ...]],
) -> None:
    decision = decide(trigger, found, NOW, skew)
    assert (decision.collect, decision.reason, decision.prune, decision.live) == expected


def test_each_decision_names_its_basis() -> None:
    assert decide(DIRECT, None, NOW, SKEW).basis == "direct invoke"
    assert decide(SCHEDULED, session(NOW + 1), NOW, SKEW).basis == "live hold"
    assert decide(SCHEDULED, session(), NOW, SKEW).basis == NO_LIVE_HOLD
    assert decide(SCHEDULED, None, NOW, SKEW).basis == "event deadline"


@pytest.mark.parametrize(
    ("value", "note"),
    [
        ({"S": "not a map"}, "not a map"),
        ("bare", "not a map"),
        ({"M": {"name": {"S": "tray"}}}, "lapses is not a number"),
        ({"M": {"lapses": {"S": "1795700400"}}}, "lapses is not a number"),
        ({"M": {"lapses": {"N": "soon"}}}, "lapses is not a number"),
        ({"M": {"lapses": {"N": "NaN"}}}, "lapses is not a number"),
        ({"M": {"lapses": {"N": "1e400"}}}, "lapses is not a number"),  # inf: live forever
        ({"M": {"lapses": {"N": 1795700400}}}, "lapses is not a number"),  # not the wire form
    ],
)
def test_a_malformed_hold_is_ignored_with_a_note(value: Any, note: str) -> None:
    item = sample_item()
    item["holds"]["M"]["odd-one"] = value
    parsed = parse_session(item)
    assert [h.holder for h in parsed.holds] == ["laptop-3f2a", "cli-9b1c"]
    assert parsed.notes == (f"hold 'odd-one' ignored: {note}",)


def test_a_session_whose_only_hold_is_malformed_has_no_live_hold() -> None:
    item = sample_item()
    item["holds"] = {"M": {"odd-one": {"M": {"lapses": {"S": "tomorrow"}}}}}
    decision = decide(SCHEDULED, parse_session(item), NOW, SKEW)
    assert (decision.collect, decision.prune) == (False, True)


def test_a_hold_without_a_name_is_named_by_its_holder() -> None:
    item = sample_item()
    item["holds"] = {"M": {"h": {"M": {"lapses": {"N": "1795700400.5"}}}}}
    assert parse_session(item).holds == (Hold("h", "h", 1_795_700_400.5),)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"version": None}, "version is not an integer"),
        ({"version": {"S": "7"}}, "version is not an integer"),
        ({"version": {"N": "7.5"}}, "version is not an integer"),
        ({"holds": None}, "holds is not a map"),
        ({"holds": {"L": []}}, "holds is not a map"),
    ],
)
def test_an_item_without_version_or_holds_is_unreadable(
    change: dict[str, Any], problem: str
) -> None:
    item = {**sample_item(), **change}
    item = {k: v for k, v in item.items() if v is not None}
    with pytest.raises(UnreadableSessionError, match=problem):
        parse_session(item)


def test_an_empty_holds_map_is_a_readable_session_with_no_holds() -> None:
    item = {**sample_item(), "holds": {"M": {}}, "version": {"N": "8"}}
    assert parse_session(item) == Session(version=8, holds=())


def test_the_pruned_item_has_no_holds_the_next_version_and_everything_else() -> None:
    item = sample_item()
    before = copy.deepcopy(item)
    pruned = pruned_item(item, parse_session(item))
    assert item == before  # the item as read is left alone
    version = int(before["version"]["N"]) + 1
    assert pruned == {**before, "holds": {"M": {}}, "version": {"N": str(version)}}
    assert parse_session(pruned) == Session(version=version, holds=())


def test_the_prune_keeps_a_hold_it_cannot_parse_as_it_is() -> None:
    item = sample_item()
    odd = {"M": {"lapses": {"S": "tomorrow"}, "by": {"S": "a newer tray"}}}
    item["holds"]["M"]["odd"] = odd
    pruned = pruned_item(item, parse_session(item))
    assert pruned["holds"] == {"M": {"odd": odd}}
    assert parse_session(pruned).unread == ("odd",)


BASE_ENV = {"S3_BUCKET": "b", "DYNAMODB_TABLE": "t"}


@pytest.mark.parametrize(
    ("value", "skew"),
    # 90 as a number: moto's CloudFormation passes a Number parameter's Ref through unchanged.
    [(None, 180), ("", 180), ("0", 0), ("45", 45), (" 600 ", 600), (90, 90)],
)
def test_the_clock_skew_margin_is_optional(value: str | int | None, skew: int) -> None:
    env: dict[str, Any] = (
        dict(BASE_ENV) if value is None else {**BASE_ENV, "CLOCK_SKEW_SECONDS": value}
    )
    assert from_environment(env).clock_skew_seconds == skew


@pytest.mark.parametrize("value", ["-1", "3.5", "three minutes"])
def test_a_bad_clock_skew_margin_is_a_misconfiguration(value: str) -> None:
    with pytest.raises(MisconfiguredError, match="CLOCK_SKEW_SECONDS must be a whole number"):
        from_environment({**BASE_ENV, "CLOCK_SKEW_SECONDS": value})
