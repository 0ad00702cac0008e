"""The Windows installer (NSIS, built here by scripts/windows_installer.py from the same Windows
python the other Wine tests run) installed silently into the test prefix, started from its
Start-menu shortcut, upgraded in place and uninstalled while a session is on."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.windows_installer import make_installer
from tests.aws_names import REGION
from tests.desktop.test_installed_wheel import ROOT
from tests.desktop.test_tray_icon import GREEN, GREY
from tests.required_tools import require_tools
from tests.tray_process import eventually, rule
from tests.windows.test_wine_tray import docked_icon, looks
from tests.windows.wine import Wine
from tests.windows.wine_screen import WineScreen

pytestmark = pytest.mark.windows
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\pipeline-tray"
VERSION = "0.0.0-test"  # the installer's own label: shown in Add/Remove Programs


@pytest.fixture(scope="module")
def setup_exe(wine: Wine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The installer, built around the session's Windows python (~30 s of makensis)."""
    require_tools(("makensis",), "NSIS", "apt-get install nsis")
    place = tmp_path_factory.mktemp("installer")
    yield make_installer(wine.python, VERSION, place / "dist", place)


def user_folder(wine: Wine, *parts: str) -> Path:
    """A path under the prefix's one user profile."""
    (user,) = (wine.prefix / "drive_c" / "users").glob("*/AppData")
    return user.parent.joinpath(*parts)


def install_dir(wine: Wine) -> Path:
    """$LOCALAPPDATA\\Programs\\pipeline-tray."""
    return user_folder(wine, "AppData", "Local", "Programs", "pipeline-tray")


def start_menu(wine: Wine, *parts: str) -> Path:
    """The user's Start-menu Programs folder ($SMPROGRAMS), or a file in it."""
    programs = ("AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs")
    return user_folder(wine, *programs, *parts)


def registry(wine: Wine) -> dict[str, str]:
    """The uninstall key's values (name -> data), or {} when the key is missing."""
    done = wine.run("wine", "reg", "query", UNINSTALL_KEY)
    values = {}
    for line in done.stdout.splitlines():
        fields = line.split(None, 2)
        if len(fields) == 3 and fields[1].startswith("REG_"):
            values[fields[0]] = fields[2]
    return values


def run_silently(wine: Wine, exe: Path) -> None:
    """An installer or uninstaller with /S; Wine's exit code says nothing, effects are checked."""
    wine.run("wine", str(exe), "/S", timeout=300)


def test_silent_install_upgrade_shortcut_and_uninstall_during_a_session(
    wine: Wine, wine_screen: WineScreen, setup_exe: Path, endpoint: str, stack: dict[str, str]
) -> None:
    folder = install_dir(wine)
    run_silently(wine, setup_exe)
    eventually((folder / "uninstall.exe").is_file, timeout=60)
    assert (folder / "python" / "pythonw.exe").is_file() and (folder / "app.ico").is_file()
    assert (folder / "python" / "Lib" / "site-packages" / "tray_app" / "__init__.py").is_file()
    assert start_menu(wine, "pipeline-tray.lnk").is_file()
    values = registry(wine)
    assert values["DisplayName"] == "pipeline-tray" and values["DisplayVersion"] == VERSION
    assert values["Publisher"] and values["DisplayIcon"].endswith("\\app.ico")
    assert int(values["EstimatedSize"], 16) > 20_000  # KB: the Python and boto3 are in it

    # a second install over the first replaces the files in place, keeping the key
    stale = folder / "python" / "Lib" / "site-packages" / "left-by-an-old-version.txt"
    stale.write_text("old")
    run_silently(wine, setup_exe)
    eventually(lambda: not stale.exists(), timeout=60)
    eventually((folder / "python" / "pythonw.exe").is_file, timeout=60)
    assert registry(wine)["DisplayVersion"] == VERSION

    # the Start-menu shortcut (as Explorer opens it) starts the tray with no console
    subprocess.Popen(
        ["wine", "start", "/unix", str(start_menu(wine, "pipeline-tray.lnk"))],
        env=wine.env(
            DISPLAY=wine_screen.display,
            AWS_DEFAULT_REGION=REGION,
            PIPELINE_TRAY_POLL_SECONDS="1",
        ),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).wait(timeout=60)
    icon = docked_icon(wine_screen)
    eventually(lambda: looks(wine_screen, icon, GREY))
    wine_screen.click(icon, "1")  # Start
    eventually(lambda: rule()[0] == "ENABLED")
    eventually(lambda: looks(wine_screen, icon, GREEN))

    # the uninstaller quits the tray first (its session stopped), then removes everything;
    # the user's settings and history stay (the box that removes them is off)
    run_silently(wine, folder / "uninstall.exe")
    eventually(lambda: rule() == ("DISABLED", None), timeout=60)
    eventually(lambda: not folder.exists(), timeout=60)
    assert registry(wine) == {}
    assert not start_menu(wine, "pipeline-tray.lnk").exists()
    assert user_folder(wine, "AppData", "Local", "pipeline-tray").is_dir()
