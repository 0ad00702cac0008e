"""One run of the function: parse the event, end a session nobody holds or collect one record."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collector import proc_sampler
from collector.container import Container
from collector.event import BadEventError, Trigger, parse_event
from collector.gate import when_read_leaves
from collector.holds import Decision, consults_store, decide
from collector.log_line import log_line
from collector.one_cpu import on_cpu
from collector.record import Invocation, build_record
from collector.session_store import CHANGED, Lookup, prune, read_session
from collector.settings import MisconfiguredError
from collector.writer import HeldWrites, Measured, WriteError, write_record

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
    facts: dict[str, object] = {}  # what the guard found, for this run's one log line
    try:
        with on_cpu(container.cpu):
            result = _run(trigger, invocation, container, now, facts)
    except RETRYABLE as err:
        log_line(
            **base,
            **facts,
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
        **facts,
        level="info",
        collected=result["collected"],
        s3_key=result.get("s3_key"),
        reason=result.get("reason"),
        ignored=trigger.ignored,
        duration_ms=duration,
    )
    return {**result, "duration_ms": duration}


def _run(
    trigger: Trigger,
    invocation: Invocation,
    container: Container,
    now: float,
    facts: dict[str, object],
) -> dict[str, Any]:
    def measure() -> Measured:
        sample = proc_sampler.sample(container.previous_cpu)
        return build_record(trigger, sample, invocation, now), sample.cpu_times

    stable_keys = trigger.scheduled_time is not None
    held = HeldWrites(measure, container) if stable_keys and _guarded(trigger, container) else None
    decision: Decision | None = None
    try:
        # Once the guard's read has left, the pool's threads sample /proc and prepare both
        # writes while it is answered (gate.py); they are sent only if a hold is live.
        with when_read_leaves(held.prepare if held is not None else None):
            lookup = _lookup(trigger, container, facts)
        session = lookup.session if lookup is not None else None
        decision = decide(trigger, session, now, skew=container.settings.clock_skew_seconds)
    finally:
        if held is not None and (decision is None or not decision.collect):
            held.drop()  # the guard said no, or could not decide: nothing may be written
    facts["guard"] = decision.basis
    if decision.live:
        facts["live_holds"] = list(decision.live)
    if not decision.collect:
        return _end_session(trigger, decision, lookup, container, facts)
    record, container.previous_cpu = held.measured() if held is not None else measure()
    if held is not None:
        held.send()
        stored = record
    else:
        stored = write_record(record, container, stable_keys=stable_keys)
    return {"statusCode": 200, "collected": True, "s3_key": stored["s3_key"], "record": stored}


def _guarded(trigger: Trigger, container: Container) -> bool:
    """True when the guard reads the session item before anything may be written."""
    return consults_store(trigger) and container.settings.rule_name is not None


def _lookup(trigger: Trigger, container: Container, facts: dict[str, object]) -> Lookup | None:
    """Read the session item when the guard needs it; None when it is not read."""
    rule_name = container.settings.rule_name
    if not _guarded(trigger, container) or rule_name is None:
        return None  # a direct invoke collects; without RULE_NAME there is no item to name
    lookup = read_session(container, rule_name)
    facts["session"] = lookup.status
    if lookup.error is not None:
        facts["session_error"] = lookup.error
    if lookup.session is not None and lookup.session.notes:
        facts["session_notes"] = list(lookup.session.notes)
    return lookup


def _end_session(
    trigger: Trigger,
    decision: Decision,
    lookup: Lookup | None,
    container: Container,
    facts: dict[str, object],
) -> dict[str, Any]:
    rule_name = container.settings.rule_name
    if rule_name is None:
        raise MisconfiguredError(
            "RULE_NAME is not set on the function, so it cannot switch off the rule of a "
            "session that has ended: redeploy with `pipeline-tray deploy`"
        )
    if decision.prune and lookup is not None and lookup.session is not None and lookup.item:
        # The conditional prune goes first: it is the only compare-and-set in the exchange.
        outcome = prune(container, lookup.item, lookup.session)
        facts["prune"] = outcome
        if outcome == CHANGED:
            # Someone wrote the session since the read: a join or renewal must not be undone,
            # and whoever released or stopped switches the rule off; the next run looks again.
            return {
                "statusCode": 200,
                "collected": False,
                "reason": "session changed meanwhile",
                "rule_disabled": None,
            }
    container.events.disable_rule(Name=rule_name)
    return {
        "statusCode": 200,
        "collected": False,
        "reason": decision.reason,
        "session_deadline": trigger.session_deadline,
        "rule_disabled": rule_name,
    }


def _ms(monotonic: Callable[[], float], started: float) -> float:
    return round((monotonic() - started) * 1000, 2)
