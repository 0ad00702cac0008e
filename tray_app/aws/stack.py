"""CloudFormation and S3 calls for `deploy` and `destroy`: upload code, create/update/delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError, WaiterError
from botocore.parsers import ResponseParserError

from tray_app.aws.client_session import AwsSession
from tray_app.aws.error_messages import error_code, translate, translated
from tray_app.core.errors import AwsError

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import ParameterTypeDef

NO_UPDATES = "No updates are to be performed"
# States from which neither create nor update can proceed; the message says what to do.
BLOCKED = {
    "ROLLBACK_COMPLETE": "its first creation failed and was rolled back",
    "ROLLBACK_FAILED": "its first creation failed and could not be rolled back",
    "DELETE_FAILED": "a deletion failed",
    "UPDATE_ROLLBACK_FAILED": "an update failed and could not be rolled back",
}


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did: "created", "updated" or "unchanged", and the stack's outputs."""

    action: str
    status: str
    outputs: dict[str, str]


@dataclass(frozen=True)
class WaitLimits:
    """How often and how long to poll CloudFormation; every wait is bounded."""

    delay_seconds: int = 5
    max_attempts: int = 180  # 15 minutes


class StackGateway:
    """Deploys and removes one CloudFormation stack."""

    def __init__(self, aws: AwsSession, stack: str, limits: WaitLimits | None = None) -> None:
        self.aws = aws
        self.stack = stack
        self.limits = limits or WaitLimits()
        self.where = f"stack {stack} in {aws.region}"

    def artifacts_bucket(self) -> str:
        """Name of the bucket deploy keeps function code in (one per account and region)."""
        return f"pipeline-tray-artifacts-{self.aws.account_id()}-{self.aws.region}"

    def ensure_code(self, bucket: str, key: str, body: bytes) -> bool:
        """Upload the zip unless its (content-addressed) key exists; True if it was sent."""
        s3 = self.aws.s3
        with translated("upload the function code", f"bucket {bucket}"):
            self._ensure_bucket(bucket)
            try:
                s3.head_object(Bucket=bucket, Key=key)
                return False
            except ClientError as err:
                if error_code(err) not in {"404", "NoSuchKey", "NotFound"}:
                    raise
            s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/zip")
            return True

    def _ensure_bucket(self, bucket: str) -> None:
        s3 = self.aws.s3
        try:
            s3.head_bucket(Bucket=bucket)
            return
        except ClientError as err:
            if error_code(err) not in {"404", "NoSuchBucket", "NotFound"}:
                raise
        if self.aws.region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket,
                CreateBucketConfiguration={"LocationConstraint": self.aws.region},  # type: ignore[typeddict-item]
            )
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )

    def status(self) -> str | None:
        """The stack's status, or None when it does not exist."""
        with translated("read the stack", self.where):
            try:
                stacks = self.aws.cloudformation.describe_stacks(StackName=self.stack)["Stacks"]
            except ClientError as err:
                if "does not exist" in str(err.response.get("Error", {}).get("Message", "")):
                    return None
                raise
        return stacks[0]["StackStatus"] if stacks else None

    def deploy(self, template: str, parameters: dict[str, str]) -> DeployResult:
        """Create the stack, or update it; an update with nothing to change is "unchanged"."""
        status = self.status()
        if status in BLOCKED:
            raise AwsError(
                f"{self.where} is {status} ({BLOCKED[status]}): read its events in the console, "
                "then run `pipeline-tray destroy` and deploy again"
            )
        if status is not None and status.endswith("_IN_PROGRESS"):
            raise AwsError(f"{self.where} is busy ({status}): wait for it to finish, then retry")
        params: list[ParameterTypeDef] = [
            {"ParameterKey": k, "ParameterValue": v} for k, v in sorted(parameters.items())
        ]
        if status is not None and self._unchanged(template, parameters):
            return DeployResult("unchanged", status, self.outputs())
        cfn = self.aws.cloudformation
        # create_stack/update_stack rather than change sets: the emulator drops Outputs when it
        # executes a change set. NO_UPDATES still covers what _unchanged cannot see.
        try:
            if status is None:
                cfn.create_stack(
                    StackName=self.stack,
                    TemplateBody=template,
                    Parameters=params,
                    Capabilities=["CAPABILITY_IAM"],
                    OnFailure="ROLLBACK",
                    Tags=[{"Key": "app", "Value": "pipeline-tray"}],
                )
                action, waiter = "created", "stack_create_complete"
            else:
                cfn.update_stack(
                    StackName=self.stack,
                    TemplateBody=template,
                    Parameters=params,
                    Capabilities=["CAPABILITY_IAM"],
                )
                action, waiter = "updated", "stack_update_complete"
        except ClientError as err:
            if NO_UPDATES not in str(err.response.get("Error", {}).get("Message", "")):
                raise translate(err, "deploy the stack", self.where) from err
            return DeployResult("unchanged", status or "", self.outputs())
        except (BotoCoreError, ResponseParserError) as err:
            raise translate(err, "deploy the stack", self.where) from err
        self._wait(waiter)
        return DeployResult(action, self.status() or "", self.outputs())

    def _unchanged(self, template: str, parameters: dict[str, str]) -> bool:
        """True when the deployed template and parameters are exactly the ones given."""
        cfn = self.aws.cloudformation
        with translated("read the deployed stack", self.where):
            # typed as a dict, but a YAML template comes back as the text that was sent
            deployed: object = cfn.get_template(StackName=self.stack)["TemplateBody"]
            stack = cfn.describe_stacks(StackName=self.stack)["Stacks"][0]
        current = {
            p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])
        }
        # The stack also lists template defaults deploy never passes; compare what deploy sends.
        return deployed == template and all(current.get(k) == v for k, v in parameters.items())

    def outputs(self) -> dict[str, str]:
        """The stack's outputs as a name → value map."""
        with translated("read the stack outputs", self.where):
            stack = self.aws.cloudformation.describe_stacks(StackName=self.stack)["Stacks"][0]
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def physical_id(self, logical_id: str) -> str | None:
        """The name AWS gave a resource of the stack, or None if the stack has no such resource."""
        with translated("read the stack resources", self.where):
            try:
                found = self.aws.cloudformation.describe_stack_resource(
                    StackName=self.stack, LogicalResourceId=logical_id
                )
            except ClientError as err:
                if error_code(err) != "ValidationError":  # "... does not exist"
                    raise
                return None
        return found["StackResourceDetail"].get("PhysicalResourceId")

    def empty_bucket(self, bucket: str) -> int:
        """Delete every object in `bucket`; returns how many. A missing bucket is already empty."""
        s3 = self.aws.s3
        deleted = 0
        with translated("empty the bucket", f"bucket {bucket}"):
            try:
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                    keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
                    if keys:
                        s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})  # type: ignore[typeddict-item]
                        deleted += len(keys)
            except ClientError as err:
                if error_code(err) != "NoSuchBucket":
                    raise
        return deleted

    def delete_bucket(self, bucket: str) -> None:
        """Empty and delete a bucket deploy created; a missing one is fine."""
        self.empty_bucket(bucket)
        with translated("delete the bucket", f"bucket {bucket}"):
            try:
                self.aws.s3.delete_bucket(Bucket=bucket)
            except ClientError as err:
                if error_code(err) != "NoSuchBucket":
                    raise

    def delete(self) -> None:
        """Delete the stack and wait until it is gone."""
        with translated("delete the stack", self.where):
            self.aws.cloudformation.delete_stack(StackName=self.stack)
        self._wait("stack_delete_complete")

    def _wait(self, waiter_name: str) -> None:
        waiter = self.aws.cloudformation.get_waiter(waiter_name)  # type: ignore[call-overload]
        limits = {"Delay": self.limits.delay_seconds, "MaxAttempts": self.limits.max_attempts}
        with translated("wait for the stack", self.where):
            try:
                waiter.wait(StackName=self.stack, WaiterConfig=limits)
            except WaiterError as err:  # a BotoCoreError too: give it its own message first
                raise AwsError(self._failure_message(waiter_name, err)) from err

    def _failure_message(self, waiter_name: str, err: WaiterError) -> str:
        seconds = self.limits.delay_seconds * self.limits.max_attempts
        if "Max attempts exceeded" in str(err):
            return f"{self.where} did not finish within {seconds} s: check it in the console"
        reason = self._first_failure_reason()
        return (
            f"{self.where} failed ({waiter_name.replace('_', ' ')}): {reason or err}; "
            "fix that, then run `pipeline-tray deploy` again"
        )

    def _first_failure_reason(self) -> str | None:
        try:
            events = self.aws.cloudformation.describe_stack_events(StackName=self.stack)
        except (BotoCoreError, ClientError):
            return None  # the stack may be gone already; the waiter's own message will do
        failed = [
            e for e in events["StackEvents"] if e.get("ResourceStatus", "").endswith("_FAILED")
        ]
        if not failed:
            return None
        first = failed[-1]  # events come newest first; the oldest failure is the cause
        return f"{first.get('LogicalResourceId')}: {first.get('ResourceStatusReason', '')}"
