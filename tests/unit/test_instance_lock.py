"""The single-instance lock: byte 0 whatever the file holds, the pid after it, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tray_app.desktop import instance_lock
from tray_app.desktop.instance_lock import AlreadyRunningError, InstanceLock

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import sys
from pathlib import Path
from tray_app.desktop.instance_lock import InstanceLock
InstanceLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
sys.stdin.read()
"""

TRY = """
import sys
from pathlib import Path
from tray_app.desktop.instance_lock import AlreadyRunningError, InstanceLock
try:
    InstanceLock(Path(sys.argv[1])).acquire()
except AlreadyRunningError as err:
    print(err)
    sys.exit(1)
print("acquired")
"""


def python(code: str, lock: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, str(lock)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A process that holds the lock until its stdin closes."""
    lock = tmp_path / "run" / "tray.lock"
    lock.parent.mkdir()
    # What an earlier run with a longer pid left: it must not move the locked byte.
    lock.write_bytes(b"\n4194304000\n" + b"x" * 100)
    proc = python(HOLD, lock)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def attempt(lock: Path) -> subprocess.CompletedProcess[str]:
    proc = python(TRY, lock)
    out, _ = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "")


def test_a_second_process_is_refused_and_names_the_first_ones_pid(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    lock = tmp_path / "run" / "tray.lock"
    done = attempt(lock)
    assert done.returncode == 1, done
    assert done.stdout == f"pipeline-tray is already running (pid {holder.pid}, lock {lock})\n"
    assert lock.read_bytes() == f"\n{holder.pid}\n".encode()  # the stale tail is gone


@pytest.mark.skipif(sys.platform == "win32", reason="the holder is ended with SIGKILL")
def test_the_lock_goes_with_the_process_that_held_it(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    done = attempt(tmp_path / "run" / "tray.lock")
    assert (done.returncode, done.stdout) == (0, "acquired\n")


def test_the_locked_byte_is_byte_zero_whatever_the_file_holds(tmp_path: Path) -> None:
    calls: list[tuple[int, bool]] = []

    def recording(fd: int, lock: bool) -> None:
        calls.append((os.lseek(fd, 0, os.SEEK_CUR), lock))

    path = tmp_path / "tray.lock"
    path.write_bytes(b"\n123456789012\n")
    first = InstanceLock(path, locker=recording)
    first.acquire()
    assert path.read_bytes() == f"\n{os.getpid()}\n".encode()
    first.release()
    assert calls == [(0, True), (0, False)]


def test_a_refused_lock_reads_the_pid_after_the_locked_byte(tmp_path: Path) -> None:
    def taken(fd: int, lock: bool) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    path = tmp_path / "tray.lock"
    # Byte 0 is the lock's, whatever it holds: on Windows no other process may even read it.
    path.write_bytes(b"7" + b"4242\n")
    with pytest.raises(AlreadyRunningError, match=r"already running \(pid 4242, lock "):
        InstanceLock(path, locker=taken).acquire()
    path.write_bytes(b"")  # the holder has not written its pid yet
    with pytest.raises(AlreadyRunningError, match=r"\(pid unknown, lock "):
        InstanceLock(path, locker=taken).acquire()


@pytest.mark.skipif(sys.platform != "linux", reason="open file description locks")
def test_the_linux_lock_covers_one_byte_from_the_current_position(tmp_path: Path) -> None:
    # The same contract as msvcrt.locking(fd, LK_NBLCK, 1): that is what lets this suite
    # catch a lock taken anywhere but byte 0, the way Windows would let a second tray run.
    path = tmp_path / "tray.lock"
    path.write_bytes(b"\n1234\n")
    first = os.open(path, os.O_RDWR)
    second = os.open(path, os.O_RDWR)  # same process, its own open file: refused like Windows
    try:
        instance_lock.linux_locker(first, True)
        with pytest.raises(OSError):
            instance_lock.linux_locker(second, True)
        os.lseek(second, 1, os.SEEK_SET)
        instance_lock.linux_locker(second, True)  # byte 1 is not byte 0
        instance_lock.linux_locker(second, False)
        instance_lock.linux_locker(first, False)
        os.lseek(second, 0, os.SEEK_SET)
        instance_lock.linux_locker(second, True)
    finally:
        os.close(first)
        os.close(second)


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux primitive")
def test_linux_uses_the_byte_lock() -> None:
    assert instance_lock.platform_locker() is instance_lock.linux_locker


def test_a_tray_waits_for_a_guardian_releasing_but_not_for_a_running_tray(tmp_path: Path) -> None:
    refusals = [3]  # the guardian's release ends after three tries

    def guardian_holds(fd: int, lock: bool) -> None:
        if lock and refusals[0] > 0:
            refusals[0] -= 1
            raise BlockingIOError(11, "Resource temporarily unavailable")

    path = tmp_path / "tray.lock"
    path.write_bytes(b"7" + b"4242 guardian\n")
    said: list[str] = []
    InstanceLock(path, locker=guardian_holds).acquire(wait_for_guardian=30, waiting=said.append)
    assert refusals == [0]
    assert said == [f"pipeline-tray is releasing an ended tray's hold (pid 4242, lock {path})"]

    path.write_bytes(b"7" + b"4242\n")  # a tray that runs: refused at once, whatever the wait
    refusals[0] = 1
    with pytest.raises(AlreadyRunningError, match=r"already running \(pid 4242, lock "):
        InstanceLock(path, locker=guardian_holds).acquire(wait_for_guardian=30)
    assert refusals == [0]


def test_a_guardian_writes_its_role_after_its_pid(tmp_path: Path) -> None:
    path = tmp_path / "tray.lock"
    guardian = InstanceLock(path, locker=lambda _fd, _lock: None, role=instance_lock.GUARDIAN)
    guardian.acquire()
    assert path.read_bytes() == f"\n{os.getpid()} guardian\n".encode()
    guardian.release()
