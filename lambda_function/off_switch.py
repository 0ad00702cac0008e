"""AWS Lambda entry point of the off switch (handler `off_switch.lambda_handler`).

A second target on the user's rule, so it runs with every scheduled run whatever function the
rule runs: it reads the rule's session record and switches the rule off once no hold is live.
Its own target input carries the tray's copy of the deadline (`{"session_deadline": N}`), used
only when the record cannot be read. It never touches the user's function, target or data.
"""

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from collector.container import ClientFactory, MisconfiguredError, boto3_client, region_of, required
from collector.log_line import log_line

from tray_app.core import session_record as record
from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.holds import SKEW_SECONDS as DEFAULT_CLOCK_SKEW_SECONDS
from tray_app.core.holds import function_sees, held_to

WRITER = "off-switch"
AGAIN = "run `pipeline-tray connect` again"
CHANGED = "record changed meanwhile"


@dataclass(frozen=True)
class Settings:
    """The one rule this off switch guards, its session table and the clock grace."""

    rule: str
    table: str
    region: str | None
    skew: int


def from_environment(env: Mapping[str, str]) -> Settings:
    """Read RULE_NAME, SESSION_TABLE, REGION and the optional CLOCK_SKEW_SECONDS."""
    rule, table = required(env, ("RULE_NAME", "SESSION_TABLE"), f"the off switch: {AGAIN}")
    return Settings(rule, table, region_of(env), clock_skew(env.get("CLOCK_SKEW_SECONDS")))


def clock_skew(raw: object) -> int:
    """CLOCK_SKEW_SECONDS as a whole number >= 0 (the default when unset)."""
    # str(): moto's CloudFormation passes a Number parameter's Ref through as a number.
    text = "" if raw is None else str(raw).strip()
    if text and not text.isdigit():
        # Loud: a silently replaced margin could end sessions early.
        raise MisconfiguredError(
            f"CLOCK_SKEW_SECONDS must be a whole number of seconds >= 0, got {text!r}: "
            f"fix the off switch's environment or {AGAIN}"
        )
    return int(text) if text else DEFAULT_CLOCK_SKEW_SECONDS


class Clients:
    """The two clients, created once per container."""

    def __init__(self, region: str | None, factory: ClientFactory = boto3_client) -> None:
        self.dynamodb = factory("dynamodb", region)
        self.events = factory("events", region)


_CLIENTS: list[Clients] = []  # one set per Lambda container


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:  # noqa: ANN401
    """Switch the rule off when its session has no live hold."""
    settings = from_environment(os.environ)
    _CLIENTS[:] = _CLIENTS or [Clients(settings.region)]
    return run(event, settings, _CLIENTS[0], now=time.time())


def run(event: object, settings: Settings, clients: Clients, now: float) -> dict[str, Any]:
    """One run: read the record, decide, and prune and disable when nothing holds the rule."""
    facts: dict[str, Any] = {"rule": settings.rule}
    found, facts["record"] = _read(settings, clients)
    # The tray's copy of the deadline in this target's input, when it is whole seconds.
    deadline = event.get("session_deadline") if isinstance(event, dict) else None
    if not isinstance(deadline, int) or isinstance(deadline, bool):
        deadline = None
    if found is None:
        facts["session_deadline"] = deadline
    else:
        facts["live_holds"] = live_holds(found, now, settings.skew)
    bound = now + LONGEST_SESSION_MINUTES * 60 + settings.skew
    if found is not None and (bounded := held_to(found.shared, bound)):
        # A hold beyond the longest session (a clock far ahead, a hand-made 1e100) is written
        # back held to that bound, once: from then on it lapses like any other.
        facts["held_back"] = [h.holder for h in found.shared.holds if h not in bounded.holds]
        item = record.write_item(settings.rule, bounded, WRITER, now, found)
        held = _put(settings, clients, item, found)
        return _done(facts, False, "held a hold to the longest session" if held else CHANGED)
    if not switches_off(found, deadline, now, settings.skew):
        return _done(facts, False)
    # A join or a release since the read: never undo a join; whoever released switches the
    # rule off, and the next run looks again.
    if found is not None:
        released = record.released_item(settings.rule, found, WRITER, now)
        if not _put(settings, clients, released, found):
            return _done(facts, False, CHANGED)
    clients.events.disable_rule(Name=settings.rule)
    return _done(facts, True, "no live hold")


def _put(
    settings: Settings, clients: Clients, item: dict[str, Any], found: record.ReadItem
) -> bool:
    """Write `item` if the record is still at the version read; False when it changed."""
    try:
        clients.dynamodb.put_item(
            TableName=settings.table,
            Item=item,
            ConditionExpression="#version = :read",
            ExpressionAttributeNames={"#version": "version"},
            ExpressionAttributeValues={":read": {"N": str(found.shared.version)}},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        return False
    return True


def live_holds(found: record.ReadItem | None, now: float, skew: int) -> list[str]:
    """The holders the off switch counts as live (every hold gets the grace)."""
    holds = found.shared.holds if found is not None else ()
    return [h.holder for h in holds if function_sees(h, now, skew)]


def switches_off(
    found: record.ReadItem | None, deadline: int | None, now: float, skew: int
) -> bool:
    """The decision: the record's holds when it could be read, else the deadline copy (a rule
    switched on by hand, with neither, is not ours to end)."""
    if found is not None:
        return not live_holds(found, now, skew)
    return deadline is not None and now >= deadline


def _read(settings: Settings, clients: Clients) -> tuple[record.ReadItem | None, str]:
    """The record and what the read found; None when there is none to go by."""
    try:
        answer = clients.dynamodb.get_item(
            TableName=settings.table,
            Key=record.record_key(settings.rule),
            # A hold written just before this run must count.
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as err:
        return None, f"read failed: {type(err).__name__}: {err}"
    if "Item" not in answer:
        return None, "missing"
    try:
        return record.read_item(answer["Item"]), "found"
    except record.UnreadableItemError as err:
        return None, f"unreadable: {err}"


def _done(facts: dict[str, Any], off: bool, reason: str | None = None) -> dict[str, Any]:
    result = {"statusCode": 200, "rule_disabled": off, "reason": reason}
    log_line(level="info", **facts, **result)
    return {**result, **facts}
