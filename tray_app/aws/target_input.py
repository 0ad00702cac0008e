"""The off switch's target on the user's rule: its fixed Id, and the deadline copy in its input.

The input is a constant JSON object, `{"session_deadline": N}` during a session and `{}` after,
read by the off switch only when it cannot read the session record.
"""

from __future__ import annotations

import json
from typing import Any

OFF_SWITCH_ID = "pipeline-tray-off-switch"  # the one target of ours on the rule
KEY = "session_deadline"


def deadline_of(target: dict[str, Any]) -> int | None:
    """The session deadline the target's input carries, or None."""
    try:
        value = json.loads(target.get("Input") or "{}").get(KEY)
    except (ValueError, AttributeError):
        return None  # not a JSON object: it carries no deadline we wrote
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def off_switch_target(arn: str, deadline: int | None) -> dict[str, Any]:
    """The off switch's target, carrying `deadline` (None: no deadline)."""
    data = {} if deadline is None else {KEY: deadline}
    return {"Id": OFF_SWITCH_ID, "Arn": arn, "Input": json.dumps(data, separators=(",", ":"))}
