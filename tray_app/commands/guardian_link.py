"""The tray's side of its guardian (guardian_process.py): start it, tell it what the tray keeps
whenever that changes, and say goodbye on a clean exit. A guardian that cannot start or that
died costs the tray nothing but the release after an abnormal end: it is logged, never shown."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading

from tray_app.commands.guardian_protocol import BYE, Hello, Kept, encode_hello, encode_kept
from tray_app.core.resolved_config import Config

log = logging.getLogger(__name__)
MODULE = "tray_app.commands.guardian_process"


class GuardianLink:
    """The pipe to one running guardian."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self._last: Kept | None = None
        self._lock = threading.Lock()  # the session loop reports, the quit path says goodbye

    @classmethod
    def start(cls, config: Config, holder: str) -> GuardianLink | None:
        """Start this tray's guardian; None (logged) when it cannot start."""
        # Its own session (POSIX) or process group (Windows): a terminal's Ctrl-C or hang-up
        # reaches the tray, which says goodbye or ends; the guardian follows the pipe alone.
        flags = 0
        if sys.platform == "win32":
            flags = subprocess.CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP
        try:
            proc = subprocess.Popen(  # noqa: S603 - this interpreter and a module of ours
                [sys.executable, "-m", MODULE],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=sys.platform != "win32",
                creationflags=flags,
            )
        except OSError as err:
            log.warning("the guardian could not start (%s): a killed tray keeps its hold", err)
            return None
        link = cls(proc)
        link._send(encode_hello(Hello(config, holder, os.getpid())))
        return link

    def report(self, kept: Kept) -> None:
        """Tell the guardian what the tray keeps now (only when that changed)."""
        with self._lock:
            if kept == self._last:
                return
            self._last = kept
        self._send(encode_kept(kept))

    def goodbye(self) -> None:
        """The tray exits cleanly: the guardian has nothing to do and ends."""
        self._send(BYE)
        with self._lock:
            pipe = self.proc.stdin
            if pipe is not None:
                with contextlib.suppress(OSError):  # it died: nothing left to flush to
                    pipe.close()

    def _send(self, line: bytes) -> None:
        with self._lock:
            pipe = self.proc.stdin
            if pipe is None or pipe.closed:
                return
            try:
                pipe.write(line)
                pipe.flush()
            except OSError as err:  # it died (killed itself, say): the tray goes on without it
                log.warning("the guardian is gone (%s): a killed tray keeps its hold", err)
                with contextlib.suppress(OSError):
                    pipe.close()
