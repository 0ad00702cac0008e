"""What other devices wrote, made safe to count and to show: instants held to a bound, text
without control characters and cut to a length. Pure, no I/O.

A shared session carries times and names that other devices wrote. A clock a century ahead, or
a hand-made `1e100`, must neither keep the pipeline on for that long nor make formatting a time
raise; a name carrying terminal escapes or bidi overrides must not retitle a terminal or hide
what follows it.
"""

from __future__ import annotations

import math
import re

LONGEST_SESSION_MINUTES = 24 * 60  # no session (start, extends) ends further ahead than this
NAME_LIMIT = 64  # characters: a name is a word in a line, not a page

# C0 and C1 controls (DEL too), and the characters that reorder or hide text: the bidi
# embeddings, overrides and isolates, the marks that flip neutral characters, and the zero-width
# characters that hide words in plain sight. clean_lines keeps newline and tab.
_FORMAT = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200b-\u200f"  # zero-width space/joiners, LRM, RLM
    "\u2028\u2029"  # line and paragraph separators: a new line where none was asked for
    "\u202a-\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060-\u2069"  # word joiner, invisible operators, LRI, RLI, FSI, PDI
    "\u206a-\u206f"  # deprecated format characters (symmetric swapping and the like)
    "\ufeff"  # zero-width no-break space (BOM)
    "\ufff9-\ufffb"  # interlinear annotation
)
# A whole escape sequence goes, not just its ESC: OSC (titles, hyperlinks) to BEL or ST, CSI.
_ESCAPES_RE = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, ended by BEL or ST
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI (colours, clearing, cursor moves)
)
_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f" + _FORMAT + "]")
_UNSAFE_KEEPING_LINES_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f" + _FORMAT + "]")  # \t \n


def clean_text(text: object, limit: int | None = NAME_LIMIT) -> str:
    """`text` with controls and bidi/invisible format characters removed, cut to `limit`
    characters (an ellipsis marks the cut); None as limit keeps the whole text."""
    cleaned = _UNSAFE_RE.sub("", _ESCAPES_RE.sub("", str(text)))
    if limit is not None and len(cleaned) > limit:
        return cleaned[: max(0, limit - 1)] + "…"
    return cleaned


def clean_lines(text: str) -> str:
    """`text` for a terminal or a log file: like clean_text, but newlines and tabs stay (they
    are ours: a multi-line message, a traceback) and nothing is cut."""
    return _UNSAFE_KEEPING_LINES_RE.sub("", _ESCAPES_RE.sub("", text))


def bound(now: float, longest: float, grace: float) -> float:
    """The furthest instant a hold written at `now` can honestly end: the longest session from
    now, plus the clock grace its writer may be ahead by."""
    return now + longest + grace


def bound_instant(value: float, now: float, longest: float, grace: float) -> float:
    """`value` (an `ends` or `lapses` another device wrote), held to bound(now, longest, grace);
    a value that is not a finite number counts as that bound too (it must not be trusted longer,
    and comparing NaN answers nothing)."""
    limit = bound(now, longest, grace)
    if not math.isfinite(value):
        return limit if value != -math.inf else value
    return min(value, limit)


def is_beyond(value: float, now: float, longest: float, grace: float) -> bool:
    """True when bound_instant would hold `value` back: its writer's clock (or hand) is wrong."""
    return not value <= bound(now, longest, grace)  # NaN too: no comparison holds for it
