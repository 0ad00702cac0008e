"""`pipeline-tray tray`: the session loop with its view (icon or terminal panel) until quit."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import webbrowser
from dataclasses import replace
from types import FrameType
from typing import TextIO

from tray_app import APP_NAME
from tray_app.app.device import tray_identity
from tray_app.app.executor import Executor
from tray_app.app.facts import TrayFacts, saved_length
from tray_app.app.preparation import Preparation
from tray_app.app.runner import Runner
from tray_app.app.state_files import StateFiles, default_state_dir
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.core import holds, session_length, status_text
from tray_app.core.errors import AwsError
from tray_app.core.machine import Phase, Settings, State, settled
from tray_app.core.menu_model import Facts
from tray_app.core.resolved_config import Config
from tray_app.desktop import idle, power
from tray_app.desktop.instance_lock import InstanceLock
from tray_app.desktop.notifiers.facade import DesktopNotifier, EchoNotifier
from tray_app.desktop.probe import desktop_notifier, tray_view
from tray_app.desktop.terminal_panel import TerminalPanel

log = logging.getLogger(__name__)
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")
SHUTDOWN_SECONDS = 10.0
EXIT_GRACE_SECONDS = 5.0  # how long the icon may take to go away once the session is stopped


def run(
    config: Config,
    out: TextIO,
    terminal: bool,
    inp: TextIO | None = None,
    prepare: Preparation | None = None,
) -> int:
    """Run the tray until quit; the session is stopped first. With `prepare`, the view shows
    its notice at once and the session loop starts only once its work is done."""
    lock = InstanceLock()
    lock.acquire()
    try:
        return TrayApp(config, out, inp or sys.stdin, terminal, prepare).run()
    finally:
        lock.release()


class TrayApp:
    """Wires one session loop to its view; every callback goes through this object."""

    def __init__(
        self,
        config: Config,
        out: TextIO,
        inp: TextIO,
        terminal: bool,
        prepare: Preparation | None = None,
    ) -> None:
        self.config, self.out, self.inp = config, out, inp
        self.prepare = prepare
        aws = AwsSession(config)
        self.pipeline = Pipeline(aws, config)
        self.files = StateFiles(default_state_dir())
        self.monitor = idle.choose()
        self.view = None if terminal else tray_view(self._facts, self.act, out)
        me = tray_identity(self.files.directory, config.device_name)
        settings = Settings(
            session_minutes=session_length.session_minutes(
                config.session_minutes,
                config.origin.get("session_minutes", "default"),
                saved_length(self.files),
            ),
            idle_minutes=config.idle_minutes,
            poll_seconds=config.poll_seconds,
            holder=me.holder,
            name=me.name,
            skew_seconds=config.clock_skew_seconds,
        )
        executor = Executor(self.pipeline, HoldStore(aws, config), settings.judge, time.time)
        notifier = DesktopNotifier() if self.view else EchoNotifier(out, desktop_notifier())
        # A button clicked on a notification ("Extend +30 min") is the same as its menu item.
        notifier.on_action(self.act)
        self.runner = Runner(
            executor.perform,
            settings=settings,
            notifier=notifier,
            idle=self.monitor,
            files=self.files,
            on_state=self._on_state,
        )
        self.facts = TrayFacts(
            config,
            region=aws.region,
            runner=self.runner,
            pipeline=self.pipeline,
            files=self.files,
            idle_available=self.monitor is not None,
            on_change=self._refresh,
            notifier=self.runner.notifier,
        )
        self.stop = threading.Event()
        self.reason = "signal"
        self.exit_code = 0
        self._hooks: list[power.Hook] = []
        self._watcher: threading.Thread | None = None

    def run(self) -> int:
        """Serve the view until quit or a signal; returns 0 when the rule is known off."""
        hooks = power.start_hooks(
            before=lambda why: self.runner.stop_and_wait(why, SHUTDOWN_SECONDS)
        )
        _install_signal_handlers(self.stop)
        if self.prepare is None:
            self.runner.start()
        else:
            self.prepare.start(self.prepared, self.preparation_failed)
        if self.view is not None:
            self._hooks = hooks
            try:
                self.view.run(setup=self._icon_ready)  # GTK's loop: the main thread stays here
            except OSError as err:
                if self._watcher is None:  # the icon never showed: a failed start
                    return self._fall_back(err, hooks)
                # It showed, so this came after: e.g. notification-daemon answering pystray's
                # closing CloseNotification(0) with InvalidId. Quitting goes on as usual.
                log.info("the tray's toolkit reported an error after the icon showed: %s", err)
            if self._watcher is not None:
                self._watcher.join(timeout=SHUTDOWN_SECONDS + 5)
            return self.exit_code
        return self._serve_panel(hooks, failed_icon=False)

    def _fall_back(self, err: OSError, hooks: list[power.Hook]) -> int:
        """The icon could not start: serve the same loop in the terminal panel."""
        print(
            f"the tray could not start ({err}): showing the terminal panel",
            file=self.out,
            flush=True,
        )
        self.view = None
        notifier = EchoNotifier(self.out, desktop_notifier())
        notifier.on_action(self.act)
        self.runner.notifier = notifier
        return self._serve_panel(hooks, failed_icon=True)

    def _serve_panel(self, hooks: list[power.Hook], failed_icon: bool) -> int:
        """The terminal panel until quit; then the session is stopped."""
        panel = TerminalPanel(
            self.runner,
            self.inp,
            self.out,
            self.monitor is not None,
            latest=self._latest,
            notice=self._notice,
        )
        self.reason = panel.run(self.stop)
        self._shut_down(hooks)
        if failed_icon:
            # pystray started its (non-daemon) setup thread before the backend failed; it waits
            # for a loop that never ran and would keep the process alive. The rule is off.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(self.exit_code)
        return self.exit_code

    def _icon_ready(self, icon: object) -> None:
        """pystray's setup callback: the icon's loop runs (the view shows the icon on its own
        thread); start watching for quit."""
        if sys.platform == "win32":  # log-off, shutdown and suspend reach the icon's window
            from tray_app.desktop.power import windows  # noqa: PLC0415 - Windows only

            windows.install(icon, lambda why: self.runner.stop_and_wait(why, SHUTDOWN_SECONDS))
        self._watcher = threading.Thread(
            target=self._quit_when_told, args=(self._hooks,), name="quit-watcher", daemon=True
        )
        self._watcher.start()

    def act(self, action: str) -> None:
        """A menu click (pystray's thread): turn it into a runner event or a local job."""
        if action == "toggle":
            self.runner.toggle()
        elif action == "join":
            self.runner.start_session()
        elif action == "extend":
            self.runner.extend(30)
        elif action == "invoke":
            self.runner.invoke()
        elif action == "latest":
            self.runner.submit(self.facts.refresh_latest)
        elif action.startswith("length:"):
            self.facts.choose_length(int(action.split(":", 1)[1]))
        elif action.startswith("open:"):
            threading.Thread(target=webbrowser.open, args=(action[5:],), daemon=True).start()
        elif action == "settings":
            threading.Thread(target=_open_file, args=(self.config.file,), daemon=True).start()
        elif action == "quit":
            self.reason = "quit"
            self.stop.set()

    def _facts(self) -> Facts:
        return replace(self.facts.facts(), notice=self._notice())

    def _notice(self) -> str | None:
        return None if self.prepare is None else self.prepare.notice

    def prepared(self) -> None:
        """The preparation is done: start the session loop."""
        self.runner.start()
        self._refresh()

    def preparation_failed(self, message: str) -> None:
        """The preparation failed: say why and quit with exit code 1."""
        print(f"{APP_NAME}: {message}", file=self.out, flush=True)
        self.exit_code = 1
        self.reason = "quit"
        self.stop.set()

    def _on_state(self, state: State) -> None:
        self.facts.observe(state)
        self._refresh()

    def _refresh(self) -> None:
        if self.view is not None:
            self.view.render(self.runner.state)

    def _latest(self) -> str:
        try:
            return status_text.metric_line(self.pipeline.latest_metric(), time.time())
        except AwsError as err:
            return str(err)

    def _quit_when_told(self, hooks: list[power.Hook]) -> None:
        self.stop.wait()
        self._shut_down(hooks)
        # The rule is off (or the pending stop is saved): nothing is lost by a hard exit, and
        # GTK can fail to leave its loop, e.g. when the X display went away under it.
        watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(self.exit_code,))
        watchdog.daemon = True
        watchdog.start()
        assert self.view is not None
        self.view.stop()

    def _shut_down(self, hooks: list[power.Hook]) -> None:
        for hook in hooks:
            hook.stop()
        if not settled(self.runner.state):
            print("stopping the session before exit…", file=self.out, flush=True)
        if self.runner.shutdown(self.reason, timeout=SHUTDOWN_SECONDS):
            state, now = self.runner.state, time.time()
            others = holds.others(state.shared, now, self.runner.settings.judge)
            if state.phase is Phase.ON and others:
                print(
                    f"left the study session; it stays on for {status_text.names(others)} — bye",
                    file=self.out,
                    flush=True,
                )
            else:
                print("pipeline off — bye", file=self.out, flush=True)
            return
        self.exit_code = 1
        print(
            "could not confirm the rule is off: it will be switched off at the next start "
            "(and by the function at the session deadline)",
            file=self.out,
            flush=True,
        )


def _open_file(path: os.PathLike[str]) -> None:
    """Open the config file in the user's editor, creating it with a comment if missing."""
    target = os.fspath(path)
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write("# pipeline-tray settings: see the README's Configuration section\n")
    if sys.platform == "win32":
        os.startfile(target)  # type: ignore[attr-defined]  # noqa: S606
    else:
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        subprocess.run([opener, target], check=False, timeout=30)  # noqa: S603


def _install_signal_handlers(stop: threading.Event) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signum)
        stop.set()

    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)
