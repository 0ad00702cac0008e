"""The one rule for tests that need programs from the system: skip on a laptop without them,
fail under CI (`.ci/run` must install them)."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def require_tools(tools: tuple[str, ...], what: str, hint: str) -> None:
    """Skip (or, under CI, fail) when one of `tools` is not on PATH; `hint` says how to get it."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    unavailable(f"{what} missing: {', '.join(missing)} ({hint})")


def unavailable(message: str) -> NoReturn:
    """Skip the test on a laptop; under CI=true fail it, since `.ci/run` must provide it."""
    if os.environ.get("CI"):
        pytest.fail(message + " — .ci/run must install them")
    pytest.skip(message)
