"""Keys from the Windows console through msvcrt: `kbhit()` polled, `getwch()` to read one."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Protocol, cast

POLL_SECONDS = 0.02  # a key shows within 20 ms; the loop costs nothing measurable
SPECIAL = ("\x00", "\xe0")  # getwch's prefix of an arrow or function key; its code follows


class Console(Protocol):
    """The two msvcrt functions used here."""

    def kbhit(self) -> bool:
        """Whether a key is waiting."""

    def getwch(self) -> str:
        """The waiting key, without echo and without Enter."""


class ConsoleKeys:
    """Reads single keys from this process's console (Windows only; `console` stands in for
    msvcrt in tests)."""

    wakes = False  # polls: the panel looks again every quarter second

    def __init__(
        self,
        console: Console | None = None,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        # msvcrt exists only on Windows; imported here so the module loads everywhere.
        self._console = console or cast(Console, importlib.import_module("msvcrt"))
        self._clock, self._pause = clock, pause

    def read_keys(self, timeout: float) -> str | None:
        """The next key; "" when none came in time. A console never ends, so never None."""
        deadline = self._clock() + timeout
        while not self._console.kbhit():
            left = deadline - self._clock()
            if left <= 0:
                return ""
            self._pause(min(POLL_SECONDS, left))
        key = self._console.getwch()
        if key in SPECIAL:
            self._console.getwch()  # the arrow's or F-key's code: no panel key is one
            return ""
        return key
