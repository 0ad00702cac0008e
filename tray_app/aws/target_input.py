"""Read and write `session_deadline` in an EventBridge target's input, keeping everything else.

A target carries its input in one of three ways: an input transformer (our stack: the schedule's
`time` and `id`), a constant `Input` JSON, or nothing (a hand-made rule delivering the raw event).
"""

from __future__ import annotations

import json
import re
from typing import Any

KEY = "session_deadline"
# The transformer template is not JSON until EventBridge fills its <placeholders>, so the
# deadline is found and replaced as text. We only ever write an integer or nothing.
_PAIR = re.compile(r'\s*,?\s*"session_deadline"\s*:\s*-?\d+\s*,?\s*')
_VALUE = re.compile(r'"session_deadline"\s*:\s*(-?\d+)')
# What a target without input gets: the same schedule fields our stack's rule passes on.
SCHEDULE_PATHS = {"time": "$.time", "id": "$.id"}
SCHEDULE_TEMPLATE = '{"time": <time>, "id": <id>}'


def deadline_of(target: dict[str, Any]) -> int | None:
    """The session deadline the target's input carries, or None."""
    transformer = target.get("InputTransformer")
    if transformer:
        found = _VALUE.search(str(transformer.get("InputTemplate", "")))
        return int(found.group(1)) if found else None
    if target.get("Input"):
        try:
            value = json.loads(target["Input"]).get(KEY)
        except (ValueError, AttributeError):
            return None  # not a JSON object: it carries no deadline we wrote
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return None


def with_deadline(target: dict[str, Any], deadline: int | None) -> dict[str, Any]:
    """A copy of the target whose input carries `deadline` (None removes it); Id, Arn kept."""
    updated = dict(target)
    if target.get("Input") and not target.get("InputTransformer"):
        try:
            data = json.loads(target["Input"])
        except ValueError:
            data = None
        if isinstance(data, dict):
            data.pop(KEY, None)
            if deadline is not None:
                data[KEY] = deadline
            updated["Input"] = json.dumps(data, separators=(",", ":"))
            return updated
    transformer = dict(target.get("InputTransformer") or {})
    if not transformer:
        # No input of its own (or input that is not an object): pass the schedule's time and
        # id like our stack does, so the function can still key its records on them.
        transformer = {"InputPathsMap": dict(SCHEDULE_PATHS), "InputTemplate": SCHEDULE_TEMPLATE}
        updated.pop("Input", None)
        updated.pop("InputPath", None)
    transformer["InputTemplate"] = _set_in_template(str(transformer["InputTemplate"]), deadline)
    updated["InputTransformer"] = transformer
    return updated


def _set_in_template(template: str, deadline: int | None) -> str:
    text = _PAIR.sub(_keep_one_comma, template).strip()
    if deadline is None:
        return text
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(f"the target's input template is not a JSON object: {template!r}")
    body = text[1:-1].strip()
    pair = f'"{KEY}": {deadline}'
    return "{" + (f"{body}, {pair}" if body else pair) + "}"


def _keep_one_comma(match: re.Match[str]) -> str:
    # Removing a pair between two others must leave exactly one comma behind.
    text = match.group(0)
    stripped = text.strip()
    return ", " if stripped.startswith(",") and stripped.endswith(",") else ""
