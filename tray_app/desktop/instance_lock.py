"""One tray per user: a lock on byte 0 of a file in the runtime directory; the pid follows it.

Layout of the file: byte 0 is the lock byte, the holder's pid is written from byte 1 on, followed
by ` guardian` when the holder is the guardian of a tray that ended, releasing its hold. The lock
is always taken on byte 0, whatever the file holds: on Windows, where a lock covers the bytes
from the current position, taking it at the end of the file (as append mode does) let a second
tray lock other bytes once the first had written its pid.
"""

from __future__ import annotations

import os
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import platformdirs

from tray_app import APP_NAME
from tray_app.core.errors import PipelineTrayError

LOCK_OFFSET = 0  # the locked byte
PID_OFFSET = 1  # the pid starts after it, where other processes may read even on Windows
PID_MAX_BYTES = 32
GUARDIAN = "guardian"  # the holder's role when it is the guardian of a tray that ended
RETRY_SECONDS = 0.05

# Lock (True) or unlock (False) the one byte at the descriptor's current position, without
# waiting; raise OSError when another open file holds it.
ByteLocker = Callable[[int, bool], None]


class AlreadyRunningError(PipelineTrayError):
    """Another tray holds the lock; the message says where it runs."""

    def __init__(self, message: str, pid: str = "unknown", role: str = "tray") -> None:
        super().__init__(message)
        self.pid = pid
        self.role = role


def default_lock_path() -> Path:
    """The lock file: /run/user/<uid>/pipeline-tray/tray.lock on Linux."""
    return platformdirs.user_runtime_path(APP_NAME) / "tray.lock"


class InstanceLock:
    """Held for the life of the tray; the OS releases it if the process dies."""

    def __init__(
        self, path: Path | None = None, locker: ByteLocker | None = None, role: str = "tray"
    ) -> None:
        self.path = path or default_lock_path()
        self._locker = locker or platform_locker()
        self._role = role
        self._fd: int | None = None

    def acquire(
        self, wait_for_guardian: float = 0.0, waiting: Callable[[str], None] = lambda _why: None
    ) -> None:
        """Take the lock or raise AlreadyRunningError naming the holder's pid; while the holder
        is a guardian releasing an ended tray's hold, wait for it up to `wait_for_guardian` s
        (a tray restarted at once must start after that release, never under it), calling
        `waiting` once with the reason."""
        end = time.monotonic() + wait_for_guardian
        said = False
        while True:
            try:
                return self._take()
            except AlreadyRunningError as err:
                if err.role != GUARDIAN or time.monotonic() >= end:
                    raise
                if not said:
                    waiting(str(err))
                    said = True
            time.sleep(RETRY_SECONDS)  # no cross-platform way to wait on another's byte lock

    def _take(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Neither append nor truncate: the position must not depend on what the file holds, and
        # the holder's pid must survive until it is read.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        try:
            os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
            self._locker(fd, True)
        except OSError:
            pid, role = _read_holder(fd)
            os.close(fd)
            what = "is already running" if role != GUARDIAN else "is releasing an ended tray's hold"
            raise AlreadyRunningError(
                f"pipeline-tray {what} (pid {pid}, lock {self.path})", pid, role
            ) from None
        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        said = str(os.getpid()) + (f" {GUARDIAN}" if self._role == GUARDIAN else "")
        os.write(fd, b"\n" + said.encode("ascii") + b"\n")
        os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR))  # a longer pid from an earlier run
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (also happens when the process exits)."""
        if self._fd is not None:
            os.lseek(self._fd, LOCK_OFFSET, os.SEEK_SET)
            self._locker(self._fd, False)
            os.close(self._fd)
            self._fd = None


def _read_holder(fd: int) -> tuple[str, str]:
    """The holder's pid, or "unknown" (it may not have written it yet), and its role."""
    try:
        os.lseek(fd, PID_OFFSET, os.SEEK_SET)
        words = os.read(fd, PID_MAX_BYTES).decode("ascii", "replace").split()
    except OSError:
        return "unknown", "tray"
    pid = words[0] if words and words[0].isdigit() else "unknown"
    return pid, GUARDIAN if words[1:] == [GUARDIAN] else "tray"


def platform_locker() -> ByteLocker:
    """This platform's byte lock; the same layout and calls around it everywhere."""
    if sys.platform == "win32":
        return windows_locker
    if sys.platform == "linux":
        return linux_locker
    return bsd_locker


def windows_locker(fd: int, lock: bool) -> None:
    """msvcrt.locking: one byte from the current position, owned by this handle."""
    if sys.platform != "win32":
        raise NotImplementedError("msvcrt locks exist on Windows only")
    import msvcrt  # noqa: PLC0415 - Windows only

    msvcrt.locking(fd, msvcrt.LK_NBLCK if lock else msvcrt.LK_UNLCK, 1)


# struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for open file description locks).
_FLOCK = "hhqqi4x"


def linux_locker(fd: int, lock: bool) -> None:
    """An open-file-description lock on one byte from the current position.

    Like a Windows lock, and unlike lockf's, it belongs to the open file, not the process: a
    second open in the same process is refused too, and closing it does not drop the first.
    """
    if sys.platform != "linux":
        raise NotImplementedError("open file description locks exist on Linux only")
    import fcntl  # noqa: PLC0415 - POSIX only

    kind = fcntl.F_WRLCK if lock else fcntl.F_UNLCK
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack(_FLOCK, kind, os.SEEK_CUR, 0, 1, 0))


def bsd_locker(fd: int, lock: bool) -> None:
    """macOS and the BSDs have no open-file-description locks: flock, the whole file."""
    if sys.platform == "win32":
        raise NotImplementedError("flock exists on POSIX only")
    import fcntl  # noqa: PLC0415 - POSIX only

    fcntl.flock(fd, (fcntl.LOCK_EX | fcntl.LOCK_NB) if lock else fcntl.LOCK_UN)
