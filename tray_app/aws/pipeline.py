"""The calls a study session makes: read and switch the rule, write the off switch's deadline copy,
invoke the function, read metrics. The user's own target is never written."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tray_app.aws.client_session import AwsSession
from tray_app.aws.metrics_reader import MetricsReader
from tray_app.aws.target_input import OFF_SWITCH_ID, deadline_of, off_switch_target
from tray_app.core.errors import CONNECT_HINT, AwsError, NotConnectedError
from tray_app.core.holds import SKEW_SECONDS
from tray_app.core.resolved_config import Config

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient

LOG_TAIL_LINES = 5


class InvokeError(AwsError):
    """The function ran and failed; the message carries its error and the tail of its log."""


@dataclass(frozen=True)
class InvokeResult:
    """What a synchronous invoke returned."""

    payload: Any
    log_tail: list[str]


class Pipeline:
    """The rule, the function and the table of one deployed pipeline."""

    def __init__(self, aws: AwsSession, config: Config) -> None:
        self.aws = aws
        self.rule = config.rule
        self.function = config.function
        self.table = config.table
        self._where = f"in {aws.region}"
        self._metrics = MetricsReader(aws, config.table, config.bucket)

    @property
    def _events(self) -> EventBridgeClient:
        client: EventBridgeClient = self.aws.client("events")
        return client

    @property
    def _lambda(self) -> LambdaClient:
        client: LambdaClient = self.aws.client("lambda")
        return client

    def rule_enabled(self) -> bool:
        """True when the rule is ENABLED (one DescribeRule, a free call: safe to poll)."""
        with self.aws.calling("read the rule", f"rule {self.rule} {self._where}"):
            state = self._events.describe_rule(Name=self.rule)["State"]
        return state == "ENABLED"

    def session_deadline(self) -> int | None:
        """The deadline copy in the off switch's target input; None without one."""
        target = self.off_switch()
        return deadline_of(target) if target is not None else None

    def start(self, deadline: int | None) -> None:
        """Store the deadline copy in the off switch's input, then enable the rule."""
        self.write_deadline(deadline)
        with self.aws.calling("enable the rule", f"rule {self.rule} {self._where}"):
            self._events.enable_rule(Name=self.rule)

    def write_deadline(self, deadline: int | None) -> None:
        """Store (or with None, clear) the deadline copy; only our own target is written."""
        target = self.off_switch()
        if target is None:
            raise self.not_connected()
        self._put_off_switch(target["Arn"], deadline)

    def stop(self) -> None:
        """Disable the rule first (that is what stops the cost), then clear the deadline copy.
        A rule without our off switch is only disabled."""
        with self.aws.calling("disable the rule", f"rule {self.rule} {self._where}"):
            self._events.disable_rule(Name=self.rule)
        target = self.off_switch()
        if target is not None and deadline_of(target) is not None:
            self._put_off_switch(target["Arn"], None)

    def off_switch(self) -> dict[str, Any] | None:
        """The rule's target of ours (the off switch), or None when the rule is not connected."""
        with self.aws.calling("read the rule's targets", f"rule {self.rule} {self._where}"):
            targets = self._events.list_targets_by_rule(Rule=self.rule)["Targets"]
        return next((dict(t) for t in targets if t["Id"] == OFF_SWITCH_ID), None)

    def not_connected(self) -> NotConnectedError:
        """The error that says the one command to run."""
        return NotConnectedError(
            f"rule {self.rule} {self._where} has no off switch yet, so a forgotten session would "
            f"run on: {CONNECT_HINT} (it adds the session control and changes nothing of yours)"
        )

    def _put_off_switch(self, arn: str, deadline: int | None) -> None:
        target = off_switch_target(arn, deadline)
        with self.aws.calling("update the off switch's target", f"rule {self.rule} {self._where}"):
            answer = self._events.put_targets(Rule=self.rule, Targets=[target])  # type: ignore[list-item]
        if answer.get("FailedEntryCount"):
            failed = answer.get("FailedEntries", [{}])[0]
            raise AwsError(
                f"could not update the off switch's target on rule {self.rule}: "
                f"{failed.get('ErrorCode', '')} {failed.get('ErrorMessage', '')}".strip()
            )

    def invoke(self) -> InvokeResult:
        """Run the function now and wait for its result (RequestResponse)."""
        with self.aws.calling("invoke the function", f"function {self.function} {self._where}"):
            answer = self._lambda.invoke(
                FunctionName=self.function, InvocationType="RequestResponse", LogType="Tail"
            )
            raw = answer["Payload"].read()
        tail = _log_tail(answer.get("LogResult"))
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        if answer.get("FunctionError"):
            detail = payload.get("errorMessage") if isinstance(payload, dict) else payload
            # Lambda's own START/END/REPORT lines say nothing about what went wrong.
            said = [line for line in tail if not line.startswith(("START", "END", "REPORT"))]
            last = f" | log: {said[-1]}" if said else ""
            raise InvokeError(f"function {self.function} failed: {detail}{last}")
        return InvokeResult(payload=payload, log_tail=tail)

    def function_clock_skew(self) -> int | None:
        """The clock grace the off switch is configured with: its CLOCK_SKEW_SECONDS, or its
        default (equal to ours, tests/unit/test_template.py) when unset; None when it is not a
        whole number >= 0 (the off switch then refuses to run, and says so itself)."""
        target = self.off_switch()
        if target is None:
            raise self.not_connected()
        with self.aws.calling("read the off switch's settings", f"rule {self.rule} {self._where}"):
            answer = self._lambda.get_function_configuration(FunctionName=target["Arn"])
        raw = answer.get("Environment", {}).get("Variables", {}).get("CLOCK_SKEW_SECONDS")
        text = "" if raw is None else str(raw).strip()
        if not text:
            return SKEW_SECONDS
        try:
            value = int(text)  # as lambda_function/off_switch.py reads it
        except ValueError:
            return None
        return value if value >= 0 else None

    def latest_metric(self) -> dict[str, Any] | None:
        """The newest record (metrics_reader.py says from where)."""
        found = self.recent_metrics(1)
        return found[0] if found else None

    def recent_metrics(self, count: int) -> list[dict[str, Any]]:
        """The newest `count` records, newest first."""
        return self._metrics.recent(count)


def _log_tail(log_result: str | None) -> list[str]:
    if not log_result:
        return []
    text = base64.b64decode(log_result).decode("utf-8", "replace")
    return [line for line in text.splitlines() if line.strip()][-LOG_TAIL_LINES:]
