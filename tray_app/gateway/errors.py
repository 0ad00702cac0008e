"""Turn botocore's exceptions into AwsError messages that say what to do next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from tray_app.errors import AwsError, CredentialsError

# Codes that mean "these credentials no longer work": a fresh read of the credential chain
# (after `aws configure` or `aws sso login`) can fix them.
CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
    }
)

# Error codes by what the user should do about them; `{op}` is the API operation, `{res}` the
# resource we were working on.
CLIENT_ERROR_MESSAGES: tuple[tuple[frozenset[str], str], ...] = (
    (
        frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"}),
        "your AWS session token has expired: sign in again (e.g. `aws sso login`)",
    ),
    (
        frozenset({"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}),
        "AWS rejected your credentials ({code}): check the access key or --profile",
    ),
    (
        frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"}),
        "access denied: your AWS identity may not call {op} on {res} (see README, IAM setup)",
    ),
    (
        frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown"}),
        "AWS is throttling {op}: wait a minute and try again",
    ),
    (
        frozenset(
            {
                "ServiceUnavailable",
                "ServiceUnavailableException",
                "InternalFailure",
                "InternalServerError",
                "InternalError",
                "500",
                "502",
                "503",
                "504",
            }
        ),
        "AWS could not answer {op} ({code}) even after retries: try again in a minute",
    ),
    (
        frozenset({"ResourceNotFoundException", "NoSuchBucket", "NoSuchKey", "NotFound", "404"}),
        "{res} not found: run `pipeline-tray deploy` or check --region",
    ),
)


def translate(err: BotoCoreError | ClientError, action: str, resource: str) -> AwsError:
    """An AwsError for `err`, raised while trying to `action` on `resource`."""
    if isinstance(err, ClientError):
        message = _client_error_message(err, action, resource)
        return (CredentialsError if error_code(err) in CREDENTIAL_CODES else AwsError)(message)
    if isinstance(err, NoCredentialsError | PartialCredentialsError):
        return CredentialsError(
            "no AWS credentials found: run `aws configure` (or `aws sso login`), "
            "or set AWS_PROFILE / --profile"
        )
    if isinstance(err, ProfileNotFound):
        message = f"AWS profile {resource!r} not found in ~/.aws/config: check --profile"
    elif isinstance(err, NoRegionError):
        message = "no AWS region set: pass --region or set AWS_REGION"
    elif isinstance(err, EndpointConnectionError | ConnectTimeoutError | ConnectionClosedError):
        message = f"cannot reach AWS to {action}: check your network or --endpoint-url ({err})"
    elif isinstance(err, ReadTimeoutError):
        message = f"AWS did not answer in time to {action}: try again ({err})"
    else:
        message = f"could not {action}: {err}"
    return AwsError(message)


def _client_error_message(err: ClientError, action: str, resource: str) -> str:
    error = err.response.get("Error", {})
    code = str(error.get("Code", ""))
    for codes, template in CLIENT_ERROR_MESSAGES:
        if code in codes:
            return template.format(code=code, op=err.operation_name, res=resource)
    detail = str(error.get("Message", "")) or code
    return f"could not {action} ({err.operation_name}: {code}): {detail}"


@contextmanager
def translated(action: str, resource: str) -> Iterator[None]:
    """Run AWS calls in the block; their failures leave as AwsError for `action` on `resource`."""
    try:
        yield
    except (BotoCoreError, ClientError) as err:
        raise translate(err, action, resource) from err


def error_code(err: ClientError) -> str:
    """The AWS error code of a ClientError ("NoSuchBucket", "404", ...)."""
    return str(err.response.get("Error", {}).get("Code", ""))
