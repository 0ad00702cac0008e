"""Keys on POSIX: `select()` on the input, then every key that came."""

from __future__ import annotations

import os
import select
from typing import TextIO


class SelectKeys:
    """Reads `stream` (a terminal in cbreak mode, or a pipe) without blocking past a timeout."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def read_keys(self, timeout: float) -> str | None:
        """The keys typed; "" when none came in time; None at end of input.

        Read from the file descriptor itself: a buffered read(1) would take every key that came
        together into Python's buffer, and select() would not wake for the ones left there.
        """
        ready, _, _ = select.select([self.stream], [], [], timeout)
        if not ready:
            return ""
        chunk = os.read(self.stream.fileno(), 64)
        return chunk.decode(errors="ignore") if chunk else None  # empty: the input has ended
