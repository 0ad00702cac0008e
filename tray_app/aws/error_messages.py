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
from botocore.parsers import ResponseParserError

from tray_app.core.errors import AwsError, CredentialsError, NotFoundError

# Every failure botocore raises: its own errors, AWS's answers, and an answer it could not parse
# (ResponseParserError derives from Exception alone, so it needs naming).
BOTOCORE_ERRORS = (BotoCoreError, ClientError, ResponseParserError)

# Error codes by what the user should do about them; `{op}` is the API operation, `{res}` the
# resource we were working on. The class tells the caller what it can do: credentials can be
# re-read after the user signs in again; a missing resource is one that nothing can be running on.
CLIENT_ERRORS: tuple[tuple[frozenset[str], str, type[AwsError]], ...] = (
    (
        frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"}),
        "your AWS session token has expired: sign in again (e.g. `aws sso login`)",
        CredentialsError,
    ),
    (
        frozenset({"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}),
        "AWS rejected your credentials ({code}): check the access key or --profile",
        CredentialsError,
    ),
    (
        frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"}),
        "access denied: your AWS identity may not call {op} on {res} (see README, IAM setup)",
        AwsError,
    ),
    (
        frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown"}),
        "AWS is throttling {op}: wait a minute and try again",
        AwsError,
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
        AwsError,
    ),
    (
        frozenset({"ResourceNotFoundException", "NoSuchBucket", "NoSuchKey", "NotFound", "404"}),
        "{res} not found: run `pipeline-tray deploy` or check --region",
        NotFoundError,
    ),
)


def translate(
    err: BotoCoreError | ClientError | ResponseParserError, action: str, resource: str
) -> AwsError:
    """An AwsError for `err`, raised while trying to `action` on `resource`."""
    if isinstance(err, ClientError):
        return _client_error(err, action, resource)
    if isinstance(err, ResponseParserError):
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return AwsError(
            f"could not {action}: the answer about {resource} could not be read ({first}); "
            "check --endpoint-url and --region, then try again"
        )
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


def _client_error(err: ClientError, action: str, resource: str) -> AwsError:
    code = error_code(err)
    for codes, template, error_class in CLIENT_ERRORS:
        if code in codes:
            return error_class(template.format(code=code, op=err.operation_name, res=resource))
    detail = str(err.response.get("Error", {}).get("Message", "")) or code
    return AwsError(f"could not {action} ({err.operation_name}: {code}): {detail}")


@contextmanager
def translated(action: str, resource: str) -> Iterator[None]:
    """Run AWS calls in the block; their failures leave as AwsError for `action` on `resource`."""
    try:
        yield
    except BOTOCORE_ERRORS as err:
        raise translate(err, action, resource) from err


def error_code(err: ClientError) -> str:
    """The AWS error code of a ClientError ("NoSuchBucket", "404", ...)."""
    return str(err.response.get("Error", {}).get("Code", ""))
