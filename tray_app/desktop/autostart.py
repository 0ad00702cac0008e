"""`pipeline-tray autostart on|off`: start the tray at login (XDG entry, LaunchAgent, shortcut)."""

from __future__ import annotations

import base64
import os
import plistlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tray_app import APP_NAME
from tray_app.desktop import desktop_file

LABEL = "io.github.pipeline-tray"
POWERSHELL_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


@dataclass(frozen=True)
class Entry:
    """One autostart file: where it goes and what it says."""

    path: Path
    content: bytes


def command() -> list[str]:
    """The command that starts the tray with this interpreter (the venv's, when in one)."""
    python = Path(sys.executable)
    if sys.platform == "win32" and python.with_name("pythonw.exe").exists():
        python = python.with_name("pythonw.exe")  # no console window at login
    return [str(python), "-m", "tray_app", "tray"]


def linux_entry(config_home: Path, argv: list[str]) -> Entry:
    """An XDG autostart .desktop file (read by GNOME, KDE, XFCE and most session managers)."""
    text = desktop_file.entry_text(argv, {"X-GNOME-Autostart-enabled": "true"})
    return Entry(config_home / "autostart" / f"{APP_NAME}.desktop", text.encode())


def macos_entry(home: Path, argv: list[str]) -> Entry:
    """A LaunchAgent that runs the tray at login."""
    plist = {
        "Label": LABEL,
        "ProgramArguments": argv,
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    return Entry(home / "Library" / "LaunchAgents" / f"{LABEL}.plist", plistlib.dumps(plist))


def powershell_string(text: str) -> str:
    """`text` as a PowerShell single-quoted string: nothing expands, quotes doubled."""
    # PowerShell also ends a single-quoted string at the typographic single quotes.
    return "'" + "".join(c * 2 if c in POWERSHELL_QUOTES else c for c in text) + "'"


def encoded(script: str) -> str:
    """`script` as PowerShell's -EncodedCommand takes it (base64 of UTF-16LE)."""
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


def windows_shortcut_script(startup_dir: Path, argv: list[str]) -> tuple[Path, str]:
    """The .lnk path and the PowerShell that creates it (WScript.Shell makes shortcuts)."""
    link = startup_dir / f"{APP_NAME}.lnk"
    # The shortcut's Arguments is one Windows command line: quoted as the C runtime parses it.
    arguments = subprocess.list2cmdline(argv[1:])
    script = (
        "$s = (New-Object -ComObject WScript.Shell)"
        f".CreateShortcut({powershell_string(str(link))}); "
        f"$s.TargetPath = {powershell_string(argv[0])}; "
        f"$s.Arguments = {powershell_string(arguments)}; $s.Save()"
    )
    return link, script


def enable() -> Path:
    """Install the autostart entry for this platform; returns its path."""
    argv = command()
    if sys.platform == "win32":
        link, script = windows_shortcut_script(_windows_startup_dir(), argv)
        # our own script, with paths we built: nothing from outside reaches the command line
        subprocess.run(  # noqa: S603
            # encoded: no command-line quoting between us and PowerShell's parser
            ["powershell", "-NoProfile", "-EncodedCommand", encoded(script)],  # noqa: S607
            check=True,
            timeout=60,
        )
        return link
    entry = (
        macos_entry(Path.home(), argv)
        if sys.platform == "darwin"
        else linux_entry(_xdg_config_home(), argv)
    )
    entry.path.parent.mkdir(parents=True, exist_ok=True)
    entry.path.write_bytes(entry.content)
    return entry.path


def disable() -> Path:
    """Remove the autostart entry (missing is fine); returns the path it had."""
    if sys.platform == "win32":
        path = _windows_startup_dir() / f"{APP_NAME}.lnk"
    elif sys.platform == "darwin":
        path = macos_entry(Path.home(), []).path
    else:
        path = linux_entry(_xdg_config_home(), []).path
    path.unlink(missing_ok=True)
    return path


def _xdg_config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def _windows_startup_dir() -> Path:
    return (
        Path(os.environ["APPDATA"])
        / "Microsoft"
        / "Windows"
        / "Start Menu"
        / "Programs"
        / "Startup"
    )
