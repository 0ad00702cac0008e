"""Where log lines and library warnings go: a small file in the state directory, so that the
terminal shows only the app's own lines; `--verbose` shows them on stderr as well.

No credential reaches either: botocore's DEBUG lines (what --verbose is for) carry the signed
request, its Authorization header, the session token and the access key id, so every line is
redacted of those before it is written (tests/functional/test_untrusted_cli.py runs botocore's
real DEBUG output through it). Lines are also cleaned of controls: they quote what other devices
wrote.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import cast

from tray_app.app.private_files import open_private, private_dir
from tray_app.core.bounded import clean_lines

LOG_FILE = "pipeline-tray.log"
MAX_BYTES = 256 * 1024  # one old file is kept: at most half a megabyte on disk
CHATTY = ("botocore", "boto3", "urllib3", "PIL", "werkzeug")
REDACTED = "<redacted>"
_SECRETS = (
    # 'X-Amz-Security-Token': b'…', x-amz-security-token:…, X-Amz-Security-Token=… (a query)
    re.compile(r"(x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s&,}]+", re.IGNORECASE),
    re.compile(r"(authorization['\"]?\s*[:=]\s*b?['\"]?)[^'\"\n]+", re.IGNORECASE),
    re.compile(r"(x-amz-credential=|credential=)[^/\s'\",&]+", re.IGNORECASE),
    re.compile(r"()\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b"),  # access key ids, wherever
)
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
    form = SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose:
        terminal = logging.StreamHandler(sys.stderr)
        terminal.setFormatter(form)
        _add(root, terminal)
    path = state_dir / LOG_FILE
    try:
        private_dir(state_dir)
        kept = PrivateLogFile(path, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8")
    except OSError:
        # Not even a log file (a read-only home, a full disk): stay quiet rather than spill
        # library warnings into the panel; the app's own problems still reach the user.
        _add(root, logging.NullHandler())
        return None
    kept.setFormatter(form)
    _add(root, kept)
    return path


class PrivateLogFile(RotatingFileHandler):
    """The log file, opened as 0600 (and never through a link), at each rotation too."""

    def _open(self) -> io.TextIOWrapper:
        return cast(
            io.TextIOWrapper,
            open_private(Path(self.baseFilename), "a", encoding=self.encoding, errors=self.errors),
        )


def redact(text: str) -> str:
    """`text` without the session token, the Authorization header and access key ids."""
    for secret in _SECRETS:
        text = secret.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class SafeFormatter(logging.Formatter):
    """A formatter whose lines carry no credential and no control character."""

    def format(self, record: logging.LogRecord) -> str:
        """The line as logging.Formatter makes it, redacted and cleaned."""
        return clean_lines(redact(super().format(record)))


def is_verbose() -> bool:
    """Whether configure() was asked to show log lines on stderr."""
    return any(isinstance(h, logging.StreamHandler) and h.stream is sys.stderr for h in _ours)


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    _ours.append(handler)
    root.addHandler(handler)
