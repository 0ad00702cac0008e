"""The `pipeline-tray` command line: parse, load config, run one command, map errors to exits."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TextIO

from tray_app import APP_NAME
from tray_app.app import config, log_setup
from tray_app.app.state_files import default_state_dir
from tray_app.commands import connect_command, report_command, tray_command
from tray_app.commands import session_command as session_commands
from tray_app.commands import stack_command as stack_commands
from tray_app.commands.clean_output import cleaned, cleaned_stderr
from tray_app.commands.closed_pipe import run_quietly
from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.errors import PipelineTrayError
from tray_app.core.resolved_config import Config
from tray_app.desktop import autostart, launcher

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
    group.add_argument(
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="also show log lines and library warnings (they always go to the log file)",
    )
    return parent


def _whole(unit: str, low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number of `unit` from `low` (to `high`), said as such."""
    allowed = f"{low} or more" if high is None else f"from {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be a whole number of {unit}, {allowed}: {text!r}"
            )
        return value

    return parse


def installed_version() -> str:
    """The installed distribution's version, or a note when running from an uninstalled tree."""
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:
        return "(not installed: running from a source tree)"


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options, then one subcommand."""
    parent = _global_options()
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="Keep your study pipeline's AWS schedule off unless you are studying.",
        parents=[parent],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    tray = commands.add_parser("tray", parents=[parent], help="the tray app (the default)")
    tray.add_argument("--terminal", action="store_true", help="the terminal panel, not an icon")
    demo = commands.add_parser(
        "demo", parents=[parent], help="everything on an embedded AWS emulator, no account"
    )
    demo.add_argument(
        "--speed",
        type=float,
        default=100.0,
        help="time compression of the 5-minute schedule (default 100: every 3 s)",
    )
    demo.add_argument("--terminal", action="store_true", help="the terminal panel, not an icon")
    demo.add_argument(
        "--no-tray",
        action="store_true",
        help="only the emulator side, for a second terminal or scripts",
    )
    autostart = commands.add_parser(
        "autostart", parents=[parent], help="start the tray at login (on) or not (off)"
    )
    autostart.add_argument("switch", choices=["on", "off"])
    desktop_entry = commands.add_parser(
        "desktop-entry",
        parents=[parent],
        help="the tray in the Linux application menu (on) or not (off)",
    )
    desktop_entry.add_argument("switch", choices=["on", "off"])
    status = commands.add_parser(
        "status", parents=[parent], help="rule state, session deadline, latest metric"
    )
    status.add_argument("--json", action="store_true", help="one JSON object for scripts")
    start = commands.add_parser("start", parents=[parent], help="start a study session")
    start.add_argument(
        "--minutes",
        type=_whole("minutes", 1, LONGEST_SESSION_MINUTES),
        metavar="N",
        help="session length (default: session_minutes, 60)",
    )
    commands.add_parser("stop", parents=[parent], help="stop the study session")
    invoke = commands.add_parser("invoke", parents=[parent], help="run the function now")
    invoke.add_argument("--json", action="store_true", help="print the function's result as JSON")
    latest = commands.add_parser("latest", parents=[parent], help="the latest metric record")
    latest.add_argument("--json", action="store_true", help="the record as JSON (or null)")
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
    commands.add_parser(
        "connect",
        parents=[parent],
        help="add the session control (an off switch of ours) to a rule you built yourself",
    )
    commands.add_parser("disconnect", parents=[parent], help="remove exactly what connect added")
    report = commands.add_parser(
        "report", parents=[parent], help="the study report: charts in one HTML file"
    )
    report.add_argument(
        "--days",
        type=_whole("days", 1, report_command.MAX_DAYS),
        default=report_command.DEFAULT_DAYS,
        metavar="N",
        help=f"the last N days, 1 to {report_command.MAX_DAYS} (default 7)",
    )
    report.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="the HTML file to write (default: report.html in the state directory)",
    )
    report.add_argument("--open", action="store_true", help="open it in the browser")
    return parser


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from tray_app.demo import command  # noqa: PLC0415 - the product never loads the demo

    return command.run(out, speed=args.speed, terminal=args.terminal, tray=not args.no_tray)


def _autostart(switch: str, out: TextIO) -> int:
    if switch == "on":
        print(f"the tray starts at login: {autostart.enable()}", file=out)
    else:
        print(f"the tray no longer starts at login (removed {autostart.disable()})", file=out)
    return 0


def _desktop_entry(switch: str, out: TextIO) -> int:
    if switch == "on":
        print(f"the tray is in the application menu: {launcher.enable()}", file=out)
    else:
        print(f"the tray is no longer in the menu (removed {launcher.disable()})", file=out)
    return 0


Command = Callable[[Config, TextIO, argparse.Namespace], int]
COMMANDS: dict[str, Command] = {
    "tray": lambda c, out, a: tray_command.run(c, out, terminal=getattr(a, "terminal", False)),
    "autostart": lambda c, out, a: _autostart(a.switch, out),
    "desktop-entry": lambda c, out, a: _desktop_entry(a.switch, out),
    "demo": lambda c, out, a: _demo(a, out),
    "status": lambda c, out, a: session_commands.status(c, out, as_json=a.json),
    "start": lambda c, out, a: session_commands.start(c, out, minutes=a.minutes),
    "stop": lambda c, out, a: session_commands.stop(c, out),
    "invoke": lambda c, out, a: session_commands.invoke(c, out, as_json=a.json),
    "latest": lambda c, out, a: session_commands.latest(c, out, as_json=a.json),
    "deploy": lambda c, out, a: stack_commands.deploy(c, out, budget_email=a.budget_email),
    "destroy": lambda c, out, a: stack_commands.destroy(c, out, yes=a.yes),
    "connect": lambda c, out, a: connect_command.connect(c, out),
    "disconnect": lambda c, out, a: connect_command.disconnect(c, out),
    "report": lambda c, out, a: report_command.report(c, out, a.days, a.output, a.open),
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; 0 success, 1 AWS or runtime failure, 2 usage or configuration error,
    141 when its output pipe was closed (`| head -1`)."""
    give_pythonw_streams()
    with cleaned_stderr():  # every line to the terminal is cleaned of what AWS's text carries
        return run_quietly(lambda: _run(argv, cleaned(out or sys.stdout)))


def give_pythonw_streams() -> None:
    """Under pythonw (the Windows shortcuts) stdout and stderr are None: make them the null
    device, or the first write (Quit's goodbye line) kills the thread that was quitting."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            # open for the process's lifetime: it is the stream itself
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _run(argv: Sequence[str] | None, stdout: TextIO) -> int:
    args = build_parser().parse_args(argv)
    flags = {
        key.replace("-", "_"): getattr(args, key.replace("-", "_"), None) for key in GLOBAL_OPTIONS
    }
    log_setup.configure(default_state_dir(), verbose=getattr(args, "verbose", False))
    try:
        settings = config.load(flags, path=getattr(args, "config", None))
        return COMMANDS[args.command or "tray"](settings, stdout, args)
    except PipelineTrayError as err:
        print(f"{APP_NAME}: {err}", file=sys.stderr)
        return err.exit_code
