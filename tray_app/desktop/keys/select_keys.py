"""Keys on POSIX: `select()` on the input, then every key that came."""

from __future__ import annotations

import os
import select
from typing import TextIO


class SelectKeys:
    """Reads `stream` (a terminal in cbreak mode, or a pipe) without blocking past a timeout;
    a byte written to `wake_fd` ends the wait early (the session changed: redraw)."""

    def __init__(self, stream: TextIO, wake_fd: int | None = None) -> None:
        self.stream = stream
        self.wake_fd = wake_fd
        self.wakes = wake_fd is not None

    def read_keys(self, timeout: float) -> str | None:
        """The keys typed; "" when none came in time; None at end of input.

        Read from the file descriptor itself: a buffered read(1) would take every key that came
        together into Python's buffer, and select() would not wake for the ones left there.
        """
        waits: list[TextIO | int] = [self.stream]
        if self.wake_fd is not None:
            waits.append(self.wake_fd)
        ready, _, _ = select.select(waits, [], [], timeout)
        if self.wake_fd in ready:
            os.read(self.wake_fd, 512)  # every poke so far: one redraw serves them all
        if self.stream not in ready:
            return ""
        chunk = os.read(self.stream.fileno(), 64)
        return chunk.decode(errors="ignore") if chunk else None  # empty: the input has ended
