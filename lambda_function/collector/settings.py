"""The function's configuration, read from its environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class MisconfiguredError(RuntimeError):
    """A required environment variable is missing: the deployment is wrong, not the event."""


DEFAULT_CLOCK_SKEW_SECONDS = 180  # devices' clocks may be off by ±3 min


@dataclass(frozen=True)
class Settings:
    """Names of the resources the function writes to and guards, and the guard's margin."""

    bucket: str
    table: str
    region: str | None
    rule_name: str | None
    clock_skew_seconds: int = DEFAULT_CLOCK_SKEW_SECONDS


def from_environment(env: Mapping[str, str] = os.environ) -> Settings:
    """Read S3_BUCKET, DYNAMODB_TABLE, REGION, RULE_NAME and the optional CLOCK_SKEW_SECONDS."""
    missing = [name for name in ("S3_BUCKET", "DYNAMODB_TABLE") if not env.get(name)]
    if missing:
        raise MisconfiguredError(
            f"environment variable(s) {', '.join(missing)} not set on the function: "
            "redeploy with `pipeline-tray deploy`"
        )
    return Settings(
        bucket=env["S3_BUCKET"],
        table=env["DYNAMODB_TABLE"],
        region=env.get("REGION") or env.get("AWS_REGION") or None,
        rule_name=env.get("RULE_NAME") or None,
        clock_skew_seconds=_skew(env.get("CLOCK_SKEW_SECONDS")),
    )


def _skew(raw: object) -> int:
    # str(): AWS passes every variable as a string, but moto's CloudFormation passes a Number
    # parameter's Ref through as a number, and the demo runs this code with that environment.
    text = "" if raw is None else str(raw).strip()
    if not text:
        return DEFAULT_CLOCK_SKEW_SECONDS
    try:
        value: int | None = int(text)
    except ValueError:
        value = None
    if value is None or value < 0:
        # Loud, like a missing variable: a silently replaced margin could end sessions early.
        raise MisconfiguredError(
            f"CLOCK_SKEW_SECONDS must be a whole number of seconds >= 0, got {text!r}: "
            "fix the function's environment or redeploy with `pipeline-tray deploy`"
        )
    return value
