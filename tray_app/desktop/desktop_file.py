"""Desktop Entry files (the XDG spec): the `Exec` line escaped, and the entry's text.

Used by the autostart entry and the application-menu launcher, so both quote paths alike.
"""

from __future__ import annotations

from tray_app import APP_NAME

COMMENT = "Keeps the study pipeline's AWS schedule off unless you are studying"
# The spec's reserved characters: an argument holding any of them must be double-quoted.
RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
# Inside double quotes these four keep their meaning unless preceded by a backslash.
QUOTED_SPECIAL = frozenset('"`$\\')


def quote_argument(argument: str) -> str:
    """One Exec argument per the spec's quoting rules (before the string escape)."""
    if argument and not RESERVED.intersection(argument):
        return argument
    inner = "".join(f"\\{c}" if c in QUOTED_SPECIAL else c for c in argument)
    return f'"{inner}"'


def exec_value(argv: list[str]) -> str:
    """The `Exec` value for `argv`: quoted, then string-escaped, with `%` doubled.

    The spec applies the string escape (`\\\\` for a backslash) before the quoting rule, so a
    literal backslash in a quoted argument is four backslashes in the file and `$` is `\\\\$`.
    """
    for argument in argv:
        if any(c in argument for c in "\n\r\0"):
            raise ValueError(f"a line break or NUL cannot be in a desktop entry: {argument!r}")
    quoted = " ".join(quote_argument(a) for a in argv)
    return quoted.replace("\\", "\\\\").replace("\t", "\\t").replace("%", "%%")


def entry_text(argv: list[str], extra: dict[str, str] | None = None) -> str:
    """A `[Desktop Entry]` group that runs `argv`, with `extra` keys after the common ones."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        f"Comment={COMMENT}",
        f"Exec={exec_value(argv)}",
        "Terminal=false",
        *(f"{key}={value}" for key, value in (extra or {}).items()),
    ]
    return "\n".join(lines) + "\n"
