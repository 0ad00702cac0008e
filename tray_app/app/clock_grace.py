"""The clock grace a tray judges other devices' holds by: the function's own configured value,
learned when the tray starts, so the ends it shows are the ones the function will act on."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tray_app.aws.pipeline import Pipeline
from tray_app.core.errors import AwsError

log = logging.getLogger(__name__)
TITLE = "Clock grace differs from the function's"


def mismatch(ours: int, origin: str, theirs: int, function: str) -> str | None:
    """What to say once when this tray's clock_skew_seconds is not the function's; else None."""
    if ours == theirs:
        return None
    return (
        f"The function {function} gives other devices' clocks {theirs} s of grace, this tray's "
        f"clock_skew_seconds is {ours} ({origin}). Session ends are shown by the function's "
        f"{theirs} s: set clock_skew_seconds = {theirs}, or run `pipeline-tray deploy` to give "
        f"the function {ours} s."
    )


def learn(
    pipeline: Pipeline,
    ours: int,
    origin: str,
    use: Callable[[int], None],
    say: Callable[[str, str], None],
) -> None:
    """Read the function's grace; when it differs from ours, use it and say so (once: this runs
    once per start). Unreadable (no permission, no function yet): ours stays, and is logged."""
    try:
        theirs = pipeline.function_clock_skew()
    except AwsError as err:
        log.info("clock grace: keeping clock_skew_seconds = %s (%s)", ours, err)
        return
    message = None if theirs is None else mismatch(ours, origin, theirs, pipeline.function)
    if theirs is None or message is None:
        return
    log.warning("clock grace: %s", message)
    use(theirs)
    say(TITLE, message)
