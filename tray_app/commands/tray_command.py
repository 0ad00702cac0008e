"""`pipeline-tray tray`: wires the session loop, its facts and its view (icon or terminal
panel); `tray_lifecycle` runs them until quit, `tray_actions` answers the user."""

from __future__ import annotations

import io
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO, cast

from tray_app import APP_NAME
from tray_app.app import clock_grace
from tray_app.app.device import tray_identity
from tray_app.app.executor import Executor
from tray_app.app.facts import TrayFacts, saved_length, session_minutes
from tray_app.app.preparation import Preparation
from tray_app.app.runner import Runner
from tray_app.app.state_files import StateFiles, default_state_dir
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.commands import connect_command, report_command
from tray_app.commands.exit_request import ExitRequest
from tray_app.commands.guardian_link import GuardianLink
from tray_app.commands.guardian_protocol import kept_of
from tray_app.commands.tray_actions import TrayActions
from tray_app.commands.tray_lifecycle import TrayLifecycle
from tray_app.core import status_text
from tray_app.core.errors import AwsError, PipelineTrayError
from tray_app.core.machine import Settings, State
from tray_app.core.menu_model import Facts
from tray_app.core.resolved_config import Config
from tray_app.core.user_actions import Choice
from tray_app.desktop import idle, notifiers
from tray_app.desktop.instance_lock import InstanceLock
from tray_app.desktop.notifiers.forwarding import EchoNotifier, SwitchNotifier
from tray_app.desktop.probe import desktop_notifier, tray_view
from tray_app.desktop.terminal_output import TerminalOutput

# How long a tray started right after one ended waits for that one's guardian to release its
# hold: one read, one write and the rule's switch, each with the AWS client's retries.
GUARDIAN_WAIT_SECONDS = 30.0


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
    lock.acquire(
        wait_for_guardian=GUARDIAN_WAIT_SECONDS,
        waiting=lambda why: print(f"{why}: waiting for it…", file=out, flush=True),
    )
    try:
        # the terminal may go away under a running panel: its output must never fail the stop
        safe_out = cast(TextIO, TerminalOutput(out))  # a TextIOBase: every write print makes
        app = TrayApp(config, safe_out, inp or sys.stdin, terminal, prepare)
        return TrayLifecycle(app).run()
    finally:
        lock.release()


class TrayApp:
    """One session loop wired to its facts, its view and its actions."""

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
        chosen = idle.choose_with_reason()
        self.monitor, self.idle_reason = chosen.monitor, chosen.reason
        self.view = None if terminal else tray_view(self._facts, self._perform, out)
        me = tray_identity(self.files.directory, config.device_name)
        settings = Settings(
            session_minutes=session_minutes(
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
        self.executor = Executor(self.pipeline, HoldStore(aws, config), settings.judge, time.time)
        # The demo's emulator lives in this process: nothing would be left to release there.
        self.guardian = GuardianLink.start(config, me.holder) if prepare is None else None
        self._last_state: State | None = None
        self.panel_changed: Callable[[], None] = lambda: None  # the panel sets its poke
        self.exit = ExitRequest()
        self.notifier = SwitchNotifier(
            self.icon_notifier() if self.view is not None else self.panel_notifier()
        )
        self.runner = Runner(
            self.executor.perform,
            settings=settings,
            notifier=self.notifier,
            idle=self.monitor,
            files=self.files,
            on_state=self._on_state,
            on_failure=lambda _why: self.quit("failure", exit_code=1),
        )
        self.facts = TrayFacts(
            config,
            region=aws.region,
            runner=self.runner,
            pipeline=self.pipeline,
            files=self.files,
            idle_available=self.monitor is not None,
            idle_reason=self.idle_reason,
            on_change=self.refresh,
            notifier=self.notifier,
        )
        self.actions = TrayActions(
            self.runner,
            self.facts,
            config.file,
            show_latest=self._show_latest,
            open_report=self._open_report,
            connect=self._connect,
            quit_app=lambda: self.quit("quit"),
        )
        if prepare is None:
            self.learn_clock_grace()  # the demo's function exists only once it is prepared

    def icon_notifier(self) -> notifiers.NotifierBackend:
        """The icon's notifier: the desktop's bubbles."""
        notifier = notifiers.choose()
        # A button clicked on a notification ("Extend +30 min") is the same as its menu item.
        notifier.on_action(self._button)
        return notifier

    def panel_notifier(self) -> EchoNotifier:
        """The terminal panel's notifier: its lines, and the desktop's bubbles where there are."""
        notifier = EchoNotifier(self.out, desktop_notifier())
        notifier.on_action(self._button)
        return notifier

    def quit(self, reason: str, exit_code: int | None = None) -> None:
        """End the app: the lifecycle stops the session and leaves the view."""
        self.exit.request(reason, exit_code)

    def notice(self) -> str | None:
        """What the view shows while the preparation (the demo's deploy) runs."""
        return None if self.prepare is None else self.prepare.notice

    def prepared(self) -> None:
        """The preparation is done: start the session loop."""
        self.runner.start()
        self.learn_clock_grace()
        self.refresh()

    def learn_clock_grace(self) -> None:
        """Take the function's clock grace, on a thread: the first polls need not wait for it."""
        origin = self.config.origin.get("clock_skew_seconds", "default")
        threading.Thread(
            target=clock_grace.learn,
            args=(self.pipeline, self.config.clock_skew_seconds, origin),
            # the switchable notifier: an icon that fails to start swaps in the panel's
            kwargs={"use": self._use_grace, "say": self.notifier.notify},
            name="clock-grace",
            daemon=True,
        ).start()

    def _use_grace(self, seconds: int) -> None:
        # Every reader of the grace (core, executor, panel, menu) takes it from these two.
        self.runner.settings = replace(self.runner.settings, skew_seconds=seconds)
        self.executor.judge = self.runner.settings.judge
        self.refresh()

    def preparation_failed(self, message: str) -> None:
        """The preparation failed: say why and quit with exit code 1."""
        print(f"{APP_NAME}: {message}", file=self.out, flush=True)
        self.quit("quit", exit_code=1)

    def refresh(self) -> None:
        """Show the runner's state on the icon, or wake the panel to redraw."""
        if self.view is not None:
            self.view.render(self.runner.state)
        else:
            self.panel_changed()

    def _perform(self, choice: Choice) -> None:
        self.actions.perform(choice)  # the view exists before the actions it forwards to

    def _button(self, key: str) -> None:
        self.actions.button(key)

    def _facts(self) -> Facts:
        return replace(self.facts.facts(), notice=self.notice())

    def stopped(self) -> None:
        """The session is stopped, or its stop saved for the next start: the guardian may go."""
        if self.guardian is not None:
            self.guardian.goodbye()

    def _on_state(self, state: State) -> None:
        if self.guardian is not None:
            self.guardian.report(kept_of(state, self.runner.settings.skew_seconds))
        self.facts.observe(state)
        if state != self._last_state:  # a tick that changed nothing redraws nothing
            self._last_state = state
            self.refresh()

    def _show_latest(self) -> None:
        """The "latest metric" action: the icon's menu line is refreshed; the panel prints it."""
        if self.view is not None:
            self.facts.refresh_latest()
            return
        try:
            line = status_text.metric_line(self.pipeline.latest_metric(), time.time())
        except AwsError as err:
            line = str(err)
        print(f"Latest metric: {line}", file=self.out, flush=True)

    def _connect(self) -> None:
        """The "connect" action (the worker): add the session control to the rule, say so."""
        said = io.StringIO()
        try:
            connect_command.connect(self.config, said)
        except PipelineTrayError as err:
            self.notifier.notify("Could not connect this pipeline", str(err), "connect")
            return
        self.notifier.notify(
            "Pipeline connected",
            f"Rule {self.config.rule} has its off switch: start a study session.",
            "connect",
        )

    def _open_report(self) -> None:
        """The "report" action (its own thread): write this week's report, open it."""
        try:
            path, _report, _reading = report_command.write_report(self.config)
        except PipelineTrayError as err:
            self.notifier.notify("The report could not be written", str(err), "report")
            return
        if self.view is None:
            print(f"report: {path}", file=self.out, flush=True)
        webbrowser.open(path.resolve().as_uri())
