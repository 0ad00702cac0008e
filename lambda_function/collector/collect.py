"""One run of the function: parse the event, end an expired session or collect one record."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector import proc_sampler
from collector.container import Container
from collector.event import BadEventError, Trigger, deadline_passed, parse_event
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
        log_line(
            **base,
            level="error",
            collected=False,
            error=str(err),
            duration_ms=_ms(monotonic, started),
        )
        return {"statusCode": 400, "collected": False, "error": str(err)}
    try:
        result = _run(trigger, invocation, container, now)
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
        collected=result["collected"],
        s3_key=result.get("s3_key"),
        reason=result.get("reason"),
        ignored=trigger.ignored,
        duration_ms=duration,
    )
    return {**result, "duration_ms": duration}


def _run(
    trigger: Trigger, invocation: Invocation, container: Container, now: float
) -> dict[str, Any]:
    settings = container.settings
    if deadline_passed(trigger, now):
        if settings.rule_name is None:
            raise MisconfiguredError(
                "RULE_NAME is not set on the function, so it cannot switch off the rule of a "
                "session that has ended: redeploy with `pipeline-tray deploy`"
            )
        container.events.disable_rule(Name=settings.rule_name)
        return {
            "statusCode": 200,
            "collected": False,
            "reason": "session deadline passed",
            "session_deadline": trigger.session_deadline,
            "rule_disabled": settings.rule_name,
        }
    sample = proc_sampler.sample(container.previous_cpu)
    container.previous_cpu = sample.cpu_times
    record = build_record(trigger, sample, invocation, now)
    stored = write_record(record, container, stable_keys=trigger.scheduled_time is not None)
    return {"statusCode": 200, "collected": True, "s3_key": stored["s3_key"], "record": stored}


def _ms(monotonic: Callable[[], float], started: float) -> float:
    return round((monotonic() - started) * 1000, 2)
