"""The off switch in-process against moto: it leaves a held session alone, prunes a session
whose holds have all lapsed and disables the rule, and falls back on its input's deadline when
the record cannot be read. The user's target, function and table are never touched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import off_switch
import pytest
from botocore.exceptions import ClientError

from tests.aws_names import REGION, RULE
from tests.template_resources import SESSION_KEY, SESSION_TABLE

pytestmark = [pytest.mark.functional, pytest.mark.dynamodb_backends]
EVENTS = Path(__file__).resolve().parent.parent / "events"
LAPSE = 1795700400  # the laptop's hold in the sample record; the CLI's lapses earlier
GRACE = 180


def settings(table: str = SESSION_TABLE) -> off_switch.Settings:
    return off_switch.Settings(rule=RULE, table=table, region=REGION, skew=GRACE)


def put_record(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = json.loads((EVENTS / "session_item.json").read_text())
    item.update(changes)
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=SESSION_TABLE, Item=item)
    return item


def record() -> dict[str, Any] | None:
    found = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY, ConsistentRead=True
    )
    return found.get("Item")


def state() -> str:
    return str(boto3.client("events", region_name=REGION).describe_rule(Name=RULE)["State"])


@pytest.fixture
def rule_on(stack: dict[str, str]) -> dict[str, str]:
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    return stack


def test_a_live_hold_keeps_the_rule_on_and_the_record_as_it_is(rule_on: dict[str, str]) -> None:
    before = put_record()
    result = off_switch.run({}, settings(), off_switch.Clients(REGION), now=LAPSE + GRACE - 1)
    assert (result["rule_disabled"], result["live_holds"]) == (False, ["laptop-3f2a"])
    assert state() == "ENABLED" and record() == before


def test_once_every_hold_has_lapsed_it_prunes_them_and_disables_the_rule(
    rule_on: dict[str, str],
) -> None:
    put_record()
    result = off_switch.run({}, settings(), off_switch.Clients(REGION), now=LAPSE + GRACE)
    assert (result["rule_disabled"], result["reason"]) == (True, "no live hold")
    assert state() == "DISABLED"
    after = record()
    assert after is not None and after["holds"] == {"M": {}} and after["version"] == {"N": "8"}


def test_a_record_changed_since_its_read_is_left_to_its_writer(
    rule_on: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    put_record()
    clients = off_switch.Clients(REGION)
    real = clients.dynamodb.get_item

    def read_then_someone_joins(**kwargs: Any) -> Any:
        answer = real(**kwargs)
        put_record(version={"N": "8"})  # a join lands between the read and the prune
        return answer

    monkeypatch.setattr(clients.dynamodb, "get_item", read_then_someone_joins)
    result = off_switch.run({}, settings(), clients, now=LAPSE + GRACE)
    assert (result["rule_disabled"], result["reason"]) == (False, "record changed meanwhile")
    assert state() == "ENABLED"


@pytest.mark.parametrize(
    ("event", "disabled"),
    [
        ({"session_deadline": 1000}, True),  # past
        ({"session_deadline": 3000}, False),  # not yet
        ({}, False),  # switched on by hand, no session: not ours to end
        ({"session_deadline": True}, False),  # not whole seconds: no deadline
    ],
)
def test_without_a_record_the_inputs_deadline_decides(
    rule_on: dict[str, str], event: dict[str, Any], disabled: bool
) -> None:
    result = off_switch.run(event, settings(), off_switch.Clients(REGION), now=2000)
    assert result["record"] == "missing"
    assert result["rule_disabled"] is disabled
    assert state() == ("DISABLED" if disabled else "ENABLED")


def test_an_unreadable_record_or_a_failed_read_falls_back_on_the_deadline(
    rule_on: dict[str, str],
) -> None:
    put_record(version={"S": "seven"})
    result = off_switch.run(
        {"session_deadline": 1000}, settings(), off_switch.Clients(REGION), 2000
    )
    assert result["record"].startswith("unreadable") and result["rule_disabled"] is True
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    failed = off_switch.run(
        {"session_deadline": 1000}, settings("no-such-table"), off_switch.Clients(REGION), 2000
    )
    assert failed["record"].startswith("read failed") and failed["rule_disabled"] is True


def test_a_disable_that_fails_raises_so_lambda_retries(stack: dict[str, str]) -> None:
    other = off_switch.Settings(rule="no-such-rule", table=SESSION_TABLE, region=REGION, skew=0)
    with pytest.raises(ClientError):
        off_switch.run({"session_deadline": 1}, other, off_switch.Clients(REGION), now=2)


@pytest.mark.parametrize("lapses", ["1e100", str(LAPSE + 100 * 365 * 24 * 3600)])
def test_a_hold_from_a_clock_far_ahead_is_held_to_the_longest_session_then_lapses(
    rule_on: dict[str, str], lapses: str
) -> None:
    item = put_record()
    item["holds"]["M"]["laptop-3f2a"]["M"]["lapses"] = {"N": lapses}
    item["holds"]["M"]["laptop-3f2a"]["M"]["ends"] = {"N": lapses}
    put_record(holds=item["holds"])
    now = LAPSE - 600
    first = off_switch.run({}, settings(), off_switch.Clients(REGION), now=now)
    assert (first["rule_disabled"], first["held_back"]) == (False, ["laptop-3f2a"])
    bound = now + 24 * 3600 + GRACE
    after = record()
    assert after is not None
    assert after["holds"]["M"]["laptop-3f2a"]["M"]["lapses"] == {"N": str(int(bound))}
    # From then on it is an ordinary hold: live to the bound plus the grace, then off.
    alive = off_switch.run({}, settings(), off_switch.Clients(REGION), now=bound + GRACE - 1)
    assert alive["rule_disabled"] is False and "held_back" not in alive
    off = off_switch.run({}, settings(), off_switch.Clients(REGION), now=bound + GRACE)
    assert off["rule_disabled"] is True and state() == "DISABLED"
