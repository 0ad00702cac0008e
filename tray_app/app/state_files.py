"""What outlives the process: the pending-stop marker and the session history (JSON lines).

Both live in the platform's state directory. Writing them may fail (read-only home, full disk):
then the caller still stops the rule and tells the user that the note could not be saved.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from tray_app import APP_NAME
from tray_app.app.private_files import open_private, private_dir, write_private

log = logging.getLogger(__name__)
PENDING_STOP = "pending-stop"
HISTORY = "history.jsonl"
CLI_SESSION = "cli-session.json"  # when this machine's CLI started its session, until it stops

# What a history entry's cost is estimated from: AWS's published Lambda prices (x86; eu-west-1 =
# us-east-1) and the seed's measurements. The report names them.
PRICE_PER_REQUEST_USD = 0.20 / 1_000_000
PRICE_PER_GB_SECOND_USD = 0.0000166667
MEMORY_GB = 128 / 1024  # the function's memory size
SECONDS_PER_RUN = 0.344  # the seed's measured average duration


def estimated_cost_usd(invocations: int) -> float:
    """What `invocations` runs cost before the free tier (requests + duration x memory)."""
    per_run = PRICE_PER_REQUEST_USD + SECONDS_PER_RUN * MEMORY_GB * PRICE_PER_GB_SECOND_USD
    return round(invocations * per_run, 8)


def default_state_dir() -> Path:
    """~/.local/state/pipeline-tray on Linux, the platform's equivalent elsewhere."""
    return platformdirs.user_state_path(APP_NAME)


@dataclass(frozen=True)
class StateFiles:
    """The two files, in one directory."""

    directory: Path

    def pending_stop(self) -> bool:
        """True when the previous run could not confirm a stop."""
        return (self.directory / PENDING_STOP).exists()

    def set_pending_stop(self, pending: bool) -> None:
        """Create or remove the marker; raises OSError when the directory is not writable."""
        path = self.directory / PENDING_STOP
        if pending:
            private_dir(self.directory)
            write_private(path, "the last stop of the rule was not confirmed\n")
        else:
            # No directory means no marker: nothing to clear and nothing to complain about.
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                path.unlink()

    def record_session(
        self, started_at: float, ended_at: float, reason: str, invocations: int, period_s: int = 300
    ) -> dict[str, Any]:
        """Append one finished session; scheduled runs are estimated from its length."""
        scheduled = int((ended_at - started_at) // period_s)
        total = scheduled + invocations
        entry = {
            "start": round(started_at, 3),
            "end": round(ended_at, 3),
            "minutes": round((ended_at - started_at) / 60, 1),
            "reason": reason,
            "invocations": total,
            "estimated_cost_usd": estimated_cost_usd(total),
        }
        private_dir(self.directory)
        path = self.directory / HISTORY
        with open_private(path, "a+b") as f:
            # A crash can leave a last line without its newline: end it, or this entry is lost too.
            torn = (
                f.seek(0, os.SEEK_END) > 0 and f.seek(-1, os.SEEK_END) >= 0 and f.read(1) != b"\n"
            )
            f.write((b"\n" if torn else b"") + json.dumps(entry, sort_keys=True).encode() + b"\n")
            f.flush()
            os.fsync(f.fileno())
        return entry

    def set_cli_session(self, started_at: float, deadline: float) -> None:
        """Remember the CLI's running session, so that its `stop` can record it."""
        private_dir(self.directory)
        body = json.dumps({"start": started_at, "deadline": deadline})
        write_private(self.directory / CLI_SESSION, body)

    def take_cli_session(self) -> tuple[float, float] | None:
        """The CLI's remembered session (start, deadline), forgotten as it is read."""
        path = self.directory / CLI_SESSION
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            path.unlink()
            return float(saved["start"]), float(saved["deadline"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def history(self) -> list[dict[str, Any]]:
        """Every recorded session, oldest first; unreadable lines are skipped."""
        path = self.directory / HISTORY
        try:
            # errors="replace": stray bytes spoil one line, not the whole history
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        except OSError as err:  # an unreadable state dir must not keep the tray from starting
            log.warning("session history unreadable (%s): showing none", err)
            return []
        entries = []
        for line in lines:
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by a crash must not hide the rest
        return entries
