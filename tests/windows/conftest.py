"""The Windows build under Wine: one Windows python and prefix per test session (~25 s to make),
and per test an X server, a tray host and the app's tray, all stopped afterwards."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.windows_python import windows_python
from tests.aws_names import REGION
from tests.desktop.conftest import require, xvfb  # noqa: F401 - xvfb is a fixture used here
from tests.desktop.test_installed_wheel import LEFT_OUT, ROOT, build
from tests.tray_process import OutputLines
from tests.windows.wine import Wine, make_prefix, require_wine
from tests.windows.wine_screen import WineScreen


@pytest.fixture(scope="session")
def wine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wine]:
    """A prefix and the embeddable CPython with this tree's wheel and its Windows wheels."""
    require_wine()
    place = tmp_path_factory.mktemp("windows")
    source, dist = place / "source", place / "dist"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    build(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source))
    (wheel,) = dist.glob("pipeline_tray-*.whl")
    yield make_prefix(place / "prefix", windows_python(wheel, place))
    # about 800 MB, and pytest keeps its last three sessions' folders
    shutil.rmtree(place)


@pytest.fixture
def wine_screen(xvfb: str, wine: Wine) -> Iterator[WineScreen]:  # noqa: F811 - the fixture
    """trayer on a fresh Xvfb; afterwards every Wine process is ended before X goes."""
    require("trayer", "xdotool")
    wine.forget_app_state()
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32"],
        env=wine.env(DISPLAY=xvfb),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield WineScreen(xvfb)
    finally:
        wine.kill()
        trayer.terminate()
        trayer.wait(timeout=10)


def tray_args(endpoint: str) -> tuple[str, ...]:
    """`python -m tray_app … tray` against the emulator, as the installed app runs it."""
    return ("-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, "tray")


def start_tray(wine: Wine, screen: WineScreen, endpoint: str, cwd: Path) -> OutputLines:
    """The Windows tray in Wine, polling every second; its output is read through a pipe."""
    proc = subprocess.Popen(
        wine.python_command(*tray_args(endpoint)),
        env=wine.env(DISPLAY=screen.display, PIPELINE_TRAY_POLL_SECONDS="1"),
        cwd=cwd,  # not the checkout: the app must come from the Windows site-packages
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return OutputLines(proc)


@pytest.fixture
def wine_tray(
    wine: Wine, wine_screen: WineScreen, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> Iterator[OutputLines]:
    """The app's tray under Wine against the emulator's pipeline; stopped afterwards."""
    tray = start_tray(wine, wine_screen, endpoint, tmp_path)
    try:
        yield tray
    finally:
        tray.stop()
