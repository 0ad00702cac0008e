"""AWS Lambda entry point of the off switch (handler `off_switch.lambda_handler`).

A second target on the user's rule, so it runs with every scheduled run whatever function the
rule runs: it reads the rule's session record and switches the rule off once no hold is live.
Its own target input carries the tray's copy of the deadline (`{"session_deadline": N}`), used
only when the record cannot be read. It never touches the user's function, target or data.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from collector.container import ClientFactory, boto3_client
from collector.log_line import log_line
from collector.settings import MisconfiguredError

from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.holds import Shared, function_sees
from tray_app.core.session_record import (
    ReadItem,
    UnreadableItemError,
    read_item,
    record_key,
    released_item,
    write_item,
)

DEFAULT_CLOCK_SKEW_SECONDS = 180  # devices' clocks may be off by ±3 min (core/holds.py's too)
WRITER = "off-switch"


@dataclass(frozen=True)
class Settings:
    """The one rule this off switch guards, its session table and the clock grace."""

    rule: str
    table: str
    region: str | None
    skew: int


def from_environment(env: Mapping[str, str]) -> Settings:
    """Read RULE_NAME, SESSION_TABLE, REGION and the optional CLOCK_SKEW_SECONDS."""
    missing = [name for name in ("RULE_NAME", "SESSION_TABLE") if not env.get(name)]
    if missing:
        raise MisconfiguredError(
            f"environment variable(s) {', '.join(missing)} not set on the off switch: "
            "run `pipeline-tray connect` again"
        )
    return Settings(
        rule=env["RULE_NAME"],
        table=env["SESSION_TABLE"],
        region=env.get("REGION") or env.get("AWS_REGION") or None,
        skew=clock_skew(env.get("CLOCK_SKEW_SECONDS")),
    )


def clock_skew(raw: object) -> int:
    """CLOCK_SKEW_SECONDS as a whole number >= 0 (the default when unset)."""
    # str(): moto's CloudFormation passes a Number parameter's Ref through as a number.
    text = "" if raw is None else str(raw).strip()
    if not text:
        return DEFAULT_CLOCK_SKEW_SECONDS
    if not text.isdigit():
        # Loud: a silently replaced margin could end sessions early.
        raise MisconfiguredError(
            f"CLOCK_SKEW_SECONDS must be a whole number of seconds >= 0, got {text!r}: "
            "fix the off switch's environment or run `pipeline-tray connect` again"
        )
    return int(text)


class Clients:
    """The two clients, created once per container."""

    def __init__(self, region: str | None, factory: ClientFactory = boto3_client) -> None:
        self.dynamodb = factory("dynamodb", region)
        self.events = factory("events", region)


_CLIENTS: Clients | None = None


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:  # noqa: ANN401
    """Switch the rule off when its session has no live hold."""
    global _CLIENTS  # noqa: PLW0603 - one set of clients per Lambda container
    settings = from_environment(os.environ)
    if _CLIENTS is None:
        _CLIENTS = Clients(settings.region)
    return run(event, settings, _CLIENTS, now=time.time())


def run(event: object, settings: Settings, clients: Clients, now: float) -> dict[str, Any]:
    """One run: read the record, decide, and prune and disable when nothing holds the rule."""
    facts: dict[str, Any] = {"rule": settings.rule}
    found, facts["record"] = _read(settings, clients)
    deadline = _deadline(event)
    if found is not None:
        facts["live_holds"] = live_holds(found, now, settings.skew)
    else:
        facts["session_deadline"] = deadline
    bounded = held_back(found, now, settings.skew) if found is not None else None
    if found is not None and bounded is not None:
        # A hold beyond the longest session (a clock far ahead, a hand-made 1e100) is written
        # back held to that bound, once: from then on it lapses like any other.
        facts["held_back"] = [h.holder for h in found.shared.holds if h not in bounded.holds]
        if not _put(
            settings, clients, write_item(settings.rule, bounded, WRITER, now, found), found
        ):
            return _done(facts, off=False, reason="record changed meanwhile")
        return _done(facts, off=False, reason="held a hold to the longest session")
    if not switches_off(found, deadline, now, settings.skew):
        return _done(facts, off=False)
    if found is not None and not _put(
        settings, clients, released_item(settings.rule, found, WRITER, now), found
    ):
        # A join or a release since the read: never undo a join; whoever released switches
        # the rule off, and the next run looks again.
        return _done(facts, off=False, reason="record changed meanwhile")
    clients.events.disable_rule(Name=settings.rule)
    return _done(facts, off=True, reason="no live hold")


def held_back(found: ReadItem, now: float, skew: int) -> Shared | None:
    """The record with every hold that lapses beyond now + the longest session + the grace
    held to that bound; None when no hold does."""
    bound = now + LONGEST_SESSION_MINUTES * 60 + skew
    if all(h.lapses <= bound for h in found.shared.holds):
        return None
    holds = tuple(
        h if h.lapses <= bound else replace(h, ends=min(h.ends, bound), lapses=bound)
        for h in found.shared.holds
    )
    return Shared(holds, found.shared.version + 1)


def _put(settings: Settings, clients: Clients, item: dict[str, Any], found: ReadItem) -> bool:
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


def live_holds(found: ReadItem | None, now: float, skew: int) -> list[str]:
    """The holders the off switch counts as live (every hold gets the grace)."""
    holds = found.shared.holds if found is not None else ()
    return [h.holder for h in holds if function_sees(h, now, skew)]


def switches_off(found: ReadItem | None, deadline: int | None, now: float, skew: int) -> bool:
    """The decision: the record's holds when it could be read, else the deadline copy (a rule
    switched on by hand, with neither, is not ours to end)."""
    if found is not None:
        return not live_holds(found, now, skew)
    return deadline is not None and now >= deadline


def _read(settings: Settings, clients: Clients) -> tuple[ReadItem | None, str]:
    """The record and what the read found; None when there is none to go by."""
    try:
        answer = clients.dynamodb.get_item(
            TableName=settings.table,
            Key=record_key(settings.rule),
            # A hold written just before this run must count.
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as err:
        return None, f"read failed: {type(err).__name__}: {err}"
    if "Item" not in answer:
        return None, "missing"
    try:
        return read_item(answer["Item"]), "found"
    except UnreadableItemError as err:
        return None, f"unreadable: {err}"


def _deadline(event: object) -> int | None:
    """The tray's copy of the deadline in this target's input, when it is whole seconds."""
    value = event.get("session_deadline") if isinstance(event, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _done(facts: dict[str, Any], off: bool, reason: str | None = None) -> dict[str, Any]:
    result = {"statusCode": 200, "rule_disabled": off, "reason": reason}
    log_line(level="info", **facts, **result)
    return {**result, **facts}
