"""AWS as the runner sees it (one function from action to outcome), answering like a working
AWS, or failing or hanging where a test says."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tray_app.core.events import (
    AwsAction,
    Disable,
    Done,
    EndAll,
    Event,
    Failed,
    Join,
    Leave,
    Poll,
    Polled,
)
from tray_app.core.holds import Shared


class FakeAws:
    """Answers actions like a working AWS, or fails the ones named in `failing`."""

    def __init__(
        self,
        failing: tuple[type, ...] = (),
        hanging: threading.Event | None = None,
        clock: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self.clock = clock  # stamps the outcomes, as the executor does with the app's clock
        self.failing = failing
        self.hanging = hanging
        self.enabled = False
        self.shared = Shared()
        self.calls: list[str] = []

    def __call__(self, action: AwsAction) -> Event:
        self.calls.append(type(action).__name__)
        if self.hanging is not None and isinstance(action, Leave | Disable):
            self.hanging.wait(10)  # a network that neither answers nor fails
        if isinstance(action, self.failing):
            return Failed(self.clock(), action, "cannot reach AWS")
        if isinstance(action, Poll):
            shared = self.shared if self.enabled else None
            return Polled(self.clock(), self.enabled, shared, request=action.request)
        if isinstance(action, Join):
            self.enabled = True
            self.shared = Shared((action.hold,), self.shared.version + 1)
        if isinstance(action, Leave | EndAll | Disable):
            self.enabled = False
            self.shared = Shared((), self.shared.version + 1)
        return Done(self.clock(), action, shared=self.shared, rule_on=self.enabled)
