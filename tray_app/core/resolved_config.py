"""The resolved configuration as a value: what every layer reads; `app/config.py` resolves it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_REGION = "eu-west-1"  # the seed's region; used when neither we nor boto3 find one


@dataclass(frozen=True)
class Config:
    """Resolved settings; `origin` says where each came from (flag, env, file or default)."""

    profile: str | None
    region: str | None
    endpoint_url: str | None
    rule: str
    function: str
    table: str
    bucket: str
    stack: str
    session_minutes: int
    idle_minutes: int
    poll_seconds: int
    device_name: str | None
    clock_skew_seconds: int
    file: Path
    origin: dict[str, str] = field(default_factory=dict)

    def from_aws_environment(self, key: str) -> bool:
        """True when `key` came from a standard AWS variable that boto3 reads by itself."""
        return self.origin.get(key, "").startswith("env AWS_")

    @property
    def session_table(self) -> str:
        """The table of session records that `connect` makes for this rule."""
        return f"pipeline-tray-sessions-{self.rule}"

    @property
    def session_stack(self) -> str:
        """The stack that holds this rule's session control (a stack name allows [A-Za-z0-9-])."""
        return "pipeline-tray-session-" + re.sub(r"[^A-Za-z0-9-]", "-", self.rule)
