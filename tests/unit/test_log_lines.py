"""The log file holds no control character a peer's text carried and no credential a library
line quoted; it is the user's alone."""

from __future__ import annotations

import logging
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tray_app.app import log_setup

TOKEN = "IQoJb3JpZ2luX2VjEFAKEtoken0123456789"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = log_setup.configure(tmp_path / "state", verbose=False)
    assert path is not None
    try:
        yield path
    finally:  # the root logger as the other tests know it
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        logging.captureWarnings(False)


def test_a_log_line_is_cleaned_and_redacted(log_file: Path) -> None:
    log = logging.getLogger("tray_app.test")
    log.warning("hold from %s lapsed", "\x1b]0;PWNED\x07\x1b[2Jlap\u202etop")
    log.warning("sent {'X-Amz-Security-Token': b'%s', 'Authorization': b'AWS4 x'}", TOKEN)
    log.warning("key ASIAFAKEFAKEFAKE1234 and\nits second line\tkept")
    text = log_file.read_text(encoding="utf-8")
    assert "hold from laptop lapsed" in text
    assert TOKEN not in text and "ASIAFAKEFAKEFAKE1234" not in text and "AWS4 x" not in text
    assert "'X-Amz-Security-Token': b'<redacted>'" in text
    assert "and\nits second line\tkept" in text  # our own newlines and tabs stay
    assert not set(text) & {"\x1b", "\x07", "\u202e"}
    if sys.platform != "win32":  # Windows keeps a home's files private by its ACLs instead
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
