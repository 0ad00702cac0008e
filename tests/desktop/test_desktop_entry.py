"""The Linux launcher and the autostart entry as the desktop reads them: desktop-file-validate,
and GLib (GNOME's and most menus' reader) launching the entry's Exec with the argv we meant."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.conftest import require
from tests.tray_process import eventually
from tray_app.desktop import autostart
from tray_app.desktop.launcher import Launcher

pytestmark = pytest.mark.desktop
SIZES = {"16x16", "22x22", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256"}
# Every character the spec treats specially, and a field code that must stay literal.
AWKWARD = """it's "my" 100%f $HOME `x` back\\slash"""
# GLib looks for the program before it turns %% back into %, so a program whose own path holds a
# % is never found by it (a GLib quirk: the file is per the spec and validates); `%` goes in an
# argument there.
PROGRAM_FOLDER = AWKWARD.replace("100%f ", "")


def validate(entry: Path) -> None:
    """desktop-file-validate has nothing to say about `entry` (errors and hints alike)."""
    require("desktop-file-validate")
    done = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def cli(data_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m tray_app …` with XDG_DATA_HOME at `data_home`."""
    return subprocess.run(
        [sys.executable, "-m", "tray_app", *args],
        env={"XDG_DATA_HOME": str(data_home), "HOME": str(data_home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_desktop_entry_on_validates_with_its_icons_and_off_removes_both(tmp_path: Path) -> None:
    on = cli(tmp_path, "desktop-entry", "on")
    entry = tmp_path / "applications" / "pipeline-tray.desktop"
    assert on.returncode == 0, on.stderr
    assert on.stdout == f"the tray is in the application menu: {entry}\n"
    validate(entry)
    text = entry.read_text()
    assert f"Exec={sys.executable} -m tray_app tray\n" in text and "Icon=pipeline-tray\n" in text
    icons = {p.relative_to(tmp_path) for p in (tmp_path / "icons").rglob("*.png")}
    assert icons == {Path("icons/hicolor", size, "apps/pipeline-tray.png") for size in SIZES}
    off = cli(tmp_path, "desktop-entry", "off")
    assert off.returncode == 0, off.stderr
    assert not entry.exists() and not list((tmp_path / "icons").rglob("*.png"))


def recording_python(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in `python` in an awkward folder that writes the argv it got, one per line."""
    folder = tmp_path / PROGRAM_FOLDER
    folder.mkdir()
    record = tmp_path / "argv.txt"
    python = folder / "python"
    python.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$0" "$@" > {shlex.quote(str(record))}.tmp\n'
        f"mv {shlex.quote(str(record))}.tmp {shlex.quote(str(record))}\n"
    )
    python.chmod(0o755)
    return python, record


def launch(entry: Path, record: Path) -> list[str]:
    """GLib's reading of `entry`: launch it and return the argv the program received."""
    if not os.environ.get("CI"):  # under CI a missing PyGObject fails the import below
        pytest.importorskip("gi")
    import gi  # noqa: PLC0415 - the linux-tray extra's

    gi.require_version("Gio", "2.0")
    from gi.repository import Gio  # noqa: PLC0415 - only when PyGObject is there

    info = Gio.DesktopAppInfo.new_from_filename(str(entry))
    assert info is not None, entry.read_text()
    assert info.launch([], None)
    eventually(record.exists, timeout=10)
    return record.read_text().splitlines()


@pytest.mark.parametrize("kind", ["launcher", "autostart"])
def test_awkward_paths_reach_the_program_unchanged(tmp_path: Path, kind: str) -> None:
    python, record = recording_python(tmp_path)
    argv = [str(python), "-m", "tray_app", "tray", AWKWARD]
    if kind == "launcher":
        launcher = Launcher(tmp_path / "data")
        launcher.install(argv)
        entry = launcher.entry
    else:
        made = autostart.linux_entry(tmp_path / "config", argv)
        made.path.parent.mkdir(parents=True)
        made.path.write_bytes(made.content)
        entry = made.path
    validate(entry)
    assert launch(entry, record) == argv


@pytest.mark.parametrize("kind", ["launcher", "autostart"])
def test_a_percent_in_the_programs_path_validates(tmp_path: Path, kind: str) -> None:
    argv = [str(tmp_path / AWKWARD / "python"), "-m", "tray_app", "tray"]
    if kind == "launcher":
        Launcher(tmp_path).install(argv)
        validate(Launcher(tmp_path).entry)
    else:
        made = autostart.linux_entry(tmp_path, argv)
        made.path.parent.mkdir(parents=True)
        made.path.write_bytes(made.content)
        validate(made.path)
