"""Where log lines and library warnings go: a small file in the state directory, so that the
terminal shows only the app's own lines; `--verbose` shows them on stderr as well."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "pipeline-tray.log"
MAX_BYTES = 256 * 1024  # one old file is kept: at most half a megabyte on disk
CHATTY = ("botocore", "boto3", "urllib3", "PIL", "werkzeug")
_ours: list[logging.Handler] = []  # what configure() added, so a second call replaces it


def configure(state_dir: Path, verbose: bool) -> Path | None:
    """Send warnings (the `warnings` module's too) and log lines to the log file; returns its
    path, or None when the state directory cannot hold it (then only --verbose shows them)."""
    logging.captureWarnings(True)
    root = logging.getLogger()
    for handler in _ours:
        root.removeHandler(handler)
        handler.close()
    _ours.clear()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in CHATTY:  # their INFO and DEBUG lines are about every request
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
    form = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose:
        shown = logging.StreamHandler(sys.stderr)
        shown.setFormatter(form)
        _add(root, shown)
    path = state_dir / LOG_FILE
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        kept = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8")
    except OSError:
        # Not even a log file (a read-only home, a full disk): stay quiet rather than spill
        # library warnings into the panel; the app's own problems still reach the user.
        _add(root, logging.NullHandler())
        return None
    kept.setFormatter(form)
    _add(root, kept)
    return path


def is_verbose() -> bool:
    """Whether configure() was asked to show log lines on stderr."""
    return any(isinstance(h, logging.StreamHandler) and h.stream is sys.stderr for h in _ours)


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    _ours.append(handler)
    root.addHandler(handler)
