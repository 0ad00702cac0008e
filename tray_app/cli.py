"""The `pipeline-tray` command line: parse, load config, run one command, map errors to exits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tray_app import APP_NAME, config, stack_commands
from tray_app.errors import PipelineTrayError

GLOBAL_OPTIONS = {
    "profile": "AWS profile (default: AWS_PROFILE or boto3's default)",
    "region": "AWS region (default: AWS_REGION, the profile's, or eu-west-1)",
    "endpoint-url": "send every AWS call here, e.g. an emulator at http://127.0.0.1:5000",
    "rule": "EventBridge rule (default data-collector-schedule)",
    "function": "Lambda function (default data-collector)",
    "table": "DynamoDB table (default InfraMetrics)",
    "bucket": "S3 metrics bucket (default infra-monitoring-pipeline-data)",
    "stack": "CloudFormation stack (default pipeline-tray)",
}


def _global_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps a subcommand's unset option from overwriting the same option given earlier.
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("global options")
    group.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="TOML config file (default: the platform's config dir)",
    )
    for name, text in GLOBAL_OPTIONS.items():
        group.add_argument(f"--{name}", default=argparse.SUPPRESS, help=text)
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options, then one subcommand."""
    parent = _global_options()
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="Keep your study pipeline's AWS schedule off unless you are studying.",
        parents=[parent],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    deploy = commands.add_parser(
        "deploy", parents=[parent], help="create or update the CloudFormation stack"
    )
    deploy.add_argument(
        "--budget-email",
        default="",
        metavar="ADDRESS",
        help="send the $1.50/month budget alert to this address",
    )
    destroy = commands.add_parser(
        "destroy", parents=[parent], help="empty the metrics bucket and delete the stack"
    )
    destroy.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; 0 success, 1 AWS or runtime failure, 2 usage or configuration error."""
    stdout = out or sys.stdout
    args = build_parser().parse_args(argv)
    flags = {
        key.replace("-", "_"): getattr(args, key.replace("-", "_"), None) for key in GLOBAL_OPTIONS
    }
    try:
        settings = config.load(flags, path=getattr(args, "config", None))
        if args.command == "deploy":
            return stack_commands.deploy(settings, stdout, budget_email=args.budget_email)
        if args.command == "destroy":
            return stack_commands.destroy(settings, stdout, yes=args.yes)
    except PipelineTrayError as err:
        print(f"{APP_NAME}: {err}", file=sys.stderr)
        return err.exit_code
    raise AssertionError(f"unhandled command {args.command}")  # argparse only allows the above
