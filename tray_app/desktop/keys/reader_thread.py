"""Keys from a stream nothing can wait on with a timeout (a pipe on Windows): a thread reads."""

from __future__ import annotations

import queue
import threading
from typing import TextIO

END = None  # what the thread queues when the input has ended


class ThreadKeys:
    """A daemon thread reads `stream` one character at a time into a queue.

    The thread blocks in `read` for as long as the input stays open; being a daemon it does not
    keep the process alive, and nothing else reads this stream once the panel has stopped.
    """

    wakes = False  # polls: the panel looks again every quarter second

    def __init__(self, stream: TextIO) -> None:
        self._keys: queue.Queue[str | None] = queue.Queue()
        self._ended = False
        threading.Thread(target=self._read, args=(stream,), name="panel-keys", daemon=True).start()

    def read_keys(self, timeout: float) -> str | None:
        """The next key; "" when none came in time; None at end of input."""
        if self._ended:
            return None
        try:
            key = self._keys.get(timeout=timeout)
        except queue.Empty:
            return ""
        self._ended = key is END
        return key

    def _read(self, stream: TextIO) -> None:
        try:
            while key := stream.read(1):
                self._keys.put(key)
        except (OSError, ValueError):
            pass  # a stream closed under us ends the input like EOF does
        self._keys.put(END)
