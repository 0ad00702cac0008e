"""R8: one of the function's two writes fails: the run fails loudly, its retry completes the record.

The function's clients go through the fault proxy, which fails PutItem or PutObject on every
attempt botocore makes, so the run raises and Lambda retries it with the same event and request
id, or EventBridge redelivers the schedule's event under a new request id. The retry, on another
container, must leave exactly one item and one object that point at each other. (A direct invoke
is the tray's synchronous Invoke, which Lambda never retries: idempotence is per scheduled run.)
"""

from __future__ import annotations

import pytest
from collector.container import TOTAL_ATTEMPTS
from collector.writer import WriteError

from tests.faults.fault_proxy import FaultProxy, unavailable
from tests.faults.lambda_runs import container_for, run, scheduled_payload, stored

pytestmark = pytest.mark.functional
NOW = 1_795_700_000.0


@pytest.mark.parametrize("failing", ["PutItem", "PutObject"])
@pytest.mark.parametrize("again", ["async-1", "redelivery-2"])
def test_a_half_written_run_raises_and_its_retry_completes_one_record(
    stack: dict[str, str], proxy: FaultProxy, failing: str, again: str
) -> None:
    payload = scheduled_payload(NOW)
    outage = proxy.inject(unavailable(failing))
    with pytest.raises(WriteError, match="dynamodb" if failing == "PutItem" else "s3"):
        run(container_for(proxy.url, stack), payload, "async-1", NOW)
    # the function's own clients retried first, as configured
    assert proxy.count(failing, fault="ServiceUnavailableException") == TOTAL_ATTEMPTS
    proxy.faults.remove(outage)

    # Lambda's async retry keeps the request id; EventBridge redelivering the event does not.
    retry = run(container_for(proxy.url, stack), payload, again, NOW + 60)
    assert retry["collected"] is True
    (item,), keys = stored(stack)
    assert keys == [retry["s3_key"]] == [item["s3_key"]["S"]]
