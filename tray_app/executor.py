"""Carry out one AWS action of the session core and report its outcome as the next event."""

from __future__ import annotations

from collections.abc import Callable

from tray_app.errors import AwsError, NotFoundError
from tray_app.gateway.pipeline import InvokeResult, Pipeline
from tray_app.session_events import (
    AwsAction,
    Disable,
    Done,
    Enable,
    Event,
    Failed,
    Invoke,
    Poll,
    Polled,
    WriteDeadline,
)


def perform(action: AwsAction, pipeline: Pipeline, clock: Callable[[], float]) -> Event:
    """Run `action` against AWS; a failure becomes Failed with the user's one-line message."""
    try:
        if isinstance(action, Poll):
            return Polled(clock(), pipeline.rule_enabled())
        if isinstance(action, Enable):
            pipeline.start(action.deadline)
        elif isinstance(action, Disable):
            pipeline.stop()
        elif isinstance(action, WriteDeadline):
            pipeline.write_deadline(action.deadline)
        elif isinstance(action, Invoke):
            return Done(clock(), action, invoke_summary(pipeline.invoke()))
    except NotFoundError as err:
        return Failed(clock(), action, str(err), gone=True)
    except AwsError as err:
        return Failed(clock(), action, str(err))
    return Done(clock(), action)


def invoke_summary(result: InvokeResult) -> str:
    """One line about an invoke: what was collected, or why not."""
    payload = result.payload if isinstance(result.payload, dict) else {}
    took = (
        f" in {payload['duration_ms']:.0f} ms"
        if isinstance(payload.get("duration_ms"), int | float)
        else ""
    )
    if payload.get("collected") is True:
        return f"collected {payload.get('s3_key', '')}{took}".strip()
    if payload.get("collected") is False:
        why = payload.get("reason") or payload.get("error") or "nothing collected"
        return f"not collected: {why}{took}"
    return f"returned {result.payload!r}"[:200]
