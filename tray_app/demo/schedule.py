"""EventBridge's schedule, emulated: while a scheduled rule is ENABLED, invoke its Lambda targets.

moto stores rules but never fires them (docs/emulator.md). This fires every enabled scheduled rule
once per period (300 s divided by the demo's speed), with the input EventBridge would send.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

log = logging.getLogger(__name__)
ACCOUNT = "123456789012"  # the emulator's account


def scheduled_event(rule_arn: str, region: str, now: datetime) -> dict[str, Any]:
    """The event a schedule delivers (AWS's "Scheduled Event" shape)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def target_input(target: dict[str, Any], event: dict[str, Any]) -> str:
    """What the target receives: its constant Input, its transformed input, or the event."""
    if target.get("Input"):
        return str(target["Input"])
    transformer = target.get("InputTransformer")
    if transformer:
        text = str(transformer["InputTemplate"])
        for name, path in transformer.get("InputPathsMap", {}).items():
            text = text.replace(f"<{name}>", json.dumps(_at(event, path)))
        return text
    if target.get("InputPath"):
        return json.dumps(_at(event, target["InputPath"]))
    return json.dumps(event)


def _at(event: dict[str, Any], path: str) -> Any:  # noqa: ANN401 - any JSON value
    value: Any = event
    for part in path.removeprefix("$").strip(".").split("."):
        if part:
            value = value.get(part) if isinstance(value, dict) else None
    return value


class ScheduleEmulator:
    """A thread that plays EventBridge's part for scheduled rules."""

    def __init__(
        self, emulator_url: str, invoke_url: str, region: str, period_seconds: float
    ) -> None:
        self.region = region
        self.period = period_seconds
        self.fired = 0
        self._events = boto3.client("events", region_name=region, endpoint_url=emulator_url)
        self._lambda = boto3.client("lambda", region_name=region, endpoint_url=invoke_url)
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedule", daemon=True)

    def start(self) -> None:
        """Fire every period from now on."""
        self._thread.start()

    def stop(self) -> None:
        """Stop firing (a schedule that never started has nothing to stop)."""
        self._halt.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._halt.wait(self.period):
            try:
                self.fire_once()
            except (BotoCoreError, ClientError) as err:  # the emulator is going away
                log.warning("schedule: %s", err)

    def fire_once(self) -> int:
        """Deliver one scheduled event to each enabled rule's Lambda targets; returns how many
        were accepted."""
        sent = 0
        now = datetime.now(UTC)
        for rule in self._events.list_rules()["Rules"]:
            if rule.get("State") != "ENABLED" or not rule.get("ScheduleExpression"):
                continue
            event = scheduled_event(rule["Arn"], self.region, now)
            for target in self._events.list_targets_by_rule(Rule=rule["Name"])["Targets"]:
                if ":function:" not in target["Arn"]:
                    continue
                try:
                    self._lambda.invoke(
                        FunctionName=target["Arn"],
                        InvocationType="Event",  # as EventBridge does
                        Payload=target_input(dict(target), event).encode(),
                    )
                except ClientError as err:
                    # As EventBridge does: one target's failed delivery leaves the others'.
                    log.warning("schedule: %s: %s", target["Id"], err)
                    continue
                sent += 1
        self.fired += sent
        return sent
