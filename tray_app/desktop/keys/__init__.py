"""Single keys from the terminal panel's input, per platform; `choose()` picks the reader.

`select()` on stdin works on POSIX only (Windows allows it on sockets alone), so Windows reads
its console through msvcrt, and a redirected stdin on Windows through a reader thread.
"""

from __future__ import annotations

import sys
from typing import Protocol, TextIO


class KeyReader(Protocol):
    """Waits a little for the next keys; `wakes`: a poke ends the wait early, so the panel may
    wait long (POSIX), else it must look again every quarter second (Windows)."""

    wakes: bool

    def read_keys(self, timeout: float) -> str | None:
        """The keys typed (one or more); "" when none came within `timeout` seconds; None once
        input has ended."""


def choose(stream: TextIO, platform: str | None = None, wake_fd: int | None = None) -> KeyReader:
    """The reader for `stream` on `platform` (default: this one); on POSIX a byte on `wake_fd`
    ends its wait early."""
    if (platform or sys.platform) != "win32":
        from tray_app.desktop.keys.select_keys import SelectKeys  # noqa: PLC0415

        return SelectKeys(stream, wake_fd)
    if stream.isatty():
        from tray_app.desktop.keys.windows_console import ConsoleKeys  # noqa: PLC0415

        return ConsoleKeys()
    # A pipe or a file: msvcrt sees only the console, so a thread waits on the stream.
    from tray_app.desktop.keys.reader_thread import ThreadKeys  # noqa: PLC0415

    return ThreadKeys(stream)
