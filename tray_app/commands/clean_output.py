"""The CLI's stdout and stderr, with what other devices wrote made harmless on the way out.

Names, errors and records from AWS reach the terminal by many routes (status, latest, the
terminal panel and its goodbye line, the notifications it echoes): cleaning each stream once
here covers all of them. Controls, escape sequences and bidi overrides are removed; newlines and
tabs are the app's own and stay. JSON output is unchanged by it: json.dumps escapes them all.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import TextIO, cast

from tray_app.core.bounded import clean_lines


class CleanOutput(io.TextIOBase):
    """Writes to `stream` what it is given, without controls, escapes or bidi overrides."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        """Write `text` cleaned; returns the length given (what print expects)."""
        self.stream.write(clean_lines(text))
        return len(text)

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Whether the stream is a terminal."""
        return self.stream.isatty()

    def fileno(self) -> int:
        """The stream's descriptor (the closed-pipe handling points it at devnull)."""
        return self.stream.fileno()


def cleaned(stream: TextIO) -> TextIO:
    """`stream` behind a CleanOutput (once: an already cleaned stream is returned as it is)."""
    return stream if isinstance(stream, CleanOutput) else cast(TextIO, CleanOutput(stream))


@contextlib.contextmanager
def cleaned_stderr() -> Iterator[None]:
    """sys.stderr cleaned while the command runs (its error lines quote AWS's answers)."""
    if sys.stderr is None:  # pythonw: nothing to clean
        yield
        return
    saved = sys.stderr
    sys.stderr = cleaned(saved)
    try:
        yield
    finally:
        sys.stderr = saved
