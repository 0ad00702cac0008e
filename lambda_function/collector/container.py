"""What lives as long as one Lambda container: settings, clients, the pool, the last CPU reading."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.handlers import add_expect_header

from collector.proc_sampler import CpuTimes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

ClientFactory = Callable[[str, str | None], Any]
TOTAL_ATTEMPTS = 3  # per call, within the function's 60 s; then Lambda's own retry takes over


class MisconfiguredError(RuntimeError):
    """A required environment variable is missing or wrong: the deployment is, not the event."""


def required(env: Mapping[str, str], names: tuple[str, ...], where: str) -> list[str]:
    """The values of `names`; MisconfiguredError naming each missing one and `where` to fix it."""
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise MisconfiguredError(f"environment variable(s) {', '.join(missing)} not set on {where}")
    return [env[name] for name in names]


def region_of(env: Mapping[str, str]) -> str | None:
    """REGION (the seed's variable), else the runtime's AWS_REGION."""
    return env.get("REGION") or env.get("AWS_REGION") or None


def boto3_client(service: str, region: str | None) -> Any:  # noqa: ANN401 - a boto3 client
    """Create a client with short timeouts; the standard retry mode backs off on throttling."""
    config = Config(
        connect_timeout=5,
        read_timeout=20,
        retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},  # the first try too
        # Our parameters come from tested code: no client CPU spent validating them every call.
        parameter_validation=False,
    )
    client = boto3.client(service, region_name=region, config=config)  # type: ignore[call-overload]
    if service == "s3":
        # botocore asks S3 for "100 Continue" before sending any body: a round trip per run
        # that only pays off for large uploads, and our objects are about a kilobyte.
        client.meta.events.unregister("before-call.s3", add_expect_header)
    return client


@dataclass(frozen=True)
class Settings:
    """Names of the resources the collector writes to."""

    bucket: str
    table: str
    region: str | None


class Container:
    """Per-container state, each part made on first use; tests inject environment and clients."""

    def __init__(
        self,
        environment: Mapping[str, str] | None = None,
        client_factory: ClientFactory = boto3_client,
    ) -> None:
        self._environment = environment  # None: the process environment, as in Lambda
        self._factory = client_factory
        self.cold_start = True
        self.previous_cpu: CpuTimes | None = None

    @cached_property
    def settings(self) -> Settings:
        """S3_BUCKET, DYNAMODB_TABLE and REGION (the seed's three variables), read once."""
        env = os.environ if self._environment is None else self._environment
        where = "the function: redeploy with `pipeline-tray deploy`"
        bucket, table = required(env, ("S3_BUCKET", "DYNAMODB_TABLE"), where)
        return Settings(bucket, table, region_of(env))

    @cached_property
    def s3(self) -> S3Client:
        """The S3 client."""
        client: S3Client = self._factory("s3", self.settings.region)
        return client

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        """The DynamoDB client."""
        client: DynamoDBClient = self._factory("dynamodb", self.settings.region)
        return client

    @cached_property
    def pool(self) -> ThreadPoolExecutor:
        """One worker thread, for the S3 write sent while the caller writes the item."""
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-write")
