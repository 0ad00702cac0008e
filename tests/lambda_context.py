"""The one stand-in for Lambda's context object: the attributes the handler reads (standard
library only: the Lambda's SDK-floor run imports it too)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LambdaContext:
    """What Lambda passes the handler, as far as the handler looks."""

    aws_request_id: str = "req-1"
    function_name: str = "data-collector"
    function_version: str = "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        """Time left in the invocation: most of its minute."""
        return 59_000
