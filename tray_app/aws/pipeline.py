"""The calls a study session makes: read and switch the rule, invoke the function, read metrics."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tray_app.aws.client_session import AwsSession
from tray_app.aws.metrics_reader import MetricsReader
from tray_app.aws.target_input import deadline_of, with_deadline
from tray_app.core.errors import AwsError
from tray_app.core.holds import SKEW_SECONDS
from tray_app.core.resolved_config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
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

    @property
    def _events(self) -> EventBridgeClient:
        client: EventBridgeClient = self.aws.client("events")
        return client

    @property
    def _lambda(self) -> LambdaClient:
        client: LambdaClient = self.aws.client("lambda")
        return client

    @property
    def _dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = self.aws.client("dynamodb")
        return client

    def rule_enabled(self) -> bool:
        """True when the rule is ENABLED (one DescribeRule, a free call: safe to poll)."""
        with self.aws.calling("read the rule", f"rule {self.rule} {self._where}"):
            state = self._events.describe_rule(Name=self.rule)["State"]
        return state == "ENABLED"

    def session_deadline(self) -> int | None:
        """The deadline stored in the rule's Lambda target input, or None."""
        return deadline_of(self._lambda_target())

    def start(self, deadline: int | None) -> None:
        """Store the deadline in the target input, then enable the rule."""
        self.write_deadline(deadline)
        with self.aws.calling("enable the rule", f"rule {self.rule} {self._where}"):
            self._events.enable_rule(Name=self.rule)

    def write_deadline(self, deadline: int | None) -> None:
        """Store (or with None, clear) the deadline, keeping the target's Id, Arn and settings."""
        target = with_deadline(self._lambda_target(), deadline)
        with self.aws.calling("update the rule's target", f"rule {self.rule} {self._where}"):
            answer = self._events.put_targets(Rule=self.rule, Targets=[target])  # type: ignore[list-item]
        if answer.get("FailedEntryCount"):
            failed = answer.get("FailedEntries", [{}])[0]
            raise AwsError(
                f"could not update the target of rule {self.rule}: "
                f"{failed.get('ErrorCode', '')} {failed.get('ErrorMessage', '')}".strip()
            )

    def stop(self) -> None:
        """Disable the rule first (that is what stops the cost), then clear the deadline."""
        with self.aws.calling("disable the rule", f"rule {self.rule} {self._where}"):
            self._events.disable_rule(Name=self.rule)
        self.write_deadline(None)

    def _lambda_target(self) -> dict[str, Any]:
        with self.aws.calling("read the rule's targets", f"rule {self.rule} {self._where}"):
            targets = self._events.list_targets_by_rule(Rule=self.rule)["Targets"]
        lambdas = [t for t in targets if ":lambda:" in t["Arn"] and ":function:" in t["Arn"]]
        named = [
            t for t in lambdas if t["Arn"].split(":function:")[1].split(":")[0] == self.function
        ]
        chosen = named or lambdas
        if not chosen:
            raise AwsError(
                f"rule {self.rule} {self._where} has no Lambda target: run `pipeline-tray deploy`"
            )
        return dict(chosen[0])

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
        """The clock grace the function is configured with: its CLOCK_SKEW_SECONDS, or its
        default (equal to ours, tests/unit/test_template.py) when unset; None when it is not a
        whole number >= 0 (the function then refuses to run, and says so itself)."""
        with self.aws.calling(
            "read the function's settings", f"function {self.function} {self._where}"
        ):
            answer = self._lambda.get_function_configuration(FunctionName=self.function)
        raw = answer.get("Environment", {}).get("Variables", {}).get("CLOCK_SKEW_SECONDS")
        text = "" if raw is None else str(raw).strip()
        if not text:
            return SKEW_SECONDS
        try:
            value = int(text)  # as collector/settings.py reads it
        except ValueError:
            return None
        return value if value >= 0 else None

    def latest_metric(self) -> dict[str, Any] | None:
        """The newest record: one Query on the newest-first index, never a Scan."""
        found = self.recent_metrics(1)
        return found[0] if found else None

    def recent_metrics(self, count: int) -> list[dict[str, Any]]:
        """The newest `count` records, newest first, in one Query."""
        return MetricsReader(self.aws, self.table).recent(count)


def _log_tail(log_result: str | None) -> list[str]:
    if not log_result:
        return []
    text = base64.b64decode(log_result).decode("utf-8", "replace")
    return [line for line in text.splitlines() if line.strip()][-LOG_TAIL_LINES:]
