"""What a user can ask for, from the menu, the panel's keys or a notification's button: one
table, so each action has one name and one handler."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

EXTEND_MINUTES = 30  # what "Extend" adds, everywhere it is offered


class UserAction(StrEnum):
    """The actions; the value is the key a notification button sends back."""

    TOGGLE = "toggle"
    JOIN = "join"
    EXTEND = "extend"
    INVOKE = "invoke"
    LATEST = "latest"
    LENGTH = "length"  # argument: the minutes
    OPEN = "open"  # argument: the URL
    REPORT = "report"  # write the study report and open it in the browser
    SETTINGS = "settings"
    CONNECT = "connect"  # add the session control to a rule built by hand
    QUIT = "quit"


@dataclass(frozen=True)
class Choice:
    """One request: an action and its argument, if it takes one."""

    action: UserAction
    argument: str = ""


EXTEND_TEXT = f"Extend +{EXTEND_MINUTES} min"
PANEL_KEYS: tuple[tuple[str, str, UserAction], ...] = (  # key, what the help line says, action
    ("s", "start/stop", UserAction.TOGGLE),
    ("j", "join", UserAction.JOIN),
    ("e", f"extend +{EXTEND_MINUTES} min", UserAction.EXTEND),
    ("i", "invoke", UserAction.INVOKE),
    ("l", "latest metric", UserAction.LATEST),
    ("r", "report", UserAction.REPORT),
    ("q", "quit", UserAction.QUIT),
)
PANEL_HELP = "keys: " + " · ".join(f"{key} {words}" for key, words, _ in PANEL_KEYS)


def for_key(key: str) -> Choice | None:
    """The panel's key `key` (any case) as a choice; None for a key that means nothing."""
    for known, _words, action in PANEL_KEYS:
        if key.lower() == known:
            return Choice(action)
    return None


def from_button(key: str) -> Choice | None:
    """A notification button's key as a choice; None for one we never offer."""
    try:
        action = UserAction(key)
    except ValueError:
        return None
    return Choice(action) if action is UserAction.EXTEND else None
