"""What lives as long as one Lambda container: clients, last CPU reading, cold-start flag."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.handlers import add_expect_header

from collector.proc_sampler import CpuTimes
from collector.settings import Settings, from_environment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

ClientFactory = Callable[[str, str | None], Any]
TOTAL_ATTEMPTS = 3  # per call, within the function's 60 s; then Lambda's own retry takes over


def boto3_client(service: str, region: str | None) -> Any:  # noqa: ANN401 - a boto3 client
    """Create a client with short timeouts; the standard retry mode backs off on throttling."""
    config = Config(
        connect_timeout=5,
        read_timeout=20,
        # total_max_attempts counts the first try too (`max_attempts` would count only retries)
        retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
        # Our parameters come from code the tests cover; validating them again on every call
        # costs client CPU that a 128 MB function has little of (botocore documents this).
        parameter_validation=False,
    )
    client = boto3.client(service, region_name=region, config=config)  # type: ignore[call-overload]
    if service == "s3":
        # botocore asks S3 for "100 Continue" before sending any body: a round trip per run
        # that only pays off for large uploads, and our objects are about a kilobyte.
        client.meta.events.unregister("before-call.s3", add_expect_header)
    return client


class Container:
    """Per-container state; every part can be injected by tests."""

    def __init__(
        self,
        settings: Settings | None = None,
        client_factory: ClientFactory = boto3_client,
        clients: dict[str, Any] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self._settings = settings
        self._environment = environment  # None: the process environment, as in Lambda
        self._factory = client_factory
        self._clients: dict[str, Any] = dict(clients or {})
        self._pool: ThreadPoolExecutor | None = None
        self.cold_start = True
        self.previous_cpu: CpuTimes | None = None

    @property
    def settings(self) -> Settings:
        """The environment's settings, read once."""
        if self._settings is None:
            self._settings = from_environment(
                os.environ if self._environment is None else self._environment
            )
        return self._settings

    def _client(self, service: str) -> Any:  # noqa: ANN401 - typed by the properties below
        if service not in self._clients:
            self._clients[service] = self._factory(service, self.settings.region)
        return self._clients[service]

    @property
    def s3(self) -> S3Client:
        """The S3 client, created on first use."""
        client: S3Client = self._client("s3")
        return client

    @property
    def dynamodb(self) -> DynamoDBClient:
        """The DynamoDB client, created on first use."""
        client: DynamoDBClient = self._client("dynamodb")
        return client

    @property
    def pool(self) -> ThreadPoolExecutor:
        """One worker thread: the S3 write, sent while the caller writes the item."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-write")
        return self._pool

    def warm_up(self) -> None:
        """Create the clients the hot path uses (a cold start does this once)."""
        _ = self.s3, self.dynamodb
