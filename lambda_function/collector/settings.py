"""The function's configuration, read from its environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class MisconfiguredError(RuntimeError):
    """A required environment variable is missing: the deployment is wrong, not the event."""


@dataclass(frozen=True)
class Settings:
    """Names of the resources the collector writes to."""

    bucket: str
    table: str
    region: str | None


def from_environment(env: Mapping[str, str] = os.environ) -> Settings:
    """Read S3_BUCKET, DYNAMODB_TABLE and REGION (the seed's three variables)."""
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
    )
