"""A real X server per test. Missing tools skip on a laptop but fail in CI (CI=true)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest


def require(*tools: str) -> None:
    """Skip (or, under CI, fail) when a desktop tool is not installed."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = f"desktop tools missing: {', '.join(missing)} (apt-get install xvfb xdotool)"
    if os.environ.get("CI"):
        pytest.fail(message + " — .ci/run must install them")
    pytest.skip(message)


@pytest.fixture
def xvfb() -> Iterator[str]:
    """Start Xvfb on a free display number; yield ":N"; stop it."""
    require("Xvfb", "xdotool")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "800x600x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as announced:
            number = announced.readline().strip()
        assert number, "Xvfb did not announce a display"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
