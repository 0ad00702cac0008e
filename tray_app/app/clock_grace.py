"""The clock grace other devices' holds are judged by: the function's own configured value, read
by a starting tray and by `status`, so the ends they show are the ones the function acts on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from tray_app.aws.pipeline import Pipeline
from tray_app.core.errors import AwsError

log = logging.getLogger(__name__)
TITLE = "Clock grace differs from the function's"


@dataclass(frozen=True)
class Grace:
    """The grace to judge by, and what to say once when it is not ours (None: nothing to say)."""

    seconds: int
    message: str | None = None


def mismatch(
    ours: int, origin: str, theirs: int, function: str, whose: str = "this tray's"
) -> str | None:
    """What to say once when our clock_skew_seconds is not the function's; else None."""
    if ours == theirs:
        return None
    return (
        f"The function {function} gives other devices' clocks {theirs} s of grace, {whose} "
        f"clock_skew_seconds is {ours} ({origin}). Session ends are shown by the function's "
        f"{theirs} s: set clock_skew_seconds = {theirs}, or run `pipeline-tray deploy` to give "
        f"the function {ours} s."
    )


def settle(pipeline: Pipeline, ours: int, origin: str, whose: str = "this tray's") -> Grace:
    """The function's grace when it can be read, with the mismatch message when it is not ours.
    Unreadable (no permission, no function yet) or not a valid number: ours, and it is logged."""
    try:
        theirs = pipeline.function_clock_skew()
    except AwsError as err:
        log.info("clock grace: keeping clock_skew_seconds = %s (%s)", ours, err)
        return Grace(ours)
    message = None if theirs is None else mismatch(ours, origin, theirs, pipeline.function, whose)
    if theirs is None or message is None:
        return Grace(ours)
    log.warning("clock grace: %s", message)
    return Grace(theirs, message)


def learn(
    pipeline: Pipeline,
    ours: int,
    origin: str,
    use: Callable[[int], None],
    say: Callable[[str, str], None],
) -> None:
    """Take the function's grace; when it differs from ours, use it and say so (once: this runs
    once per start)."""
    grace = settle(pipeline, ours, origin)
    if grace.message is not None:
        use(grace.seconds)
        say(TITLE, grace.message)
