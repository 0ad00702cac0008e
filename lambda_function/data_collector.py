"""AWS Lambda entry point of `data-collector` (handler `data_collector.lambda_handler`): parse
the event, sample /proc, build the record, write it to S3 and DynamoDB at once."""

import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from collector import proc_sampler
from collector.container import Container, MisconfiguredError
from collector.log_line import log_line
from collector.record import BadEventError, build_record, parse_event
from collector.writer import WriteError, write_record

# Failures that must raise, so Lambda retries the delivery (and the deployment gets fixed).
RETRYABLE = (WriteError, ClientError, BotoCoreError, MisconfiguredError)
CONTAINER = Container()  # one per Lambda container: clients and the last CPU reading live here


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:  # noqa: ANN401
    """Collect one metrics record into S3 and DynamoDB."""
    return handle(event, context, CONTAINER, now=time.time())


def invocation_facts(context: Any, cold_start: bool) -> dict[str, Any]:  # noqa: ANN401
    """The record's facts from the Lambda context; a local run (no context) gets stand-ins."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return {
        "function_name": str(getattr(context, "function_name", "local")),
        "function_version": str(getattr(context, "function_version", "$LATEST")),
        "request_id": str(getattr(context, "aws_request_id", "") or uuid.uuid4()),
        "cold_start": cold_start,
        "remaining_time_ms": int(remaining()) if callable(remaining) else 0,
    }


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
    base = {"request_id": invocation["request_id"], "cold_start": invocation["cold_start"]}
    try:
        trigger = parse_event(event)
    except BadEventError as err:
        # Retrying cannot fix a malformed event: answer 400 instead of raising.
        log_line(**base, level="error", collected=False, error=str(err), duration_ms=0.0)
        return {"statusCode": 400, "collected": False, "error": str(err)}
    try:
        figures, container.previous_cpu = proc_sampler.sample(container.previous_cpu)
        record = build_record(trigger, figures, invocation, now)
        write_record(record, container)
    except RETRYABLE as err:
        failed = {"error": str(err), "error_type": type(err).__name__}
        log_line(
            **base, level="error", collected=False, **failed, duration_ms=_ms(monotonic, started)
        )
        raise
    done = {"collected": True, "s3_key": record["s3_key"], "duration_ms": _ms(monotonic, started)}
    log_line(**base, level="info", ignored=trigger.ignored, **done)
    return {"statusCode": 200, **done, "record": record}


def _ms(monotonic: Callable[[], float], started: float) -> float:
    return round((monotonic() - started) * 1000, 2)
