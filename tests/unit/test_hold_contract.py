"""One contract for the session record: the off switch reads it with the tray's own reader
(tray_app/core/session_record.py ships in its zip), and its decision must flip exactly where the
tray says it will (core/holds.py `function_deadline`). Hypothesis writes records and compares."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from off_switch import live_holds, switches_off

from tray_app.core import holds as tray
from tray_app.core.session_record import UnreadableItemError, read_item, released_item, write_item

T0 = 1_795_700_000
KEY = "data-collector-schedule"
ELSEWHERE = tray.Judge("\x00no device")  # no holder shares its device: every hold gets grace

instants = st.one_of(
    st.integers(T0 - 100_000, T0 + 100_000),
    st.floats(T0 - 100_000, T0 + 100_000, allow_nan=False),
)
skews = st.integers(0, 3_600)
holders = st.text("abcdef0123456789/-", min_size=1, max_size=12)


@st.composite
def tray_holds(draw: st.DrawFn) -> tuple[tray.Hold, ...]:
    """Holds as the tray's writer gets them (its own, or ones it read and writes back)."""
    names = draw(st.lists(holders, max_size=5, unique=True))
    return tuple(
        tray.Hold(
            holder,
            draw(st.text("laptop desk (cli)é", max_size=8)),
            ends=draw(instants),
            heartbeat=draw(st.booleans()),
            lapses=draw(instants),
        )
        for holder in names
    )


@settings(max_examples=300)
@given(tray_holds(), st.integers(0, 10**6), instants, skews)
def test_holds_the_tray_writes_are_live_for_the_off_switch_as_the_tray_says(
    written: tuple[tray.Hold, ...], version: int, now: float, skew: int
) -> None:
    found = read_item(write_item(KEY, tray.Shared(written, version), "desk", T0))
    assert found.shared == tray.Shared(tuple(sorted(written, key=lambda h: h.holder)), version)
    by_switch = set(live_holds(found, now, skew))
    judge = tray.Judge(ELSEWHERE.holder, skew)
    assert by_switch == {h.holder for h in tray.live(found.shared, now, judge)}
    assert switches_off(found, None, now, skew) is not bool(by_switch)


@settings(max_examples=300)
@given(tray_holds(), instants, skews)
def test_the_trays_function_deadline_is_the_instant_the_off_switch_decision_flips(
    written: tuple[tray.Hold, ...], now: float, skew: int
) -> None:
    found = read_item(write_item(KEY, tray.Shared(written, 1), "desk", T0))
    deadline = tray.function_deadline(found.shared, now, skew)

    def keeps_on(at: float) -> bool:
        return not switches_off(found, None, at, skew)

    if deadline is None:
        assert not keeps_on(now)
        return
    assert deadline > now
    assert keeps_on(now) and keeps_on(math.nextafter(deadline, -math.inf))
    assert not keeps_on(deadline)
    event = tray.event_deadline(found.shared, now, skew)
    assert event is not None and event >= deadline and event - deadline < 1
    # The copy in the off switch's input decides the same way once the record is unreadable.
    assert switches_off(None, event, event, skew) and not switches_off(None, event, now, skew)


# ---- any item at all, as a hand, an older or a newer writer may leave it ----

numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["3.0", "1e3", "1e400", "-0", "NaN", "Infinity", "abc", "", " 7", "0x10"]),
)
values = st.one_of(
    numbers.map(lambda n: {"N": n}),
    numbers.map(lambda n: {"S": n}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.just("not typed"),
)
fields = st.dictionaries(
    st.sampled_from(["name", "ends", "heartbeat", "lapses", "extra"]), values, max_size=5
)
hold_values = st.one_of(fields.map(lambda f: {"M": f}), values)


@st.composite
def any_items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {"rule": {"S": KEY}}
    item["version"] = draw(
        st.one_of(
            values,
            st.sampled_from([{"N": "2.5"}, {"N": "3.0"}, {"N": "1e2"}, {"S": "3"}]),
            st.integers(0, 99).map(lambda v: {"N": str(v)}),
        )
    )
    choice = draw(st.integers(0, 9))
    if choice == 0:
        item["holds"] = draw(values)
    elif choice > 1:  # 1: no holds attribute at all
        item["holds"] = {"M": draw(st.dictionaries(holders, hold_values, max_size=4))}
    if draw(st.booleans()):
        item["added_by_a_newer_tray"] = {"S": "x"}
    return item


@settings(max_examples=300)
@given(any_items(), tray_holds())
def test_a_hold_no_reader_can_parse_survives_its_rewrites(
    item: dict[str, Any], joining: tuple[tray.Hold, ...]
) -> None:
    try:
        read = read_item(item)
    except UnreadableItemError:
        return
    unread = {h: v for h, v in read.kept_holds.items() if h not in {j.holder for j in joining}}
    # The tray rewrites the item (a join of new holds) ...
    shared = tray.Shared((*read.shared.holds, *joining), read.shared.version + 1)
    rewritten = write_item(KEY, shared, "desk", T0, carried=read)
    assert {h: rewritten["holds"]["M"][h] for h in unread} == unread
    assert "added_by_a_newer_tray" not in rewritten  # not part of the record: dropped
    # ... then the off switch releases it: the holds no reader could parse are still there.
    released = released_item(KEY, read_item(rewritten), "off-switch", T0)
    assert {h: released["holds"]["M"][h] for h in unread} == unread
    assert set(read_item(released).kept_holds) >= set(unread)
