"""`deploy` and `destroy`: package the function, drive the stack, and say what happened."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from tray_app.aws import lambda_package
from tray_app.aws.client_session import AwsSession
from tray_app.aws.session_control import drop_old_session_item
from tray_app.aws.stack import StackGateway, WaitLimits
from tray_app.commands.connect_command import (
    add_session_control,
    read_template,
    remove_session_control,
    save,
)
from tray_app.core.errors import UsageError
from tray_app.core.resolved_config import Config


def deploy(
    config: Config,
    out: TextIO,
    *,
    budget_email: str = "",
    limits: WaitLimits | None = None,
) -> int:
    """Create or update the pipeline's stack from template.yaml and lambda_function/, then its
    session control (as `connect` does); print the outputs and save the names used."""
    template = read_template(lambda_package.TEMPLATE)
    try:
        package = lambda_package.build()
    except FileNotFoundError as err:
        raise UsageError(
            f"{err}: this installation is incomplete; reinstall pipeline-tray"
        ) from err
    aws = AwsSession(config)
    gateway = StackGateway(aws, config.stack, limits)
    code_bucket = gateway.artifacts_bucket()
    sent = gateway.ensure_code(code_bucket, package.key, package.body)
    size_kb = len(package.body) / 1024
    print(
        f"function code: s3://{code_bucket}/{package.key} ({size_kb:.1f} KB, "
        f"{'uploaded' if sent else 'already there'})",
        file=out,
    )
    started = time.monotonic()
    result = gateway.deploy(
        template,
        {
            "BucketName": config.bucket,
            "TableName": config.table,
            "FunctionName": config.function,
            "RuleName": config.rule,
            "CodeS3Bucket": code_bucket,
            "CodeS3Key": package.key,
            "BudgetEmail": budget_email,
        },
    )
    if result.action == "unchanged":
        print(f"{gateway.where} is up to date: no change", file=out)
    else:
        elapsed = time.monotonic() - started
        print(f"{gateway.where} {result.action} ({result.status}, {elapsed:.1f} s)", file=out)
    for name, value in sorted(result.outputs.items()):
        print(f"  {name:<16} {value}", file=out)
    if drop_old_session_item(aws, config.table, config.rule):
        # The previous version kept the session in the metrics table; the new one has its own.
        print(f"dropped the old session item session#{config.rule} from {config.table}", file=out)
    add_session_control(aws, config, out, limits)
    save(config, out, ("rule", "function", "table", "bucket", "stack"))
    return 0


def destroy(
    config: Config,
    out: TextIO,
    *,
    yes: bool,
    ask: Callable[[str], str] = input,
    interactive: bool | None = None,
    limits: WaitLimits | None = None,
) -> int:
    """Empty the metrics bucket (once confirmed), delete the session control, the stack and
    deploy's code bucket."""
    aws = AwsSession(config)
    gateway = StackGateway(aws, config.stack, limits)
    if gateway.status() is None:
        print(f"{gateway.where} does not exist: nothing to destroy", file=out)
        return 0
    bucket = gateway.physical_id("DataBucket")
    if not yes:
        if not (sys.stdin.isatty() if interactive is None else interactive):
            raise UsageError(
                "destroy deletes the stack and every metrics object: pass --yes to confirm"
            )
        what = f"stack {config.stack}" + (f" and every object in s3://{bucket}" if bucket else "")
        if ask(f"Delete {what}? [y/N] ").strip().lower() not in {"y", "yes"}:
            print("nothing deleted", file=out)
            return 0
    if bucket:
        count = gateway.empty_bucket(bucket)
        print(f"emptied s3://{bucket} ({count} objects)", file=out)
    remove_session_control(aws, config, out, limits)
    gateway.delete()
    gateway.delete_bucket(gateway.artifacts_bucket())
    print(f"{gateway.where} deleted", file=out)
    return 0
