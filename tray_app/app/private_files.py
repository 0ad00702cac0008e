"""The state directory and its files are this user's alone: the directory 0700, each file 0600,
whatever the umask, and no write follows a symbolic link someone else put in its place.

The files say when this user studies and which device id holds their sessions; the log says
more. A umask of 022 would leave them readable by every account on the machine.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
# A link in the file's place makes the open fail (ELOOP) instead of writing where it points.
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # Windows has no such flag and no such links by default


def private_dir(directory: Path) -> None:
    """Create `directory` (and its parents) if needed, make it 0700 and its files 0600."""
    directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    # mkdir's mode is cut by the umask, and an existing directory keeps the mode it had
    with contextlib.suppress(NotImplementedError):
        directory.chmod(DIRECTORY_MODE)
    # files an earlier version made at the umask's 0644 (the device id, the history) too
    for entry in os.scandir(directory):
        if entry.is_file(follow_symlinks=False) and entry.stat().st_mode & 0o077:
            with contextlib.suppress(OSError):  # not ours, or gone meanwhile: leave it be
                os.chmod(entry.path, FILE_MODE)


def open_private(
    path: Path, mode: str = "w", encoding: str | None = None, errors: str | None = None
) -> IO[Any]:
    """Open `path` for writing as 0600 ("w" truncates, "a"/"a+b" append), never through a link;
    raises OSError (ELOOP for a link) as open() would."""
    flags = os.O_CREAT | NO_FOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if mode.startswith("a") else os.O_TRUNC
    flags |= os.O_RDWR if "+" in mode else os.O_WRONLY
    fd = os.open(path, flags, FILE_MODE)
    try:
        if hasattr(os, "fchmod"):  # a file made before (at 0644, say) becomes private too
            os.fchmod(fd, FILE_MODE)
        if "b" in mode:
            return os.fdopen(fd, mode)
        return os.fdopen(fd, mode, encoding=encoding, errors=errors)
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, text: str) -> None:
    """Replace the contents of `path` with `text` (UTF-8), as a 0600 file."""
    with open_private(path, "w", encoding="utf-8") as f:
        f.write(text)
