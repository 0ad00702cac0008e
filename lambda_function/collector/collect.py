"""One run of the collector: parse the event, sample /proc, build the record, write it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector import proc_sampler
from collector.container import Container
from collector.event import BadEventError, parse_event
from collector.log_line import log_line
from collector.record import Invocation, build_record
from collector.settings import MisconfiguredError
from collector.writer import WriteError, write_record

# Failures that must raise, so Lambda retries the delivery (and the deployment gets fixed).
RETRYABLE = (WriteError, ClientError, BotoCoreError, MisconfiguredError)


def invocation_facts(context: Any, cold_start: bool) -> Invocation:  # noqa: ANN401 - LambdaContext
    """Read the Lambda context; a missing context (local run) gets stand-in values."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return Invocation(
        function_name=str(getattr(context, "function_name", "local")),
        function_version=str(getattr(context, "function_version", "$LATEST")),
        request_id=str(getattr(context, "aws_request_id", "") or uuid.uuid4()),
        cold_start=cold_start,
        remaining_time_ms=int(remaining()) if callable(remaining) else 0,
    )


def handle(
    event: Any,  # noqa: ANN401 - Lambda passes any JSON value
    context: Any,  # noqa: ANN401
    container: Container,
    now: float,
    monotonic: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """Run once and return the function's result; AWS failures are logged and re-raised."""
    started = monotonic()
    invocation = invocation_facts(context, container.cold_start)
    container.cold_start = False
    base = {"request_id": invocation.request_id, "cold_start": invocation.cold_start}
    try:
        trigger = parse_event(event)
    except BadEventError as err:
        # Retrying cannot fix a malformed event: answer 400 instead of raising.
        log_line(**base, level="error", collected=False, error=str(err), duration_ms=0.0)
        return {"statusCode": 400, "collected": False, "error": str(err)}
    try:
        sample = proc_sampler.sample(container.previous_cpu)
        container.previous_cpu = sample.cpu_times
        record = build_record(trigger, sample, invocation, now)
        stable_keys = trigger.scheduled_time is not None
        stored = write_record(record, container, stable_keys=stable_keys)
    except RETRYABLE as err:
        log_line(
            **base,
            level="error",
            collected=False,
            error=str(err),
            error_type=type(err).__name__,
            duration_ms=_ms(monotonic, started),
        )
        raise
    duration = _ms(monotonic, started)
    log_line(
        **base,
        level="info",
        collected=True,
        s3_key=stored["s3_key"],
        ignored=trigger.ignored,
        duration_ms=duration,
    )
    return {
        "statusCode": 200,
        "collected": True,
        "s3_key": stored["s3_key"],
        "record": stored,
        "duration_ms": duration,
    }


def _ms(monotonic: Callable[[], float], started: float) -> float:
    return round((monotonic() - started) * 1000, 2)
