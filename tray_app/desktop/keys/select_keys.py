"""Keys on POSIX: `select()` on the input, then one character."""

from __future__ import annotations

import select
from typing import TextIO


class SelectKeys:
    """Reads `stream` (a terminal in cbreak mode, or a pipe) without blocking past a timeout."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def read_key(self, timeout: float) -> str | None:
        """The next key; "" when none came in time; None at end of input."""
        ready, _, _ = select.select([self.stream], [], [], timeout)
        if not ready:
            return ""
        return self.stream.read(1) or None  # readable and empty: the input has ended
