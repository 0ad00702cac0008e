"""`connect` and `disconnect`: add or remove the session control of a rule that already exists,
saying each change; and the part of `deploy` and `destroy` that does the same."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from tray_app.app.config import save_names
from tray_app.aws import lambda_package
from tray_app.aws.client_session import AwsSession
from tray_app.aws.session_control import SessionControl
from tray_app.aws.stack import StackGateway, WaitLimits
from tray_app.core.errors import UsageError
from tray_app.core.resolved_config import Config

NAMES = ("rule", "function", "table", "bucket")


def connect(config: Config, out: TextIO, limits: WaitLimits | None = None) -> int:
    """Add the session control to the existing rule and save the names for later commands."""
    aws = AwsSession(config)
    control = SessionControl(aws, config, limits)
    control.rule_enabled()  # a missing rule is named before anything is made
    add_session_control(aws, config, out, limits)
    save(config, out, NAMES)
    return 0


def add_session_control(
    aws: AwsSession, config: Config, out: TextIO, limits: WaitLimits | None = None
) -> None:
    """Deploy the session control's stack and put its off switch on the rule."""
    template = read_template(lambda_package.SESSION_TEMPLATE)
    package = lambda_package.build()
    code = StackGateway(aws, config.session_stack, limits)
    code_bucket = code.artifacts_bucket()
    code.ensure_code(code_bucket, package.key, package.body)
    control = SessionControl(aws, config, limits)
    result = control.deploy(template, code_bucket, package.key)
    if result.action == "unchanged":
        print(f"session control: {control.stack.where} is up to date", file=out)
    else:
        print(f"session control: {control.stack.where} {result.action}", file=out)
        print(f"  session table  {result.outputs.get('SessionTableName', '')}", file=out)
        print(f"  off switch     {result.outputs.get('OffSwitchArn', '')}", file=out)
        print(f"  tray policy    {result.outputs.get('TrayUserPolicyArn', '')}", file=out)
    if control.attach(result.outputs["OffSwitchArn"]):
        print(
            f"rule {config.rule}: added the target pipeline-tray-off-switch (your own targets "
            "are left as they are)",
            file=out,
        )
    else:
        print(f"rule {config.rule}: already has the off switch", file=out)


def disconnect(config: Config, out: TextIO, limits: WaitLimits | None = None) -> int:
    """Remove exactly what connect added; a rule left on is switched off first."""
    remove_session_control(AwsSession(config), config, out, limits)
    return 0


def remove_session_control(
    aws: AwsSession, config: Config, out: TextIO, limits: WaitLimits | None = None
) -> None:
    """Take the off switch off the rule and delete the session control's stack."""
    control = SessionControl(aws, config, limits)
    if control.detach():
        if control.rule_enabled():
            # Without its off switch a forgotten rule would run on: off is the safe state.
            control.disable_rule()
            print(f"rule {config.rule}: was on, switched it off", file=out)
        print(f"rule {config.rule}: removed the target pipeline-tray-off-switch", file=out)
    if control.stack.status() is None:
        print(f"session control: {control.stack.where} does not exist", file=out)
        return
    control.stack.delete()
    print(f"session control: {control.stack.where} deleted", file=out)


def save(config: Config, out: TextIO, keys: tuple[str, ...]) -> None:
    """Save the names in use to the config file, so later commands need no flags."""
    changed = save_names(config.file, {key: getattr(config, key) for key in keys})
    if changed:
        print(f"saved {', '.join(changed)} to {config.file}", file=out)


def read_template(path: Path) -> str:
    """A shipped template's text; a missing one says the installation is incomplete."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise UsageError(
            f"{path} not found: this installation is incomplete; reinstall pipeline-tray"
        ) from err
