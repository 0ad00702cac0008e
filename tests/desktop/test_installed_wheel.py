"""The app as a user installs it: a wheel built from this tree, installed into a fresh venv, run
from a folder outside the checkout: deploy, status, the tray icon docking, and the demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.aws_names import REGION
from tests.desktop.conftest import Desktop, share
from tests.tray_process import Tray, eventually

pytestmark = pytest.mark.desktop
ROOT = Path(__file__).resolve().parents[2]
GREY = (138, 143, 152)
LEFT_OUT = (".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "artifacts")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`pipeline-tray` from a wheel of this tree, in a venv of its own; yields its bin folder."""
    place = tmp_path_factory.mktemp("installed")
    source, dist, venv = place / "source", place / "dist", place / "venv"
    # a clean copy: a build/ folder left in the tree by an earlier build must not hide a file
    # that this build fails to bundle
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    build(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source))
    (wheel,) = dist.glob("pipeline_tray-*.whl")
    build(sys.executable, "-m", "venv", str(venv))
    # pip reuses the PyGObject wheel it built for .venv: no second compile
    build(str(venv / "bin" / "pip"), "install", "-q", f"{wheel}[demo,linux-tray]")
    yield venv / "bin"


def build(*command: str) -> None:
    """One build step; its output is shown only when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "pipeline-tray"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_installed_app_deploys_reports_docks_and_runs_the_demo(
    installed: Path, desktop: Desktop, endpoint: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    assert not (elsewhere / "template.yaml").exists()
    version = run(installed, "--version", cwd=elsewhere)
    assert version.returncode == 0 and version.stdout.startswith("pipeline-tray 0."), version

    on_emulator = ("--endpoint-url", endpoint, "--region", REGION)
    deployed = run(installed, *on_emulator, "deploy", cwd=elsewhere)  # the wheel's own template
    assert deployed.returncode == 0, deployed.stderr
    assert "created (CREATE_COMPLETE" in deployed.stdout
    status = run(installed, *on_emulator, "status", cwd=elsewhere)
    assert status.returncode == 0 and status.stdout.startswith("Off — costs $0"), status

    icon = Tray(
        endpoint,
        tmp_path,
        {**desktop.env, "PYSTRAY_BACKEND": "gtk"},
        terminal=False,
        program=(str(installed / "pipeline-tray"),),
        cwd=elsewhere,
    )
    try:  # the icons come from the wheel: a grey icon docks, no fallback to the panel
        eventually(lambda: share(desktop.grab(desktop.icon_box("Off — costs")), GREY) > 0.2)
        assert not any("terminal panel" in line for line in icon.lines)
    finally:
        icon.stop()

    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [str(installed / "pipeline-tray"), "demo", "--no-tray"],
            cwd=elsewhere,
            env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        eventually(lambda: "demo ready" in log.read_text(), timeout=60)
    finally:
        demo.terminate()
        assert demo.wait(timeout=30) == 0
    assert "Traceback" not in log.read_text()
