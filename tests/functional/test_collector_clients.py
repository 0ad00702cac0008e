"""The function's own boto3 clients, over HTTP to the emulator and over HTTPS as in AWS."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from typing import Any

import boto3
import botocore
import pytest
from collector.container import boto3_client
from moto import mock_aws

from tests.template_resources import create_pipeline, default

pytestmark = pytest.mark.functional
BODY = b'{"a": 1}'
# botocore 1.36 (January 2025) began sending a CRC32 checksum with every S3 upload. Before, it sent
# Content-MD5 for PutObject: that is what the python3.13 runtime's oldest bundled SDK (1.34.145,
# `make lambda-sdk-floor`) sends. Either way S3 refuses a body that does not match.
SENDS_CRC32 = tuple(int(part) for part in botocore.__version__.split(".")[:2]) >= (1, 36)


@pytest.fixture(params=["http", "https"])
def scheme(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The template's bucket over HTTP (the emulator) or HTTPS (AWS's own URLs, in-process)."""
    if request.param == "http":
        monkeypatch.setenv("AWS_ENDPOINT_URL", request.getfixturevalue("endpoint"))
        create_pipeline(boto3.session.Session(region_name="eu-west-1"))
        yield "http"
        return
    with mock_aws():
        create_pipeline(boto3.session.Session(region_name="eu-west-1"))
        yield "https"


def test_s3_puts_send_the_body_at_once_with_an_integrity_checksum(scheme: str) -> None:
    bucket = default("BucketName")
    s3 = boto3_client("s3", "eu-west-1")
    sent: list[dict[str, str]] = []

    def capture(request: Any, **_: Any) -> None:
        sent.append({k.lower(): _text(v) for k, v in request.headers.items()})

    s3.meta.events.register("before-send.s3.PutObject", capture)
    s3.put_object(Bucket=bucket, Key="metrics-x.json", Body=BODY)
    (headers,) = sent
    assert "expect" not in headers  # no 100-continue round trip for a 1 KB object
    if not SENDS_CRC32:
        assert headers["content-md5"] == base64.b64encode(hashlib.md5(BODY).digest()).decode()
    elif scheme == "https":
        # over HTTPS the checksum travels after the body (aws-chunked), computed while it streams
        assert headers["x-amz-sdk-checksum-algorithm"] == "CRC32"
        assert headers["x-amz-trailer"] == "x-amz-checksum-crc32"
    else:
        crc32 = base64.b64encode(zlib.crc32(BODY).to_bytes(4, "big")).decode()
        assert headers["x-amz-checksum-crc32"] == crc32
    assert s3.get_object(Bucket=bucket, Key="metrics-x.json")["Body"].read() == BODY


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def test_clients_retry_in_standard_mode_with_short_timeouts() -> None:
    client = boto3_client("dynamodb", "eu-west-1")
    config = client.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert (config.connect_timeout, config.read_timeout) == (5, 20)
