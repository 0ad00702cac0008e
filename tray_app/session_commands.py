"""`status`, `start`, `stop`, `invoke`, `latest`: one-shot session commands for scripts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TextIO

from tray_app import status_text
from tray_app.config import Config
from tray_app.errors import AwsError
from tray_app.executor import invoke_summary, perform
from tray_app.gateway.pipeline import Pipeline
from tray_app.gateway.session import AwsSession
from tray_app.session import Phase, Settings, State, step
from tray_app.session_events import AWS_ACTIONS, Event, Failed, StartRequested, StopRequested

Clock = Callable[[], float]


def _pipeline(config: Config) -> Pipeline:
    return Pipeline(AwsSession(config), config)


def _settings(config: Config) -> Settings:
    # No heartbeat: after the command exits only the Lambda's guard enforces the deadline.
    return Settings(
        session_minutes=config.session_minutes,
        idle_minutes=config.idle_minutes,
        heartbeat_seconds=None,
    )


def _drive(
    state: State, event: Event, pipeline: Pipeline, settings: Settings, clock: Clock
) -> State:
    """Apply `event` and carry out its AWS actions in order; the first failure raises."""
    state, actions = step(state, event, settings)
    for action in actions:
        if isinstance(action, AWS_ACTIONS):  # notifications and history are the tray's business
            outcome = perform(action, pipeline, clock)
            if isinstance(outcome, Failed):
                raise AwsError(outcome.message)
            state, _ = step(state, outcome, settings)
    return state


def status(config: Config, out: TextIO, as_json: bool, clock: Clock = time.time) -> int:
    """Print the rule's state, the session deadline and the latest metric."""
    pipeline = _pipeline(config)
    enabled = pipeline.rule_enabled()
    deadline = pipeline.session_deadline()
    latest = pipeline.latest_metric()
    now = clock()
    if as_json:
        print(
            json.dumps(
                {
                    "rule": config.rule,
                    "rule_state": "ENABLED" if enabled else "DISABLED",
                    "session_deadline": status_text.iso_utc(deadline),
                    "seconds_left": max(0, int(deadline - now)) if enabled and deadline else None,
                    "latest_metric": latest,
                }
            ),
            file=out,
        )
        return 0
    print(f"{status_text.session_line(enabled, deadline, now)}  [rule {config.rule}]", file=out)
    print(f"Latest metric: {status_text.metric_line(latest, now)}", file=out)
    return 0


def start(config: Config, out: TextIO, minutes: int | None, clock: Clock = time.time) -> int:
    """Enable the rule with a deadline minutes from now."""
    now = clock()
    state = _drive(
        State(phase=Phase.OFF),
        StartRequested(now, minutes),
        _pipeline(config),
        _settings(config),
        clock,
    )
    assert state.deadline is not None
    print(status_text.session_line(True, state.deadline, now), file=out)
    print("The function switches the rule off by itself at the deadline.", file=out)
    return 0


def stop(config: Config, out: TextIO, clock: Clock = time.time) -> int:
    """Disable the rule and clear the deadline."""
    _drive(
        State(phase=Phase.OFF),
        StopRequested(clock(), "user"),
        _pipeline(config),
        _settings(config),
        clock,
    )
    print(
        f"{status_text.session_line(False, None, clock())}  [rule {config.rule} DISABLED]", file=out
    )
    return 0


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
            print(f"  {record.get('timestamp_iso', '')}  {where}", file=out)
    return 0
