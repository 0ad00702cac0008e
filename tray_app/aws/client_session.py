"""One boto3 Session per process, clients created once, with retries and short timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from tray_app.aws.error_messages import BOTOCORE_ERRORS, translate
from tray_app.core.errors import CredentialsError
from tray_app.core.resolved_config import DEFAULT_REGION, Config

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_s3 import S3Client

# The standard retry mode backs off on throttling, 5xx and dropped connections; the timeouts
# keep a dead network from holding a command (or the tray's worker) for minutes.
# total_max_attempts counts the first try too (botocore's `max_attempts` counts only retries).
TOTAL_ATTEMPTS = 4
CLIENT_CONFIG = BotoConfig(
    connect_timeout=3,
    read_timeout=15,
    retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
)


class AwsSession:
    """Holds the boto3 Session and hands out one client per service."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._session = self._open()
        self.region: str = self._session.region_name or DEFAULT_REGION
        # AWS_ENDPOINT_URL(_<SERVICE>) are read by boto3 itself; passing them again would hide
        # the service-specific ones.
        self.endpoint_url = (
            None if config.from_aws_environment("endpoint_url") else config.endpoint_url
        )
        self._clients: dict[str, Any] = {}

    def _open(self) -> boto3.session.Session:
        try:
            return boto3.session.Session(
                profile_name=self._config.profile, region_name=self._config.region
            )
        except BotoCoreError as err:
            raise translate(err, "open the AWS profile", self._config.profile or "default") from err

    def renew(self) -> None:
        """Forget the credentials and clients: the next call reads the credential chain anew."""
        self._session = self._open()
        self._clients = {}

    @contextmanager
    def calling(self, action: str, resource: str) -> Iterator[None]:
        """Run AWS calls; failures leave as AwsError for `action` on `resource`.

        Credentials that stopped working are dropped, so that a long-running tray picks up the
        ones a later `aws configure` or `aws sso login` writes, without a restart.
        """
        try:
            yield
        except BOTOCORE_ERRORS as err:
            error = translate(err, action, resource)
            if isinstance(error, CredentialsError):
                self.renew()
            raise error from err

    def client(self, service: str) -> Any:  # noqa: ANN401 - typed by the properties below
        """The client for `service`, created on first use."""
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service,  # type: ignore[call-overload]
                region_name=self.region,
                endpoint_url=self.endpoint_url,
                config=CLIENT_CONFIG,
            )
        return self._clients[service]

    @property
    def cloudformation(self) -> CloudFormationClient:
        """The CloudFormation client."""
        client: CloudFormationClient = self.client("cloudformation")
        return client

    @property
    def s3(self) -> S3Client:
        """The S3 client."""
        client: S3Client = self.client("s3")
        return client

    def account_id(self) -> str:
        """The account the credentials belong to (also proves that they work)."""
        try:
            identity = self.client("sts").get_caller_identity()
        except (BotoCoreError, ClientError) as err:
            raise translate(err, "read your AWS identity", "sts") from err
        return str(identity["Account"])
