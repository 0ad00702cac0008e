"""Wine for the tests: its tools' presence, a prefix of our own, and the Windows python in it.

Wine's exit codes are no evidence (0 even after `wineserver -k`): the tests check effects.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.required_tools import require_tools

WINE_TOOLS = ("wine", "wineserver", "wineboot")
# A crash would start winedbg --auto, which hangs for minutes: with no debugger it exits in ~5 s.
AE_DEBUG = r"HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug"


def require_wine() -> None:
    """Skip (or, under CI, fail) when Wine is not installed."""
    require_tools(WINE_TOOLS, "Wine", "apt-get install --no-install-recommends wine wine64")


@dataclass(frozen=True)
class Wine:
    """A Wine prefix holding nothing but what the tests put there, and the python to run."""

    prefix: Path
    python: Path  # the folder holding python.exe

    def env(self, **extra: str) -> dict[str, str]:
        """This process's environment, pointed at the prefix, with Wine quiet."""
        return {
            **os.environ,
            "WINEPREFIX": str(self.prefix),
            "WINEARCH": "win64",
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono or Gecko installer dialogs
            "PYTHONUTF8": "1",  # the app's "—" and "…" as UTF-8 instead of cp1252
            **extra,
        }

    def python_command(self, *args: str) -> list[str]:
        """The command line of the Windows python with `args`."""
        return ["wine", str(self.python / "python.exe"), *args]

    def run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a command in the prefix; output captured (pipes: a file kills python.exe)."""
        return subprocess.run(
            list(command),
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def app_state(self) -> list[Path]:
        """The app's folders in the prefix's user profile (state, log, lock)."""
        users = self.prefix / "drive_c" / "users"
        return [
            *users.glob("*/AppData/Local/pipeline-tray"),
            *users.glob("*/AppData/Local/Temp/pipeline-tray"),
        ]

    def forget_app_state(self) -> None:
        """Each test starts as a fresh install: no pending stop or history from an earlier one."""
        for folder in self.app_state():
            shutil.rmtree(folder)

    def kill(self) -> None:
        """End every process of the prefix (wineserver -k) and wait for the server to go."""
        self.run("wineserver", "-k")
        self.run("wineserver", "-w")


def make_prefix(prefix: Path, python: Path) -> Wine:
    """Create the prefix (wineboot -i, ~10 s) with no crash debugger; return it with `python`."""
    wine = Wine(prefix, python)
    booted = wine.run("wineboot", "-i")
    assert (prefix / "system.reg").exists(), booted.stderr
    wine.run("wine", "reg", "delete", AE_DEBUG, "/v", "Debugger", "/f")
    wine.run("wineserver", "-w")
    return wine
