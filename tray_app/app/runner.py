"""The loop that feeds the session core: ticks, the idle reading, AWS on a worker, actions out.

Two threads. The loop thread owns the state: it takes events from one queue (clicks, results,
signals), adds a Tick every `tick_seconds`, steps the core and hands out its actions. The worker
thread performs AWS actions one at a time, in order, and posts their outcome back as events, so
no click and no tick ever waits on the network.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from tray_app.app.state_files import StateFiles
from tray_app.core.events import (
    AWS_ACTIONS,
    Action,
    AwsAction,
    Done,
    Event,
    ExtendRequested,
    InvokeRequested,
    Leave,
    Notify,
    PendingStopFound,
    RecordSession,
    SavePendingStop,
    ShutdownTimedOut,
    StartRequested,
    StopRequested,
    Tick,
    Toggle,
    Unexpected,
)
from tray_app.core.machine import Phase, Settings, State, settled, step
from tray_app.core.machine import next_tick as next_tick_delay
from tray_app.core.ports import IdleMonitor, Notifier

log = logging.getLogger(__name__)
RESCUED = {
    True: "it released this device's hold (the pipeline is off unless another device holds it) "
    "and is quitting",
    False: "it could not reach AWS to switch the pipeline off: the next start does it first "
    "(and the function at the session deadline). Quitting",
}


class Runner:
    """Runs one tray's session until shutdown()."""

    def __init__(
        self,
        perform: Callable[[AwsAction], Event],
        *,
        settings: Settings,
        notifier: Notifier,
        idle: IdleMonitor | None,
        files: StateFiles,
        clock: Callable[[], float] = time.time,
        tick_seconds: float = 1.0,
        on_state: Callable[[State], None] = lambda _state: None,
        on_failure: Callable[[str], None] = lambda _why: None,
    ) -> None:
        self._perform = perform
        self.settings = settings
        self.notifier = notifier
        self._idle = idle
        self._files = files
        self.clock = clock
        self._tick_seconds = tick_seconds
        self._on_state = on_state
        self._on_failure = on_failure
        self.failed: str | None = None  # why a thread died, once one has
        self._rescued = False
        self._idle_error: str | None = None  # the idle reading's last error, logged once
        self._events: queue.Queue[Event | None] = queue.Queue()
        self._work: queue.Queue[AwsAction | Callable[[], None] | None] = queue.Queue()
        self._state = State()
        self._changed = threading.Condition()
        self._threads = [
            threading.Thread(target=self._guarded(self._loop), name="session-loop", daemon=True),
            threading.Thread(target=self._guarded(self._work_loop), name="aws-worker", daemon=True),
        ]

    @property
    def state(self) -> State:
        """The latest state (a frozen value: safe to read from any thread)."""
        with self._changed:
            return self._state

    def start(self) -> None:
        """Start both threads; a stop left pending by the last run is applied first (queued
        before the first tick, so no poll's answer can come before it)."""
        if self._files.pending_stop():
            self.post(PendingStopFound(self.clock()))
        for thread in self._threads:
            thread.start()

    def post(self, event: Event) -> None:
        """Queue an event for the core (any thread)."""
        self._events.put(event)

    def toggle(self) -> None:
        """Start a session when off, stop it when on."""
        self.post(Toggle(self.clock()))

    def start_session(self, minutes: int | None = None) -> None:
        """Start a session (None: the configured length)."""
        self.post(StartRequested(self.clock(), minutes))

    def extend(self, minutes: int = 30) -> None:
        """Push the session's end back."""
        self.post(ExtendRequested(self.clock(), minutes))

    def invoke(self) -> None:
        """Run the function now; the result arrives as a notification."""
        self.post(InvokeRequested(self.clock()))

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` on the AWS worker, after the actions already queued."""
        self._work.put(job)

    def wait_for(self, condition: Callable[[State], bool], timeout: float) -> bool:
        """Block until `condition(state)` holds or `timeout` seconds pass; True if it held."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self._state), timeout)

    def stop_and_wait(self, reason: str, timeout: float = 10.0) -> bool:
        """Release this client's hold (the rule goes off if it was the last) and wait at most
        `timeout` s; True once nothing of ours keeps the rule on."""
        self.post(StopRequested(self.clock(), reason))
        return self.wait_for(settled, timeout)

    def shutdown(self, reason: str, timeout: float = 10.0) -> bool:
        """Stop the session like stop_and_wait, then end both threads.

        If the stop is not confirmed in time, the core has the pending stop saved for the next
        run (the loop handles that event before the end marker that follows it).
        """
        if self.failed is not None:  # the loop died: its rescue already did what it could
            return self._rescued
        confirmed = self.stop_and_wait(reason, timeout)
        if not confirmed:
            self.post(ShutdownTimedOut(self.clock()))
        self._events.put(None)
        self._work.put(None)
        for thread in self._threads:
            if thread.ident is not None:  # never started (a demo that failed to deploy)
                thread.join(timeout=2)
        return confirmed

    def _guarded(self, body: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                body()
            except Exception as err:  # a thread's top: log it, rescue the rule, tell the user
                log.exception("pipeline-tray thread %s died", threading.current_thread().name)
                self._rescue(f"{type(err).__name__}: {err}")

        return run

    def _rescue(self, why: str) -> None:
        """A thread died: nothing of ours would switch the rule off any more. Save a pending
        stop, release our hold (the rule goes off if it was the only live one), say so once,
        and have the app exit non-zero."""
        with self._changed:
            if self.failed is not None:
                return  # the other thread's rescue runs
            self.failed = why
            self._changed.notify_all()
        self._save(lambda: self._files.set_pending_stop(True), "the pending stop")
        try:
            answer: Event | None = self._perform(Leave(self.settings.holder, "failure"))
        except Exception:  # still the dying thread's top guard: the worker may be what broke
            log.exception("the rescue could not release the hold")
            answer = None
        self._rescued = isinstance(answer, Done)
        if self._rescued:
            self._save(lambda: self._files.set_pending_stop(False), "the pending stop")
        self.notifier.notify(
            "pipeline-tray stopped working",
            f"{why} — {RESCUED[self._rescued]}",
        )
        self._on_failure(why)

    def _loop(self) -> None:
        next_tick = self.clock()
        while True:
            wait = max(0.0, next_tick - self.clock())
            try:
                event = self._events.get(timeout=wait)
            except queue.Empty:
                # Idle time only matters during a session: no X round trip otherwise.
                on = self.state.phase is Phase.ON
                event = Tick(self.clock(), self._idle_seconds() if on else None)
            if event is None:
                return
            self._apply(event)
            # The core says when the next tick can matter; an idle tray sleeps until its poll.
            now = self.clock()
            next_tick = now + next_tick_delay(self.state, self.settings, now, self._tick_seconds)

    def _idle_seconds(self) -> float | None:
        if self._idle is None:
            return None
        try:
            seconds = self._idle.idle_seconds()
        except OSError as err:  # the display went away: no idle reading, the timer still works
            if str(err) != self._idle_error:  # said once, not at every tick
                log.warning("idle time unavailable: %s", err)
                self.notifier.notify(
                    "Idle auto-off stopped working",
                    f"{err}. The session's timer still applies.",
                    "idle-lost",
                )
            self._idle_error = str(err)
            return None
        self._idle_error = None
        return seconds

    def _apply(self, event: Event) -> None:
        state, actions = step(self._state, event, self.settings)  # only this thread writes it
        for action in actions:
            self._dispatch(action)
        with self._changed:
            # Published once its actions ran: who waits for `settled` (the Windows end-session
            # hook, after which the OS ends the process) finds the history already saved.
            self._state = state
            self._changed.notify_all()
        self._on_state(state)

    def _dispatch(self, action: Action) -> None:
        if isinstance(action, AWS_ACTIONS):
            self._work.put(action)
        elif isinstance(action, Unexpected):
            log.warning("unexpected in the session core: %s; re-reading AWS", action.what)
        elif isinstance(action, Notify):
            self.notifier.notify(action.title, action.message, action.kind or None, action.actions)
        elif isinstance(action, SavePendingStop):
            self._save(lambda: self._files.set_pending_stop(action.pending), "the pending stop")
        elif isinstance(action, RecordSession):
            self._save(
                lambda: self._files.record_session(
                    action.started_at, action.ended_at, action.reason, action.invocations
                ),
                "the session history",
            )

    def _save(self, write: Callable[[], Any], what: str) -> None:
        try:
            write()
        except OSError as err:
            self.notifier.notify("pipeline-tray could not save", f"{what}: {err}")

    def _work_loop(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            if isinstance(item, AWS_ACTIONS):
                self.post(self._perform(item))
            else:
                item()
