"""Work that must finish before the session loop may start (the demo deploys its stack), run on
a thread of its own while the view already shows a notice, so the app is visible at once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Preparation:
    """Runs `work` once, then `ready()`; a failure goes to `failed(message)` instead."""

    def __init__(self, work: Callable[[], None], notice: str) -> None:
        self._work = work
        self._notice: str | None = notice
        self._ready: Callable[[], None] = lambda: None
        self._failed: Callable[[str], None] = lambda _message: None
        self._thread = threading.Thread(target=self._run, name="prepare", daemon=True)

    @property
    def notice(self) -> str | None:
        """What the view shows meanwhile; None once the work is done."""
        return self._notice

    def start(self, ready: Callable[[], None], failed: Callable[[str], None]) -> None:
        """Begin the work in the background; then call `ready()`, or `failed(message)`."""
        self._ready, self._failed = ready, failed
        self._thread.start()

    def _run(self) -> None:
        try:
            self._work()
        except Exception as err:  # a thread's top: say what failed, never vanish
            log.exception("preparation failed")
            self._failed(str(err) or type(err).__name__)
            return
        self._notice = None
        self._ready()
