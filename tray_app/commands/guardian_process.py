"""The guardian: a small process each tray starts, tied to it by a pipe (its stdin).

The tray says what it keeps whenever that changes and goodbye on a clean exit. When the pipe
closes without a goodbye (kill -9, a crash, GDK's `_exit(1)` when the Wayland compositor goes)
while something was kept, the guardian releases this device's hold as Quit would (Leave: the
rule goes off only if no other live hold remains), writes the history line with reason `lost`
and exits. On its own SIGTERM (a logout ending every process) it gives the tray a few seconds
to say goodbye, then does the same.

A tray restarted at once (autostart) must keep the hold it takes up: the guardian releases only
while it holds the tray's instance lock, so no new tray can run during the release, and a new
tray that got the lock first means the hold is that tray's now (it resumes its device's hold).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

from tray_app.app import log_setup
from tray_app.app.executor import Executor
from tray_app.app.state_files import StateFiles, default_state_dir
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.commands.exit_request import ExitRequest, watch_signals
from tray_app.commands.guardian_protocol import Bye, Hello, Kept, decode, decode_hello
from tray_app.core.errors import AwsError
from tray_app.core.events import Done, Leave
from tray_app.core.holds import Judge
from tray_app.desktop.instance_lock import GUARDIAN, AlreadyRunningError, InstanceLock

log = logging.getLogger("tray_app.commands.guardian_process")  # run as __main__
TERM_GRACE_SECONDS = 3.0  # a tray ending on the same SIGTERM releases by itself well within it
LOCK_WAIT_SECONDS = 5.0  # the ended tray's lock goes as the OS tears its process down
RETRY_SECONDS = 0.05
REASON = "lost"


class TrayWatch:
    """What the tray said last, read from the pipe on a thread."""

    def __init__(self, pipe: BinaryIO, exit_request: ExitRequest) -> None:
        self.kept = Kept()
        self.bye = False
        self.closed = threading.Event()
        self._pipe = pipe
        self._exit = exit_request

    def read(self) -> None:
        """Follow the pipe to its end, or to the goodbye."""
        try:
            for line in self._pipe:
                message = decode(line)
                if isinstance(message, Bye):
                    self.bye = True
                    break
                self.kept = message
        except (ValueError, KeyError, TypeError) as err:  # not our tray's words: treat as its end
            log.warning("the tray's pipe said something unreadable: %s", err)
        finally:
            self.closed.set()
            self._exit.request("closed")


def main(pipe: BinaryIO | None = None) -> int:
    """Watch one tray until it says goodbye or ends; returns the exit code."""
    pipe = pipe or sys.stdin.buffer
    first = pipe.readline()
    if not first:
        return 0  # the tray ended before it said who it is: it held nothing yet
    hello = decode_hello(first)
    files = StateFiles(default_state_dir())
    log_setup.configure(files.directory, verbose=False)
    exit_request = ExitRequest()
    watch_signals(exit_request)  # SIGTERM, and SIGINT/SIGHUP sent to it alone
    aws = AwsSession(hello.config)
    executor = Executor(
        Pipeline(aws, hello.config), HoldStore(aws, hello.config), Judge(hello.holder), time.time
    )
    for service in ("dynamodb", "events"):  # made now, so that a release waits on AWS alone
        aws.client(service)
    watch = TrayWatch(pipe, exit_request)
    threading.Thread(target=watch.read, name="tray-pipe", daemon=True).start()
    exit_request.wait()
    if exit_request.reason == "signal" and not watch.closed.wait(TERM_GRACE_SECONDS):
        log.info("SIGTERM and no goodbye from tray %s", hello.tray_pid)
    if watch.bye:
        return 0
    return release(hello, watch.kept, executor, files, ended=watch.closed.is_set())


def release(hello: Hello, kept: Kept, executor: Executor, files: StateFiles, ended: bool) -> int:
    """The tray ended (or, on SIGTERM, stayed silent) without a goodbye: release what it kept,
    unless a new tray holds it now."""
    if not kept.keeps:
        return 0
    log.info("tray %s %s without a goodbye", hello.tray_pid, "ended" if ended else "is silent")
    lock = InstanceLock(role=GUARDIAN)
    # A tray still alive holds its lock: no new tray can start, and waiting would not help.
    taken = take_lock(lock, hello.tray_pid, LOCK_WAIT_SECONDS if ended else 0.0)
    if taken is None:
        log.info("a new tray runs and keeps this device's hold: nothing released")
        return 0
    log.info("the instance lock: %s", {True: "taken", False: "still the tray's"}[taken])
    try:
        return leave(hello, kept, executor, files)
    finally:
        if taken:
            lock.release()


def leave(hello: Hello, kept: Kept, executor: Executor, files: StateFiles) -> int:
    """Leave as Quit would, and write the history line, if the tray's hold is still there: a
    tray that released it in its last moments (its display's hook, Windows' log-off) and had
    no time to say so must not have its session recorded twice."""
    executor.judge = Judge(hello.holder, kept.skew)
    try:
        held = executor.store.read().held_by(hello.holder) is not None
    except AwsError as err:
        held = True  # unknown: the Leave below says whether AWS can be reached
        log.info("could not read the session first: %s", err)
    if not held:
        log.info("the tray's hold is gone already: nothing to release")
        return 0
    answer = executor.perform(Leave(hello.holder, REASON))
    if not isinstance(answer, Done):
        log.warning("could not release the ended tray's hold: %s", answer)
        _save(lambda: files.set_pending_stop(True))  # the next start does it first
        return 1
    log.info("released the hold of tray %s (rule on: %s)", hello.tray_pid, answer.rule_on)
    started = kept.started_at
    if started is not None:
        _save(lambda: files.record_session(started, answer.now, REASON, kept.invocations))
    return 0


def take_lock(lock: InstanceLock, tray_pid: int, wait: float) -> bool | None:
    """True: the lock is ours. False: the tray still holds it after `wait` s (it is alive but
    silent past the grace; no new tray can start meanwhile). None: a new tray holds it."""
    end = time.monotonic() + wait
    while True:
        try:
            lock.acquire()
        except AlreadyRunningError as err:
            if err.pid != str(tray_pid):
                return None
            if time.monotonic() >= end:
                return False
        else:
            return True
        time.sleep(RETRY_SECONDS)


def _save(write: Callable[[], object]) -> None:
    try:
        write()
    except OSError as err:  # a full disk must not keep the release from being logged
        log.warning("the guardian could not save: %s", err)


if __name__ == "__main__":
    sys.exit(main())
