"""The project's own exceptions; each message is one line a person can act on."""


class PipelineTrayError(Exception):
    """Base of the project's errors; `exit_code` is what the CLI exits with."""

    exit_code = 1


class UsageError(PipelineTrayError):
    """The command line or its input is wrong (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration value is wrong; the message names the file (or variable) and the key."""


class AwsError(PipelineTrayError):
    """An AWS call failed (exit 1); the message says what to do about it."""


class CredentialsError(AwsError):
    """AWS credentials are missing, expired or rejected: signing in again fixes it."""


class NotFoundError(AwsError):
    """The rule, function, table or bucket does not exist where we looked."""


CONNECT_HINT = "run `pipeline-tray connect`"  # what a rule without our off switch needs


class NotConnectedError(AwsError):
    """The rule exists but has no session control of ours: `pipeline-tray connect` adds it."""
