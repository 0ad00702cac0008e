"""The session control of one rule (ours alone): its stack (session-control.yaml: the session
table and the off switch) and the one target it adds to the user's rule. `connect` adds both,
`disconnect` removes exactly them; nothing else of the user's is read or written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from tray_app.aws.client_session import AwsSession
from tray_app.aws.error_messages import error_code
from tray_app.aws.stack import DeployResult, StackGateway, WaitLimits
from tray_app.aws.target_input import OFF_SWITCH_ID, deadline_of, off_switch_target
from tray_app.core.errors import AwsError, NotFoundError
from tray_app.core.resolved_config import Config

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


class SessionControl:
    """Adds or removes the session control of `config.rule`."""

    def __init__(self, aws: AwsSession, config: Config, limits: WaitLimits | None = None) -> None:
        self.aws = aws
        self.config = config
        self.stack = StackGateway(aws, config.session_stack, limits)
        self._where = f"rule {config.rule} in {aws.region}"

    @property
    def _events(self) -> EventBridgeClient:
        client: EventBridgeClient = self.aws.client("events")
        return client

    def rule_enabled(self) -> bool:
        """The rule's state; a missing rule says how to get one."""
        try:
            with self.aws.calling("read the rule", self._where):
                state = self._events.describe_rule(Name=self.config.rule)["State"]
        except NotFoundError as err:
            raise NotFoundError(
                f"{self._where} not found: check --rule and --region, or run "
                "`pipeline-tray deploy` to build a new pipeline"
            ) from err
        return state == "ENABLED"

    def deploy(self, template: str, code_bucket: str, code_key: str) -> DeployResult:
        """Create or update the session control's stack."""
        config = self.config
        return self.stack.deploy(
            template,
            {
                "RuleName": config.rule,
                "FunctionName": config.function,
                "BucketName": config.bucket,
                "TableName": config.table,
                "CodeS3Bucket": code_bucket,
                "CodeS3Key": code_key,
                "ClockSkewSeconds": str(config.clock_skew_seconds),
            },
        )

    def attach(self, arn: str) -> bool:
        """Put the off switch's target on the rule (keeping a deadline copy it carries); True
        when the target changed. The user's own targets are left as they are."""
        current = self._target()
        if current is not None and current["Arn"] == arn:
            return False
        target = off_switch_target(arn, deadline_of(current) if current else None)
        with self.aws.calling("add the off switch to the rule", self._where):
            answer = self._events.put_targets(Rule=self.config.rule, Targets=[target])  # type: ignore[list-item]
        if answer.get("FailedEntryCount"):
            failed = answer.get("FailedEntries", [{}])[0]
            raise AwsError(
                f"could not add the off switch to {self._where}: "
                f"{failed.get('ErrorCode', '')} {failed.get('ErrorMessage', '')}".strip()
            )
        return True

    def detach(self) -> bool:
        """Remove the off switch's target from the rule; True when it was there."""
        if self._target() is None:
            return False
        with self.aws.calling("remove the off switch from the rule", self._where):
            self._events.remove_targets(Rule=self.config.rule, Ids=[OFF_SWITCH_ID])
        return True

    def disable_rule(self) -> None:
        """Switch the rule off."""
        with self.aws.calling("disable the rule", self._where):
            self._events.disable_rule(Name=self.config.rule)

    def _target(self) -> dict[str, str] | None:
        try:
            with self.aws.calling("read the rule's targets", self._where):
                targets = self._events.list_targets_by_rule(Rule=self.config.rule)["Targets"]
        except NotFoundError:
            return None  # no rule, so no target of ours on it
        found = next((t for t in targets if t["Id"] == OFF_SWITCH_ID), None)
        return dict(found) if found is not None else None  # type: ignore[arg-type]


def drop_old_session_item(aws: AwsSession, table: str, rule: str) -> bool:
    """Delete the session item the previous version kept in the metrics table (our own table,
    deployed by us); True when there was one."""
    dynamodb = aws.client("dynamodb")
    with aws.calling("drop the old session item", f"table {table} in {aws.region}"):
        try:
            answer = dynamodb.delete_item(
                TableName=table,
                Key={"collection_id": {"S": f"session#{rule}"}},
                ReturnValues="ALL_OLD",
            )
        except ClientError as err:
            if error_code(err) in {"ValidationException", "ResourceNotFoundException"}:
                return False  # a table keyed otherwise holds no item of ours
            raise
    return bool(answer.get("Attributes"))
