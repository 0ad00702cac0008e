"""Hold prepared writes at the wire until the session guard has decided.

A scheduled run must read the session item before it may write, and that read is a round trip.
botocore does the client's share of a write (serialize, resolve the endpoint, sign, checksum)
before it emits `before-send`; a handler there that waits for the guard lets that work overlap
the read, and a handler that raises keeps the request from ever leaving the process. So
"nothing is written when no hold is live" holds by construction: a closed gate sends nothing.

The writes are started only once the read is about to leave (its own `before-send`): started
earlier, their threads took the GIL from the read while it was still being built and sent, and
the read went out later by the whole preparation.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

# The writes the handler prepares ahead of the guard's decision (botocore's event names).
GATED_EVENTS = ("before-send.s3.PutObject", "before-send.dynamodb.PutItem")
READ_LEAVING = "before-send.dynamodb.GetItem"  # the guard's read, about to be sent
WAIT_SECONDS = 30.0  # a gate nobody decides must not hold a thread for the whole function run

# Per thread: the gate of the call running on it, and what to start when its read leaves.
_current = threading.local()


class NotSentError(RuntimeError):
    """The guard decided against writing: the prepared request was dropped unsent."""


class Gate:
    """One decision, taken once: open (send the held requests) or closed (drop them)."""

    def __init__(self) -> None:
        self._decided = threading.Event()
        self._open = False

    def open(self) -> None:
        """Let the held requests go."""
        if not self._decided.is_set():
            self._open = True
            self._decided.set()

    def close(self) -> None:
        """Drop the held requests (no effect once opened)."""
        self._decided.set()

    def wait(self) -> bool:
        """Block until decided; True when the requests may be sent."""
        return self._decided.wait(WAIT_SECONDS) and self._open


def hold_back(client: Any) -> bool:  # noqa: ANN401 - a boto3 client
    """Make `client` wait at the gate of the calling thread's gated call (others pass);
    False when it has no botocore events to wait in (a stand-in)."""
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is None or not hasattr(events, "register_first"):
        return False
    for event in GATED_EVENTS:
        # register_first: the most specific handler runs before any generic `before-send`
        # handler (an emulator's in-process stub), so nothing is answered before the gate.
        events.register_first(event, _wait_at_gate, unique_id=f"gate:{event}")
    events.register(READ_LEAVING, _read_leaving, unique_id="gate:read-leaving")
    return True


@contextlib.contextmanager
def when_read_leaves(start: Callable[[], None] | None) -> Iterator[None]:
    """Call `start` once, when this thread's session read in the block is about to be sent;
    the caller starts it after the block when the read never left (it failed before)."""
    _current.on_read = start
    try:
        yield
    finally:
        _current.on_read = None


def call_through(gate: Gate, held_back: bool, call: Any, **params: Any) -> Any:  # noqa: ANN401
    """Make `call(**params)` on this thread, its request held at `gate` before it is sent
    (`held_back`: the client waits on the wire; otherwise the call waits before it starts)."""
    if not held_back and not gate.wait():
        raise NotSentError("the session guard decided against writing")
    _current.gate = gate
    try:
        return call(**params)
    finally:
        _current.gate = None


def _read_leaving(**_: Any) -> None:  # noqa: ANN401 - botocore's event arguments
    start: Callable[[], None] | None = getattr(_current, "on_read", None)
    if start is not None:
        _current.on_read = None  # once: a retried read must not start the writes again
        start()


def _wait_at_gate(request: Any = None, **_: Any) -> None:  # noqa: ANN401 - botocore's request
    gate: Gate | None = getattr(_current, "gate", None)
    if gate is not None and not gate.wait():
        raise NotSentError("the session guard decided against writing")
