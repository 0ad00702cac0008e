"""The tray's life: start the loop and its hooks, serve the icon (or the terminal panel when no
icon can show), and on quit, a signal, sleep or a dying loop stop the session once, deliver the
last notification, and exit. It owns the exit request; the app it runs is described by
`LifecycleApp`, so this module needs nothing of `tray_command`."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol, TextIO

from tray_app.app.preparation import Preparation
from tray_app.app.runner import Runner
from tray_app.commands.exit_request import ExitRequest, watch_signals
from tray_app.commands.tray_actions import TrayActions
from tray_app.core import holds, status_text
from tray_app.core.machine import Phase, settled
from tray_app.core.ports import IdleMonitor
from tray_app.desktop import power
from tray_app.desktop.notifiers.forwarding import EchoNotifier, SwitchNotifier
from tray_app.desktop.terminal_panel import TerminalPanel
from tray_app.desktop.tray_view import TrayView

log = logging.getLogger(__name__)
SHUTDOWN_SECONDS = 10.0
EXIT_GRACE_SECONDS = 5.0  # how long the icon may take to go away once the session is stopped
NOTIFY_SECONDS = 2.0  # how long the last notification may take to be delivered at exit


class LifecycleApp(Protocol):
    """What the lifecycle runs: the tray app's loop, view, notifier and exit request."""

    out: TextIO
    inp: TextIO
    runner: Runner
    view: TrayView | None
    notifier: SwitchNotifier
    actions: TrayActions
    monitor: IdleMonitor | None
    idle_reason: str  # why there is no monitor, when there is none
    exit: ExitRequest
    prepare: Preparation | None
    panel_changed: Callable[[], None]

    def prepared(self) -> None:
        """The preparation is done: start the session loop."""

    def preparation_failed(self, message: str) -> None:
        """The preparation failed: say why and quit."""

    def stopped(self) -> None:
        """The session is stopped, or its stop saved: the exit is a clean one from here."""

    def panel_notifier(self) -> EchoNotifier:
        """The terminal panel's notifier."""

    def notice(self) -> str | None:
        """What the view shows while the preparation runs."""


class TrayLifecycle:
    """Runs one app from start to its one shutdown."""

    def __init__(self, app: LifecycleApp) -> None:
        self.app = app
        self._power = power.PowerHooks(
            stop=lambda why: app.runner.stop_and_wait(why, SHUTDOWN_SECONDS),
            end=lambda why: app.runner.shutdown(why, SHUTDOWN_SECONDS),
            quit_app=lambda: app.exit.request("quit"),
        )
        self._watcher: threading.Thread | None = None

    def run(self) -> int:
        """Serve the view until quit or a signal; returns 0 when the rule is known off."""
        app = self.app
        self._power.start()
        watch_signals(app.exit)
        if app.prepare is None:
            app.runner.start()
        else:
            app.prepare.start(app.prepared, app.preparation_failed)
        if app.view is None:
            return self._serve_panel(failed_icon=False)
        try:
            app.view.run(setup=self._icon_ready)  # GTK's loop: the main thread stays here
        except OSError as err:
            if self._watcher is None:  # the icon never showed: a failed start
                return self._fall_back(err)
            # It showed, so this came after: e.g. notification-daemon answering pystray's
            # closing CloseNotification(0) with InvalidId. Quitting goes on as usual.
            log.info("the tray's toolkit reported an error after the icon showed: %s", err)
        if self._watcher is not None:
            self._watcher.join(timeout=SHUTDOWN_SECONDS + 5)
        return app.exit.exit_code

    def _fall_back(self, err: OSError) -> int:
        """The icon could not start: serve the same loop in the terminal panel."""
        app = self.app
        print(f"the tray could not start ({err}): showing the terminal panel", file=app.out)
        app.out.flush()
        app.view = None
        app.notifier.use(app.panel_notifier())  # the runner and the facts alike
        return self._serve_panel(failed_icon=True)

    def _serve_panel(self, failed_icon: bool) -> int:
        """The terminal panel until quit; then the session is stopped."""
        app = self.app
        panel = TerminalPanel(
            app.runner,
            app.inp,
            app.out,
            app.monitor is not None,
            on_action=app.actions.perform,
            notice=app.notice,
            idle_reason=app.idle_reason,
        )
        app.panel_changed = panel.poke

        def poke_at_exit() -> None:  # an exit asked for (a signal, a failure) wakes it at once
            app.exit.wait()
            panel.poke()

        threading.Thread(target=poke_at_exit, name="panel-exit", daemon=True).start()
        reason = panel.run(app.exit)
        app.exit.request(reason)  # a no-op when a signal or a failure asked first
        self._shut_down()
        if failed_icon:
            # pystray started its (non-daemon) setup thread before the backend failed; it waits
            # for a loop that never ran and would keep the process alive. The rule is off.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(app.exit.exit_code)
        return app.exit.exit_code

    def _icon_ready(self, icon: object) -> None:
        """pystray's setup callback: the icon's loop runs; start watching for quit."""
        self._power.icon_ready(icon)
        self._watcher = threading.Thread(
            target=self._quit_when_told, name="quit-watcher", daemon=True
        )
        self._watcher.start()

    def _quit_when_told(self) -> None:
        app = self.app
        app.exit.wait()
        self._shut_down()
        # The rule is off (or the pending stop is saved): nothing is lost by a hard exit, and
        # GTK can fail to leave its loop, e.g. when the X display went away under it.
        watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(app.exit.exit_code,))
        watchdog.daemon = True
        watchdog.start()
        assert app.view is not None
        app.view.stop()

    def _shut_down(self) -> None:
        app = self.app
        self._power.stop()
        if not settled(app.runner.state):
            print("stopping the session before exit…", file=app.out, flush=True)
        confirmed = app.runner.shutdown(app.exit.reason, timeout=SHUTDOWN_SECONDS)
        app.stopped()
        app.notifier.close(timeout=NOTIFY_SECONDS)  # "Study session ended" must get out
        if not confirmed:
            app.exit.request(app.exit.reason, exit_code=1)
            print(
                "could not confirm the rule is off: it will be switched off at the next start "
                "(and by the function at the session deadline)",
                file=app.out,
                flush=True,
            )
            return
        state, now = app.runner.state, time.time()
        others = holds.others(state.shared, now, app.runner.settings.judge)
        if state.phase is Phase.ON and others:
            print(
                f"left the study session; it stays on for {status_text.names(others)} — bye",
                file=app.out,
                flush=True,
            )
        else:
            print("pipeline off — bye", file=app.out, flush=True)
