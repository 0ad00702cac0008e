"""A function deployed with its own clock grace, and another device's hold put straight into the
session record: what the clock-grace tests of the tray and of `status` start from."""

from __future__ import annotations

import boto3

from tests.aws_names import REGION
from tests.template_resources import SESSION_KEY, SESSION_TABLE


def deploy_function(clock_skew: str) -> None:
    """Create the off switch with CLOCK_SKEW_SECONDS = `clock_skew` (moto never runs it)."""
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="pipeline-tray-off-switch",
        Runtime="python3.13",
        Role=role,
        Handler="off_switch.lambda_handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        Environment={"Variables": {"CLOCK_SKEW_SECONDS": clock_skew}},
    )


def put_cli_hold(lapsed: int, device: str = "vm") -> None:
    """Another device's CLI hold that ended (and lapsed) at `lapsed`, the session's only one."""
    hold = {
        "name": {"S": f"{device} (cli)"},
        "ends": {"N": str(lapsed)},
        "heartbeat": {"BOOL": False},
        "lapses": {"N": str(lapsed)},
    }
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=SESSION_TABLE,
        Item={
            **SESSION_KEY,
            "version": {"N": "1"},
            "holds": {"M": {f"{device}/cli": {"M": hold}}},
        },
    )
