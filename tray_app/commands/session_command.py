"""`status`, `start`, `stop`, `invoke`, `latest`: one-shot session commands for scripts."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import tzinfo
from typing import Any, TextIO

from tray_app import APP_NAME
from tray_app.app import clock_grace
from tray_app.app.device import cli_identity
from tray_app.app.executor import Executor, invoke_summary
from tray_app.app.state_files import StateFiles, default_state_dir
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.core import holds, status_text
from tray_app.core.errors import AwsError, NotConnectedError
from tray_app.core.events import AWS_ACTIONS, Event, Failed, StartRequested, StopRequested
from tray_app.core.machine import Phase, Settings, State, step
from tray_app.core.resolved_config import Config
from tray_app.desktop.local_zone import LOCAL

Clock = Callable[[], float]
log = logging.getLogger(__name__)


def _pipeline(config: Config) -> Pipeline:
    return Pipeline(AwsSession(config), config)


def _settings(config: Config, skew: int | None = None) -> Settings:
    # No heartbeat: the CLI's hold lasts its N minutes; after the command exits, a running tray
    # on this device or the function's guard ends the session when it runs out.
    me = cli_identity(default_state_dir(), config.device_name)
    return Settings(
        session_minutes=config.session_minutes,
        idle_minutes=config.idle_minutes,
        heartbeat_seconds=None,
        holder=me.holder,
        name=me.name,
        skew_seconds=config.clock_skew_seconds if skew is None else skew,
    )


def _grace(pipeline: Pipeline, config: Config) -> int:
    """The grace holds are judged by: the function's when it can be read, as a tray's is."""
    origin = config.origin.get("clock_skew_seconds", "default")
    grace = clock_grace.settle(pipeline, config.clock_skew_seconds, origin, whose="your")
    if grace.message is not None:
        print(f"{APP_NAME}: {grace.message}", file=sys.stderr)  # stdout is for scripts
    return grace.seconds


def _drive(
    state: State, event: Event, config: Config, settings: Settings, clock: Clock, *, aws: AwsSession
) -> State:
    """Apply `event` and carry out its AWS actions in order; the first failure raises."""
    executor = Executor(Pipeline(aws, config), HoldStore(aws, config), settings.judge, clock)
    state, actions = step(state, event, settings)
    for action in actions:
        if isinstance(action, AWS_ACTIONS):  # notifications and history are the tray's business
            outcome = executor.perform(action)
            if isinstance(outcome, Failed):
                raise AwsError(outcome.message)
            state, _ = step(state, outcome, settings)
    return state


def status(
    config: Config, out: TextIO, as_json: bool, clock: Clock = time.time, zone: tzinfo = LOCAL
) -> int:
    """Print the rule's state, who holds the session until when, and the latest metric."""
    aws = AwsSession(config)
    pipeline = Pipeline(aws, config)
    enabled = pipeline.rule_enabled()
    # The session record is read only while the rule runs: `status` of an idle pipeline is free.
    try:
        shared = HoldStore(aws, config).read() if enabled else holds.Shared()
    except NotConnectedError as err:
        shared = holds.Shared()  # switched on by hand: on, held by no one
        print(f"{APP_NAME}: {err}", file=sys.stderr)
    latest = pipeline.latest_metric()
    now = clock()
    # Nothing to judge without holds: `status` of an idle pipeline reads nothing more.
    settings = _settings(config, _grace(pipeline, config) if shared.holds else None)
    held = holds.live(shared, now, settings.judge)
    # A hold from a clock far ahead counts, and is printed, as ending at the longest session.
    bound = holds.Shared(
        tuple(status_text.held_to_bound(h, now, settings.judge) for h in shared.holds)
    )
    shown = holds.live(bound, now, settings.judge)
    deadline = (
        holds.function_deadline(bound, now, settings.skew_seconds)
        if held
        else pipeline.session_deadline()
        if enabled
        else None
    )
    if as_json:
        print(
            json.dumps(
                {
                    "rule": config.rule,
                    "rule_state": "ENABLED" if enabled else "DISABLED",
                    "session_deadline": status_text.iso_utc(deadline),
                    "seconds_left": max(0, int(deadline - now)) if enabled and deadline else None,
                    "latest_metric": latest,
                    "holds": [
                        {
                            "holder": h.holder,
                            "name": h.name,
                            "ends": status_text.iso_utc(h.ends),
                            "heartbeat": h.heartbeat,
                        }
                        for h in shown
                    ],
                }
            ),
            file=out,
        )
        return 0
    line = (
        status_text.shared_line(True, None, held, now, judge=settings.judge, tz=zone)
        if held
        else status_text.session_line(enabled, deadline, now, zone)
    )
    print(f"{line}  [rule {config.rule}]", file=out)
    for note in status_text.clock_notes(held, now, zone, settings.judge):  # a wrong clock, named
        print(note, file=out)
    print(f"Latest metric: {status_text.metric_line(latest, now)}", file=out)
    return 0


def start(
    config: Config,
    out: TextIO,
    minutes: int | None,
    clock: Clock = time.time,
    zone: tzinfo = LOCAL,
) -> int:
    """Add this CLI's hold of `minutes` to the session (starting it when off)."""
    aws = AwsSession(config)
    # Always read: a join always writes the rule's deadline (the last lapse plus the grace), even
    # with no other hold, and it keeps or drops the others' holds by the same grace.
    settings = _settings(config, _grace(Pipeline(aws, config), config))
    asked = StartRequested(clock(), minutes)
    state = _drive(State(phase=Phase.OFF), asked, config, settings, clock, aws=aws)
    assert state.ours.deadline is not None
    now = asked.now
    _record_cli_session(now)  # an earlier one that ran out without a stop
    _save(lambda files: files.set_cli_session(now, state.ours.deadline or now))
    others = holds.others(state.shared, now, settings.judge)
    print(
        status_text.shared_line(
            True, state.ours.deadline, others, now, judge=settings.judge, tz=zone
        ),
        file=out,
    )
    print(
        "The rule goes off by itself when every hold has ended (a running tray on this device "
        "ends it on time; otherwise the off switch does, at the rule's next run).",
        file=out,
    )
    return 0


def stop(config: Config, out: TextIO, clock: Clock = time.time) -> int:
    """End the session for everyone: every hold ends and the rule is disabled."""
    # Never read: an explicit stop ends every hold and clears the deadline, judging no hold. Only
    # a client joining meanwhile makes it switch the rule back on (the executor's _converge), its
    # deadline copy then by the config's grace; the joiner writes its own, and the record wins.
    settings = _settings(config)
    ended = StopRequested(clock(), "user")
    _drive(State(phase=Phase.OFF), ended, config, settings, clock, aws=AwsSession(config))
    _record_cli_session(clock())
    off = status_text.session_line(False, None, clock(), LOCAL)  # "Off": no time of day in it
    print(f"{off}  [rule {config.rule} DISABLED]", file=out)
    return 0


def _record_cli_session(now: float) -> None:
    """Put the CLI's last session in this machine's history (the report reads it): until now,
    or until its deadline if it ran out first."""

    def record(files: StateFiles) -> None:
        found = files.take_cli_session()
        if found is not None:
            started, deadline = found
            reason = "user" if now < deadline else "timer"
            files.record_session(started, min(now, deadline), reason, 0)

    _save(record)


def _save(write: Callable[[StateFiles], object]) -> None:
    # The session itself is in AWS: a state dir that cannot be written loses only the history.
    try:
        write(StateFiles(default_state_dir()))
    except OSError as err:
        log.warning("session history not saved: %s", err)


def invoke(config: Config, out: TextIO, as_json: bool) -> int:
    """Run the function now and print what it returned."""
    result = _pipeline(config).invoke()
    if as_json:
        print(json.dumps(result.payload), file=out)
    else:
        print(f"{config.function}: {invoke_summary(result)}", file=out)
    return 0


def latest(config: Config, out: TextIO, as_json: bool, clock: Clock = time.time) -> int:
    """Print the newest metric record."""
    record: dict[str, Any] | None = _pipeline(config).latest_metric()
    if as_json:
        print(json.dumps(record), file=out)
    else:
        print(f"Latest metric: {status_text.metric_line(record, clock())}", file=out)
        if record:
            where = f"s3://{config.bucket}/{record.get('s3_key', '')}"
            when = record.get("timestamp_iso")  # a record of the user's own may have none
            print("  " + "  ".join(str(part) for part in (when, where) if part), file=out)
    return 0
