"""Output to a terminal that may go away under us: a closed window or a dropped ssh session
turns every write into EIO (or EPIPE for a pipe). The panel, the notifications it prints and
the goodbye lines must never fail on that: the stop still has to happen."""

from __future__ import annotations

import io
import logging
from typing import TextIO

log = logging.getLogger(__name__)


class TerminalOutput(io.TextIOBase):
    """Writes to `stream` until it fails once; from then on drops what it is given."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        """Write `text`, or drop it when the terminal has gone away."""
        if not self.gone:
            try:
                self.stream.write(text)
            except (OSError, ValueError) as err:  # ValueError: the stream was closed
                self._lost(err)
        return len(text)

    def flush(self) -> None:
        """Flush, or do nothing when the terminal has gone away."""
        if not self.gone:
            try:
                self.stream.flush()
            except (OSError, ValueError) as err:
                self._lost(err)

    def isatty(self) -> bool:
        """Whether the stream is (still) a terminal."""
        return not self.gone and self.stream.isatty()

    def _lost(self, err: Exception) -> None:
        self.gone = True
        log.info("the terminal went away (%s): its output is dropped from now on", err)
