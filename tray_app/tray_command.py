"""`pipeline-tray tray`: one running session loop with its view, until quit or a signal."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType
from typing import TextIO

from tray_app import idle, power, status_text
from tray_app.config import Config
from tray_app.errors import AwsError
from tray_app.executor import perform
from tray_app.gateway.pipeline import Pipeline
from tray_app.gateway.session import AwsSession
from tray_app.instance_lock import InstanceLock
from tray_app.notifier import DesktopNotifier, EchoNotifier
from tray_app.runner import Runner
from tray_app.session import Settings
from tray_app.state_files import StateFiles, default_state_dir
from tray_app.terminal_panel import TerminalPanel

log = logging.getLogger(__name__)
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")
SHUTDOWN_SECONDS = 10.0


def run(config: Config, out: TextIO, terminal: bool, inp: TextIO | None = None) -> int:
    """Run the tray (for now always the terminal panel) until quit; the session is stopped first."""
    lock = InstanceLock()
    lock.acquire()
    try:
        return _run(config, out, inp or sys.stdin, terminal)
    finally:
        lock.release()


def _run(config: Config, out: TextIO, inp: TextIO, terminal: bool) -> int:
    if not terminal:
        print("(the tray icon is not built yet: showing the terminal panel)", file=out)
    pipeline = Pipeline(AwsSession(config), config)
    monitor = idle.choose()
    runner = Runner(
        perform=lambda action: perform(action, pipeline, time.time),
        settings=Settings(
            session_minutes=config.session_minutes,
            idle_minutes=config.idle_minutes,
            poll_seconds=config.poll_seconds,
        ),
        notifier=EchoNotifier(out, DesktopNotifier()),
        idle=monitor,
        files=StateFiles(default_state_dir()),
    )
    stop = threading.Event()
    _install_signal_handlers(stop)
    runner.start()
    hooks = power.start_hooks(before=lambda reason: runner.stop_and_wait(reason, SHUTDOWN_SECONDS))
    panel = TerminalPanel(runner, inp, out, monitor is not None, latest=lambda: _latest(pipeline))
    reason = panel.run(stop)
    for hook in hooks:
        hook.stop()
    print("stopping the session before exit…", file=out, flush=True)
    if runner.shutdown(reason, timeout=SHUTDOWN_SECONDS):
        print("pipeline off — bye", file=out, flush=True)
        return 0
    print(
        "could not confirm the rule is off: it will be switched off at the next start "
        "(and by the function at the session deadline)",
        file=out,
        flush=True,
    )
    return 1


def _latest(pipeline: Pipeline) -> str:
    try:
        return status_text.metric_line(pipeline.latest_metric(), time.time())
    except AwsError as err:
        return str(err)


def _install_signal_handlers(stop: threading.Event) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signum)
        stop.set()

    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)
