import base64
import os
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from tray_app.desktop import autostart, desktop_file

ARGV = ["/home/me/My Apps/.venv/bin/python", "-m", "tray_app", "tray"]


def test_linux_entry_quotes_paths_with_spaces(tmp_path: Path) -> None:
    entry = autostart.linux_entry(tmp_path, ARGV)
    assert entry.path == tmp_path / "autostart" / "pipeline-tray.desktop"
    text = entry.content.decode()
    assert 'Exec="/home/me/My Apps/.venv/bin/python" -m tray_app tray\n' in text
    assert text.startswith("[Desktop Entry]\nType=Application\n")


def test_macos_launch_agent(tmp_path: Path) -> None:
    entry = autostart.macos_entry(tmp_path, ARGV)
    assert entry.path == tmp_path / "Library" / "LaunchAgents" / "io.github.pipeline-tray.plist"
    plist = plistlib.loads(entry.content)
    assert plist["ProgramArguments"] == ARGV and plist["RunAtLoad"] is True


def test_windows_shortcut_script() -> None:
    link, script = autostart.windows_shortcut_script(
        Path("C:/Users/me/Startup"), ["C:/Py/pythonw.exe", "-m", "tray_app", "tray"]
    )
    assert link.name == "pipeline-tray.lnk"
    assert "CreateShortcut('C:" in script and "$s.TargetPath = 'C:/Py/pythonw.exe'" in script
    assert "$s.Arguments = '-m tray_app tray'" in script


def test_windows_script_doubles_single_quotes_and_expands_nothing() -> None:
    link, script = autostart.windows_shortcut_script(
        Path("C:/Users/O'Neil/Start\u2019up"),
        ["C:/Users/O'Neil/100% $env:x/pythonw.exe", "-m", "tray_app", "tray", 'a "b" c'],
    )
    # PowerShell ends a single-quoted string at a typographic quote as well: doubled too
    doubled_link = str(link).replace("'", "''").replace("\u2019", "\u2019\u2019")
    assert "O''Neil" in doubled_link and "Start\u2019\u2019up" in doubled_link
    assert script == (
        "$s = (New-Object -ComObject WScript.Shell).CreateShortcut("
        f"'{doubled_link}'); "
        "$s.TargetPath = 'C:/Users/O''Neil/100% $env:x/pythonw.exe'; "
        """$s.Arguments = '-m tray_app tray "a \\"b\\" c"'; $s.Save()"""
    )
    decoded = base64.b64decode(autostart.encoded(script)).decode("utf-16-le")
    assert decoded == script


def test_exec_values_follow_the_desktop_entry_spec() -> None:
    assert desktop_file.exec_value(["/usr/bin/python3", "-m", "tray_app"]) == (
        "/usr/bin/python3 -m tray_app"
    )
    assert desktop_file.exec_value(["/a b/it's", "100%", '"q"', "$HOME", "back\\slash"]) == (
        '"/a b/it\'s" 100%% "\\\\"q\\\\"" "\\\\$HOME" "back\\\\\\\\slash"'
    )
    with pytest.raises(ValueError, match="line break"):
        desktop_file.exec_value(["a\nb"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG entry is Linux's")
def test_autostart_on_and_off_through_the_cli(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    on = subprocess.run(
        [sys.executable, "-m", "tray_app", "autostart", "on"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    desktop = tmp_path / "autostart" / "pipeline-tray.desktop"
    assert on.returncode == 0, on.stderr
    assert on.stdout == f"the tray starts at login: {desktop}\n"
    assert f"Exec={sys.executable} -m tray_app tray\n" in desktop.read_text()
    off = subprocess.run(
        [sys.executable, "-m", "tray_app", "autostart", "off"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert off.returncode == 0 and not desktop.exists()


PYTHONW = """
import sys
sys.stdout = sys.stderr = None  # as pythonw starts a script: no console, no streams
from tray_app.commands import cli
code = cli.main(["autostart", "off"])
print("written", file=sys.stdout)  # would raise AttributeError on None
sys.stdout.flush()
with open(sys.argv[1], "w") as report:
    report.write(f"{code} {sys.stdout.name} {sys.stderr.name}")
"""


def test_a_command_under_pythonw_gets_null_streams_instead_of_none(tmp_path: Path) -> None:
    report = tmp_path / "report"
    done = subprocess.run(
        [sys.executable, "-c", PYTHONW, str(report)],
        env={"XDG_CONFIG_HOME": str(tmp_path), "APPDATA": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert report.read_text() == f"0 {os.devnull} {os.devnull}"
