"""Idle seconds from a compositor that pushes "idle" and "resumed" instead of answering a query."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class PushedIdle:
    """What the compositor last said, turned into seconds since the last input.

    The compositor says "idle" once the seat has had no input for `timeout` seconds, so the idle
    time is that timeout plus the time since it said so; before, it is under the timeout, and 0
    is close enough: the timeout is a few seconds, far below any limit the core checks.
    """

    def __init__(self, timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()  # the reader thread writes, the session loop reads
        self._idled_at: float | None = None
        self._gone: str | None = None

    def idled(self) -> None:
        """The compositor says the seat has been idle for the timeout."""
        with self._lock:
            self._idled_at = self._clock()

    def resumed(self) -> None:
        """The compositor says there was input again."""
        with self._lock:
            self._idled_at = None

    def gone(self, reason: str) -> None:
        """The connection is lost: readings fail from now on, with `reason`."""
        with self._lock:
            self._gone = reason

    def idle_seconds(self) -> float | None:
        """Seconds since the last input; OSError once the compositor is gone."""
        with self._lock:
            if self._gone is not None:
                raise OSError(self._gone)
            if self._idled_at is None:
                return 0.0
            return self.timeout + (self._clock() - self._idled_at)
