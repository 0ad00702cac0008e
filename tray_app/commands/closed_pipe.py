"""A command whose reader went away (`pipeline-tray status | grep -q Off`, `| head -1`) ends
quietly: no BrokenPipeError traceback, exit status 141 as if SIGPIPE had ended it.

Python ignores SIGPIPE, so a write to a closed pipe raises BrokenPipeError instead of ending the
process as it ends `cat` or `seq`. The recipe is the one in the `signal` module's docs ("Note on
SIGPIPE"): flush inside the try, then point stdout at devnull so the interpreter's own flush at
exit has nowhere to fail. The status is 128 + SIGPIPE, what a shell reports for `seq` and `yes`
in the same place, so `set -o pipefail` scripts see us as any other tool; 1 stays "AWS or runtime
failure, with a line on stderr".
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable

EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE (13); the same number on Windows, which has no SIGPIPE


def run_quietly(command: Callable[[], int]) -> int:
    """Run `command` (which returns an exit status); a closed stdout ends it with 141."""
    try:
        try:
            return command()
        finally:
            _flush(sys.stdout)  # a closed pipe shows itself here, not at interpreter exit
    except OSError as err:
        if not _reader_gone(err):
            raise
        _silence_stdout()
        return EXIT_CLOSED_PIPE


def _flush(stream: object) -> None:
    flush = getattr(stream, "flush", None)  # None under pythonw
    if flush is not None:
        flush()


def _reader_gone(err: OSError) -> bool:
    # Windows reports a pipe closed at the other end as EINVAL from the C runtime's write.
    return isinstance(err, BrokenPipeError) or (
        sys.platform == "win32" and err.errno == errno.EINVAL
    )


def _silence_stdout() -> None:
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's StringIO): nothing will flush it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)
