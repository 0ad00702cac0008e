"""What the tray menu shows beside the session: latest metric (and when it is stale), this week's
history, preferences (and which session length wins over the one remembered).

Reading those costs AWS calls or file reads, so they are cached and refreshed when something
happened (a session started or ended, an invoke), or every few minutes during a session.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import tzinfo
from typing import Any

from tray_app.app.private_files import private_dir, write_private
from tray_app.app.runner import Runner
from tray_app.app.state_files import StateFiles
from tray_app.aws.pipeline import Pipeline
from tray_app.core import status_text
from tray_app.core.chart_geometry import SPARK_LENGTH, sparkline
from tray_app.core.errors import AwsError
from tray_app.core.machine import Phase, State
from tray_app.core.menu_model import Facts
from tray_app.core.ports import Notifier
from tray_app.core.resolved_config import Config
from tray_app.desktop.local_zone import LOCAL

PERIOD_SECONDS = 300  # the schedule's period: a newer record cannot exist sooner
STALE_AFTER_SECONDS = 2 * PERIOD_SECONDS  # one missed collection is a fluke; two is a fault
PREFERENCES = "preferences.json"


class TrayFacts:
    """Cached facts for the menu, refreshed on the runner's AWS worker."""

    def __init__(
        self,
        config: Config,
        *,
        region: str,
        runner: Runner,
        pipeline: Pipeline,
        files: StateFiles,
        idle_available: bool,
        idle_reason: str = "",
        on_change: Callable[[], None],
        notifier: Notifier | None = None,
        zone: tzinfo = LOCAL,
    ) -> None:
        self._config, self._region = config, region
        self._runner, self._pipeline, self._files = runner, pipeline, files
        self._idle_available = idle_available
        self._idle_reason = idle_reason
        self._on_change = on_change
        self._notifier = notifier
        self._zone = zone
        self._stale_told = False
        self._lock = threading.Lock()
        self._latest: dict[str, Any] | None = None
        self._latest_error: str | None = None
        self._spark = ""  # the last few CPU values as ▁▂▃…, oldest first
        self._history = status_text.week_line(files.history(), time.time(), zone)
        self._fetched_at = 0.0
        self._seen: tuple[Phase, int, bool] = (Phase.UNKNOWN, 0, False)

    def facts(self) -> Facts:
        """The facts as of now."""
        with self._lock:
            latest, error, history = self._latest, self._latest_error, self._history
            spark = self._spark
        state = self._runner.state
        now = self._runner.clock()
        line = error or status_text.metric_line(latest, now)
        if state.phase is Phase.ON and latest and is_stale(_stamp(latest), now):
            line += " (stale)"
        if spark and not error:
            line += f" · CPU {spark}"
        return Facts(
            session_minutes=self._runner.settings.session_minutes,
            idle_minutes=self._config.idle_minutes,
            idle_available=self._idle_available,
            latest_line=line,
            history_line=history,
            region=self._region,
            rule=self._config.rule,
            function=self._config.function,
            table=self._config.table,
            zone=self._zone,
            judge=self._runner.settings.judge,
            idle_reason=self._idle_reason,
        )

    def observe(self, state: State) -> None:
        """Called with every new state: decides what to refresh."""
        phase, invocations, holding = self._seen
        self._seen = (state.phase, state.ours.invocations, state.holding)
        now = self._runner.clock()
        # A session of ours ended (the rule went off, or we left one others still hold).
        if (phase is not Phase.OFF and state.phase is Phase.OFF) or (holding and not state.holding):
            self._runner.submit(self._reload_history)
        due = state.phase is Phase.ON and now - self._fetched_at >= PERIOD_SECONDS
        if due or state.ours.invocations != invocations or self._fetched_at == 0.0:
            self._fetched_at = now
            self._runner.submit(self.refresh_latest)

    def refresh_latest(self) -> None:
        """Read the newest record (on the AWS worker)."""
        try:
            # One Query for the line and its sparkline: the newest SPARK_LENGTH records.
            recent, error = self._pipeline.recent_metrics(SPARK_LENGTH), None
        except AwsError as err:
            recent, error = [], f"unavailable ({err})"
        latest = recent[0] if recent else None
        cpu = [_cpu(r) for r in reversed(recent)]
        with self._lock:
            self._latest, self._latest_error = latest, error
            self._spark = sparkline(cpu) if len(recent) > 1 else ""
        self._tell_if_stale(latest)
        self._on_change()

    def _tell_if_stale(self, latest: dict[str, Any] | None) -> None:
        state, now = self._runner.state, self._runner.clock()
        stamp = None if latest is None else _stamp(latest)
        stale = stale_during_session(state, stamp, now, found=latest is not None)
        if stale and not self._stale_told and self._notifier is not None:
            self._notifier.notify(
                "Metrics are stale",
                "No new record for over 10 minutes of study: check the function's logs "
                "(menu: Open in AWS console → Logs).",
            )
        self._stale_told = stale

    def _reload_history(self) -> None:
        line = status_text.week_line(self._files.history(), time.time(), self._zone)
        with self._lock:
            self._history = line
        self._on_change()

    def choose_length(self, minutes: int) -> None:
        """Use `minutes` for the next sessions and remember it across restarts."""
        self._runner.settings = replace(self._runner.settings, session_minutes=minutes)
        try:
            private_dir(self._files.directory)
            write_private(
                self._files.directory / PREFERENCES, json.dumps({"session_minutes": minutes})
            )
        except OSError:
            pass  # the choice still holds for this run; the menu shows it
        self._on_change()


def saved_length(files: StateFiles) -> int | None:
    """The session length chosen in the menu last time, if any."""
    try:
        value = json.loads((files.directory / PREFERENCES).read_text()).get("session_minutes")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and value > 0 else None


def session_minutes(configured: int, configured_from: str, remembered: int | None) -> int:
    """The length to use. `configured_from` is where the configured value came from ("flag …",
    "env …", "file …" or "default"): a value someone set explicitly wins over the menu's
    remembered choice, which wins over the default."""
    if configured_from == "default" and remembered is not None:
        return remembered
    return configured


def is_stale(stamp: float | None, now: float) -> bool:
    """True when a record made at `stamp` is older than two periods (None: no record)."""
    return stamp is not None and now - stamp > STALE_AFTER_SECONDS


def expects_fresh(state: State, now: float) -> bool:
    """True while a session of ours has run long enough for the function to have written a
    record since it started (a new session starts with the last one's old record)."""
    return (
        state.phase is Phase.ON
        and state.ours.started_at is not None
        and now - state.ours.started_at > STALE_AFTER_SECONDS
    )


def stale_during_session(state: State, stamp: float | None, now: float, found: bool) -> bool:
    """True when a running session should have seen a newer record: none was `found`, or the
    newest is stale."""
    return expects_fresh(state, now) and (not found or is_stale(stamp, now))


def _cpu(record: dict[str, Any]) -> float | None:
    value = record.get("cpu_percent")
    return float(value) if isinstance(value, int | float) else None


def _stamp(record: dict[str, Any]) -> float | None:
    stamp = record.get("timestamp")
    return float(stamp) if isinstance(stamp, int | float) else None
