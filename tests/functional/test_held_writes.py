"""A guarded run's two writes: prepared once the guard's read has left and while it is answered,
sent only after it, each once; the run's threads share one CPU. The emulator behind a proxy.

botocore's events are the probes: `request-created` fires on the thread that builds a request,
`before-send` of the read just before it leaves, `after-call` once its answer is parsed.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from collector.collect import handle
from collector.container import Container

from tests.aws_names import REGION
from tests.faults.fault_proxy import FaultProxy, held_until, unavailable
from tests.faults.lambda_runs import container_for, stored
from tests.lambda_context import LambdaContext

pytestmark = [pytest.mark.functional, pytest.mark.dynamodb_backends]
EVENTS = Path(__file__).resolve().parents[1] / "events"
NOW = 1_795_700_000  # the sample session's laptop hold lapses 400 s later: live
WRITES = (("s3", "PutObject"), ("dynamodb", "PutItem"))


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(endpoint) as running:
        yield running


@pytest.fixture
def container(stack: dict[str, str], proxy: FaultProxy) -> Container:
    """A fresh Lambda container talking through the proxy, with a live hold in the table."""
    item = json.loads((EVENTS / "session_item.json").read_text())
    item["collection_id"] = {"S": f"session#{stack['rule']}"}
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=stack["table"], Item=item)
    return container_for(proxy.url, stack)


def scheduled() -> dict[str, Any]:
    """A scheduled event without a deadline: the session item alone decides."""
    payload: dict[str, Any] = json.loads((EVENTS / "scheduled_with_deadline.json").read_text())
    payload.pop("session_deadline")
    return payload


def on(container: Container, event: str, probe: Callable[[], None]) -> None:
    """Call `probe` (on whichever thread emits it) at the botocore event `event`, before the
    function's own handlers of that event."""
    service = event.split(".")[1]
    client = container.s3 if service == "s3" else container.dynamodb
    client.meta.events.register_first(event, lambda **_: probe())


def on_writes(container: Container, stage: str, probe: Callable[[str], None]) -> None:
    """Call `probe(operation)` at botocore's `stage` event of each of the two writes."""
    for service, operation in WRITES:
        on(container, f"{stage}.{service}.{operation}", functools.partial(probe, operation))


def test_both_writes_are_prepared_after_the_read_leaves_and_while_it_is_answered(
    stack: dict[str, str], proxy: FaultProxy, container: Container
) -> None:
    seen: list[str] = []
    sent_when_answered: list[int] = []
    prepared = threading.Event()  # lets the read's answer go: only the writes' preparing can

    def prepared_one(operation: str) -> None:
        seen.append(f"{operation} prepared")
        if {"PutObject prepared", "PutItem prepared"} <= set(seen):
            prepared.set()

    proxy.inject(held_until(prepared, "GetItem", seconds=10))
    on(container, "before-send.dynamodb.GetItem", lambda: seen.append("read leaves"))
    on_writes(container, "request-created", prepared_one)

    def answered() -> None:
        seen.append("read answered")
        sent_when_answered.append(proxy.count("PutObject") + proxy.count("PutItem"))

    on(container, "after-call.dynamodb.GetItem", answered)

    result = handle(scheduled(), LambdaContext(), container, now=NOW)

    assert result["collected"] is True
    assert (seen[0], seen[-1]) == ("read leaves", "read answered")
    assert sorted(seen[1:-1]) == ["PutItem prepared", "PutObject prepared"]  # once each
    assert sent_when_answered == [0]  # nothing left the process before the read's answer
    metrics, keys = stored(stack)
    assert (len(metrics), keys) == (1, [result["s3_key"]])


def test_a_retried_read_prepares_and_sends_each_write_once(
    stack: dict[str, str], proxy: FaultProxy, container: Container
) -> None:
    proxy.inject(unavailable("GetItem", times=1))  # a 5xx: botocore sends the read again
    built: list[str] = []
    on_writes(container, "request-created", built.append)

    result = handle(scheduled(), LambdaContext(), container, now=NOW)

    assert result["collected"] is True
    assert proxy.count("GetItem") == 2
    assert sorted(built) == ["PutItem", "PutObject"]
    assert (proxy.count("PutObject"), proxy.count("PutItem")) == (1, 1)
    metrics, keys = stored(stack)
    assert (len(metrics), keys) == (1, [result["s3_key"]])


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux CPU affinity and at least 2 CPUs",
)
def test_the_runs_threads_share_one_cpu_and_the_caller_gets_its_cpus_back(
    container: Container,
) -> None:
    given = os.sched_getaffinity(0)
    # Every CPU the kernel lets this thread have: a run that kept its caller on one would show,
    # whatever an earlier test left behind.
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    try:
        before = os.sched_getaffinity(0)
        cpus: dict[str, set[int]] = {}
        on(
            container,
            "before-send.dynamodb.GetItem",
            lambda: cpus.update(read=os.sched_getaffinity(0)),
        )
        on_writes(
            container, "request-created", lambda name: cpus.update({name: os.sched_getaffinity(0)})
        )

        assert handle(scheduled(), LambdaContext(), container, now=NOW)["collected"] is True

        assert len(before) >= 2 and container.cpu == min(before)
        assert cpus == {name: {container.cpu} for name in ("read", "PutObject", "PutItem")}
        assert os.sched_getaffinity(0) == before
    finally:
        os.sched_setaffinity(0, given)
