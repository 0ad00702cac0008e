"""`pipeline-tray report`: the study report of the last days as one HTML file, optionally
opened in the browser."""

from __future__ import annotations

import time
import webbrowser
from datetime import tzinfo
from pathlib import Path
from typing import TextIO

from tray_app.app.private_files import private_dir, write_private
from tray_app.app.report_page import Reading, render
from tray_app.app.state_files import StateFiles, default_state_dir
from tray_app.aws.client_session import AwsSession
from tray_app.aws.metrics_reader import MetricsReader
from tray_app.core import report_model
from tray_app.core.errors import AwsError, UsageError
from tray_app.core.resolved_config import Config
from tray_app.desktop.local_zone import LOCAL

DEFAULT_DAYS = 7
MAX_DAYS = 31  # the table keeps records 7 days; the history file keeps every session
REPORT_FILE = "report.html"


def default_output() -> Path:
    """Where the report goes unless told: the state directory."""
    return default_state_dir() / REPORT_FILE


def write_report(
    config: Config,
    days: int = DEFAULT_DAYS,
    output: Path | None = None,
    *,
    now: float | None = None,
    tz: tzinfo | None = None,
) -> tuple[Path, report_model.Report, Reading]:
    """Read the history and the period's records, write the page; returns what was written."""
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"--days must be from 1 to {MAX_DAYS}, got {days}")
    now = time.time() if now is None else now
    zone = tz or LOCAL
    target = output or default_output()
    if target.is_dir():
        raise UsageError(f"--output {target} is a folder: give a file name, e.g. report.html")
    start, end, _dates = report_model.period(days, now, zone)
    aws = AwsSession(config)
    try:
        found = MetricsReader(aws, config.table, config.bucket).between(start, end)
        records, reading = (
            found.records,
            Reading(found.pages, found.read_units, found.complete),
        )
    except AwsError as err:  # not deployed, another region, offline: the page says so
        records, reading = [], Reading(0, 0.0, True, problem=f"{err}.")
    history = StateFiles(default_state_dir()).history()
    report = report_model.build(history, records, days, now, zone)
    page = render(report, days, reading, zone)
    try:
        if target.is_symlink():  # we never make one: someone else wants our page elsewhere
            raise UsageError(f"--output {target} is a symbolic link: give the file itself")
        if output is None:
            private_dir(target.parent)  # the state directory
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        write_private(target, page)  # not through a link made since the check, either
    except OSError as err:
        raise UsageError(f"cannot write the report to {target}: {err.strerror or err}") from err
    return target, report, reading


def report(config: Config, out: TextIO, days: int, output: Path | None, open_it: bool) -> int:
    """Write the report, say where and what is in it, and open it if asked."""
    target, made, reading = write_report(config, days, output)
    sessions = sum(d.sessions for d in made.days)
    print(
        f"report: {target} ({sessions} sessions, {len(made.samples)} metrics records, "
        f"{reading.read_units:g} read units)",
        file=out,
    )
    if reading.problem:
        print(f"no metrics in it: {reading.problem}", file=out)
    if open_it:
        webbrowser.open(target.resolve().as_uri())
    return 0
