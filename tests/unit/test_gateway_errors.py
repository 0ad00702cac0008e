import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from tray_app.aws.error_messages import translate
from tray_app.core.errors import CredentialsError, NotFoundError


def client_error(code: str, operation: str = "DescribeRule", message: str = "boom") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ExpiredTokenException", "session token has expired: sign in again"),
        (
            "AccessDeniedException",
            "access denied: your AWS identity may not call DescribeRule on rule r",
        ),
        ("UnrecognizedClientException", "AWS rejected your credentials"),
        ("ThrottlingException", "AWS is throttling DescribeRule: wait a minute"),
        (
            "ResourceNotFoundException",
            "rule r not found: run `pipeline-tray deploy` or check --region",
        ),
        ("ServiceUnavailableException", "AWS could not answer DescribeRule"),
        ("503", "AWS could not answer DescribeRule (503) even after retries: try again"),
        ("ValidationError", "could not read the rule (DescribeRule: ValidationError): boom"),
    ],
)
def test_client_errors_become_actionable_lines(code: str, expected: str) -> None:
    message = str(translate(client_error(code), "read the rule", "rule r"))
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), "no AWS credentials found: run `aws configure`"),
        (ProfileNotFound(profile="study"), "AWS profile 'r' not found"),
        (
            EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
            "cannot reach AWS to read the rule",
        ),
        (
            ConnectionClosedError(endpoint_url="http://127.0.0.1:9"),
            "cannot reach AWS to read the rule: check your network",
        ),
        (ReadTimeoutError(endpoint_url="http://x"), "AWS did not answer in time"),
    ],
)
def test_botocore_errors_become_actionable_lines(error: Exception, expected: str) -> None:
    assert expected in str(translate(error, "read the rule", "r"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "renewable"),
    [
        (client_error("ExpiredTokenException"), True),
        (client_error("UnrecognizedClientException"), True),
        (NoCredentialsError(), True),
        (client_error("AccessDeniedException"), False),
        (client_error("ThrottlingException"), False),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), False),
    ],
)
def test_credential_failures_are_told_apart(error: Exception, renewable: bool) -> None:
    """A long-running tray re-reads its credentials after these, and only these."""
    translated = translate(error, "read the rule", "r")  # type: ignore[arg-type]
    assert isinstance(translated, CredentialsError) is renewable


@pytest.mark.parametrize(
    ("code", "missing"),
    [("ResourceNotFoundException", True), ("NoSuchBucket", True), ("AccessDenied", False)],
)
def test_a_missing_resource_is_told_apart(code: str, missing: bool) -> None:
    """The tray ends a session whose rule is gone instead of retrying its stop forever."""
    assert isinstance(translate(client_error(code), "stop", "rule r"), NotFoundError) is missing
