"""The KDE idle bindings shipped in the package are what scripts/generate-kde-idle makes from the
system's plasma-wayland-protocols: nobody edited them by hand, and the script still works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IDLE_XML = Path("/usr/share/plasma-wayland-protocols/idle.xml")
SHIPPED = ROOT / "tray_app" / "desktop" / "idle" / "kde_idle_protocol.py"

pytestmark = pytest.mark.desktop


def test_the_shipped_bindings_are_regenerated_byte_for_byte(tmp_path: Path) -> None:
    if not IDLE_XML.exists():
        message = f"{IDLE_XML} missing (apt-get install plasma-wayland-protocols)"
        if os.environ.get("CI"):
            pytest.fail(message + " — .ci/run must install it")
        pytest.skip(message)
    fresh = tmp_path / "kde_idle_protocol.py"
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "generate-kde-idle"), str(IDLE_XML), str(fresh)],
        env={**os.environ, "PY": sys.executable},
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert fresh.read_text() == SHIPPED.read_text()
    assert "SPDX-License-Identifier: LGPL-2.1-or-later" in SHIPPED.read_text()
