"""A notifier that keeps what it was asked to show: the runner's and the facts' stand-in."""

from __future__ import annotations

import threading
from collections.abc import Sequence


class Notes:
    """Records each notification: (title, message) in `seen`, (kind, actions) in `kinds`."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.kinds: list[tuple[str | None, tuple[tuple[str, str], ...]]] = []
        self.lock = threading.Lock()
        self.closed: list[float] = []

    def notify(
        self,
        title: str,
        message: str,
        kind: str | None = None,
        actions: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Record it (from any thread)."""
        with self.lock:
            self.seen.append((title, message))
            self.kinds.append((kind, tuple(actions)))

    @property
    def titles(self) -> list[str]:
        """The titles, in order."""
        with self.lock:
            return [title for title, _ in self.seen]

    def close(self, timeout: float = 3.0) -> None:
        """Record that it was closed (what the app does at exit)."""
        with self.lock:
            self.closed.append(timeout)
