"""The ports: what the core's surroundings must offer, as Protocols the other layers implement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from tray_app.core.state import Settings, State


class Notifier(Protocol):
    """Shows a message to the user without blocking."""

    def notify(
        self,
        title: str,
        message: str,
        kind: str | None = None,
        actions: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Show `message` under `title`; a newer one of the same `kind` replaces it; `actions`
        (key, button text) are offered where the desktop has buttons."""


class IdleMonitor(Protocol):
    """Reads how long the user has not touched keyboard or mouse."""

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None when it cannot be read."""


class SessionControls(Protocol):
    """What a view may ask of the running session (the app's runner offers it)."""

    settings: Settings

    @property
    def state(self) -> State:
        """The latest state."""

    def clock(self) -> float:
        """Now, as the session core sees it."""

    def toggle(self) -> None:
        """Start a session, or stop the one running."""

    def start_session(self, minutes: int | None = None) -> None:
        """Start (or join) a session."""

    def extend(self, minutes: int = 30) -> None:
        """Move this device's deadline later."""

    def invoke(self) -> None:
        """Run the function once now."""

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` on the AWS worker, after what is queued."""
