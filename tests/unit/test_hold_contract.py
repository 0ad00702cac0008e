"""One contract for the session item: the function's reader (collector/holds.py) is the
reference, and the tray's reader and writer (tray_app/core/session_item.py, core/holds.py) must
mean exactly what it means. Hypothesis writes items both ways and compares."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from collector import holds as fn
from collector.event import Trigger
from hypothesis import given, settings
from hypothesis import strategies as st

from tray_app.core import holds as tray
from tray_app.core.session_item import UnreadableItemError, read_item, write_item

T0 = 1_795_700_000
KEY = "session#data-collector-schedule"
SCHEDULED = Trigger(None, datetime(2026, 11, 26, 13, 35, tzinfo=UTC), "8a1e7a4f", None)
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


def both_read(item: dict[str, Any]) -> tuple[fn.Session, tray.Shared]:
    return fn.parse_session(item), read_item(item).shared


@settings(max_examples=300)
@given(tray_holds(), st.integers(0, 10**6), instants, skews)
def test_holds_the_tray_writes_are_live_for_both_readers_at_the_same_instants(
    written: tuple[tray.Hold, ...], version: int, now: float, skew: int
) -> None:
    item = write_item(KEY, tray.Shared(written, version), "desk", T0)
    session, shared = both_read(item)
    assert shared == tray.Shared(tuple(sorted(written, key=lambda h: h.holder)), version)
    assert session.version == version and not session.notes
    by_function = {h.holder for h in session.holds if fn.is_live(h, now, skew)}
    assert by_function == {h.holder for h in shared.holds if tray.function_sees(h, now, skew)}
    judge = tray.Judge(ELSEWHERE.holder, skew)
    assert by_function == {h.holder for h in tray.live(shared, now, judge)}
    assert fn.decide(SCHEDULED, session, now, skew).collect is bool(by_function)


@settings(max_examples=300)
@given(tray_holds(), instants, skews)
def test_the_trays_function_deadline_is_the_instant_the_functions_decision_flips(
    written: tuple[tray.Hold, ...], now: float, skew: int
) -> None:
    item = write_item(KEY, tray.Shared(written, 1), "desk", T0)
    session, shared = both_read(item)
    deadline = tray.function_deadline(shared, now, skew)

    def collects(at: float) -> bool:
        return fn.decide(SCHEDULED, session, at, skew).collect

    if deadline is None:
        assert not collects(now)
        return
    assert deadline > now
    assert collects(now) and collects(math.nextafter(deadline, -math.inf))
    assert not collects(deadline)
    event = tray.event_deadline(shared, now, skew)
    assert event is not None and event >= deadline and event - deadline < 1


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
    item: dict[str, Any] = {"collection_id": {"S": KEY}}
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


@settings(max_examples=500)
@given(any_items(), instants, skews)
def test_both_readers_accept_the_same_items_and_read_the_same_holds(
    item: dict[str, Any], now: float, skew: int
) -> None:
    try:
        session = fn.parse_session(item)
    except fn.UnreadableSessionError:
        session = None
    try:
        read = read_item(item)
    except UnreadableItemError:
        read = None
    assert (session is None) == (read is None)
    if session is None or read is None:
        return
    assert session.version == read.shared.version
    assert {(h.holder, h.name, h.lapses) for h in session.holds} == {
        (h.holder, h.name, h.lapses) for h in read.shared.holds
    }
    assert set(session.unread) == set(read.kept_holds)
    assert {h.holder for h in session.holds if fn.is_live(h, now, skew)} == {
        h.holder for h in read.shared.holds if tray.function_sees(h, now, skew)
    }


@settings(max_examples=300)
@given(any_items(), tray_holds())
def test_a_hold_either_side_cannot_parse_survives_its_rewrites(
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
    assert rewritten.get("added_by_a_newer_tray") == item.get("added_by_a_newer_tray")
    # ... then the function prunes it: the holds neither could read are still there, unchanged.
    session = fn.parse_session(rewritten)
    pruned = fn.pruned_item(rewritten, session)
    assert {h: pruned["holds"]["M"][h] for h in unread} == unread
    assert set(read_item(pruned).kept_holds) >= set(unread)
