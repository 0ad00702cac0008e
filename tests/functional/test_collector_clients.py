"""The function's own boto3 clients, over HTTP to the emulator."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from collector.container import boto3_client

from tests.template_resources import create_pipeline

pytestmark = pytest.mark.functional


def test_s3_puts_send_the_body_at_once_with_a_checksum(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    names = create_pipeline(boto3.session.Session(region_name="eu-west-1"))
    s3 = boto3_client("s3", "eu-west-1")
    sent: list[dict[str, Any]] = []

    def capture(request: Any, **_: Any) -> None:
        sent.append(dict(request.headers))

    s3.meta.events.register("before-send.s3.PutObject", capture)
    s3.put_object(Bucket=names["bucket"], Key="metrics-x.json", Body=b'{"a": 1}')
    (headers,) = sent
    assert "Expect" not in headers  # no 100-continue round trip for a 1 KB object
    assert "x-amz-checksum-crc32" in headers  # S3 still verifies what it stores
    body = s3.get_object(Bucket=names["bucket"], Key="metrics-x.json")["Body"].read()
    assert body == b'{"a": 1}'


def test_clients_retry_in_standard_mode_with_short_timeouts() -> None:
    client = boto3_client("dynamodb", "eu-west-1")
    config = client.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert (config.connect_timeout, config.read_timeout) == (5, 20)
