"""The session record as the off switch reads it (tray_app/core/session_record.py, the one reader
shipped in its zip), and the off switch's settings. Pure: no AWS."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import off_switch
import pytest
from collector.container import MisconfiguredError

from tray_app.core.holds import function_sees
from tray_app.core.session_record import (
    RECORD_ATTRIBUTES,
    UnreadableItemError,
    read_item,
    record_key,
    released_item,
    write_item,
)

EVENTS = Path(__file__).resolve().parent.parent / "events"
RULE = "data-collector-schedule"


def sample() -> dict[str, Any]:
    item: dict[str, Any] = json.loads((EVENTS / "session_item.json").read_text())
    return item


def test_the_sample_record_parses_into_its_two_holds() -> None:
    found = read_item(sample())
    assert found.shared.version == 7
    assert {h.holder: h.lapses for h in found.shared.holds} == {
        "laptop-3f2a": 1795700400.0,
        "cli-9b1c": 1795699800.0,
    }


@pytest.mark.parametrize(
    ("now", "live"),
    [(1795700400 + 179.9, True), (1795700400 + 180, False), (1795700400 - 1, True)],
)
def test_the_off_switch_counts_a_hold_live_until_its_lapse_plus_the_grace(
    now: float, live: bool
) -> None:
    laptop = next(h for h in read_item(sample()).shared.holds if h.holder == "laptop-3f2a")
    assert function_sees(laptop, now, skew=180) is live


def test_a_hold_it_cannot_parse_is_kept_unread_and_survives_the_release() -> None:
    item = sample()
    item["holds"]["M"]["newer-tray"] = {"M": {"lapses": {"S": "when the build is green"}}}
    found = read_item(item)
    assert "newer-tray" not in {h.holder for h in found.shared.holds}
    released = released_item(RULE, found, "off-switch", 1795800000)
    assert released["holds"] == {"M": {"newer-tray": item["holds"]["M"]["newer-tray"]}}
    assert released["version"] == {"N": "8"}
    assert released["rule"] == record_key(RULE)["rule"]


def test_attributes_that_are_not_part_of_the_record_are_dropped_on_a_write() -> None:
    item = {**sample(), "record_type": {"S": "metrics"}, "timestamp": {"N": "9999999999"}}
    released = released_item(RULE, read_item(item), "off-switch", 1795800000)
    assert "record_type" not in released and "timestamp" not in released


@pytest.mark.parametrize(
    "change",
    [
        lambda item: item.pop("version"),
        lambda item: item.update(version={"N": "1.5"}),
        lambda item: item.update(holds={"S": "nobody"}),
        lambda item: item.pop("holds"),
    ],
)
def test_a_record_without_a_whole_version_or_a_holds_map_is_unreadable(change: Any) -> None:
    item = copy.deepcopy(sample())
    change(item)
    with pytest.raises(UnreadableItemError):
        read_item(item)


@pytest.mark.parametrize(("value", "skew"), [(None, 180), ("", 180), ("0", 0), (" 60 ", 60)])
def test_the_clock_grace_is_optional(value: str | None, skew: int) -> None:
    assert off_switch.clock_skew(value) == skew


@pytest.mark.parametrize("value", ["-1", "3 min", "1.5"])
def test_a_bad_clock_grace_is_a_misconfiguration(value: str) -> None:
    with pytest.raises(MisconfiguredError, match="CLOCK_SKEW_SECONDS"):
        off_switch.clock_skew(value)


def test_the_rule_and_the_table_must_be_set() -> None:
    with pytest.raises(MisconfiguredError, match="RULE_NAME, SESSION_TABLE"):
        off_switch.from_environment({})


def test_every_write_carries_only_the_attributes_the_policies_allow() -> None:
    found = read_item({**sample(), "planted": {"S": "by a peer"}})
    written = write_item(RULE, found.shared, "desk", 1795800000, carried=found)
    released = released_item(RULE, found, "off-switch", 1795800000)
    assert set(written) == set(released) == set(RECORD_ATTRIBUTES)
