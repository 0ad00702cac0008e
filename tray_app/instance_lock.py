"""One tray per user: an exclusive lock on a file in the runtime directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

import platformdirs

from tray_app import APP_NAME
from tray_app.errors import PipelineTrayError


class AlreadyRunningError(PipelineTrayError):
    """Another tray holds the lock; the message says where it runs."""


def default_lock_path() -> Path:
    """The lock file: /run/user/<uid>/pipeline-tray/tray.lock on Linux."""
    return platformdirs.user_runtime_path(APP_NAME) / "tray.lock"


class InstanceLock:
    """Held for the life of the tray; the OS releases it if the process dies."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_lock_path()
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunningError naming the holder's pid."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunningError(
                f"pipeline-tray is already running (pid {holder}, lock {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        """Let go of the lock (also happens when the process exits)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt  # noqa: PLC0415 - Windows only

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl  # noqa: PLC0415 - POSIX only

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
