"""What each user action does in the tray: one table for the menu, the panel's keys and a
notification's buttons (`core/user_actions.py` names them)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Callable

from tray_app.app.facts import TrayFacts
from tray_app.app.runner import Runner
from tray_app.core.user_actions import EXTEND_MINUTES, Choice, UserAction, from_button

Handler = Callable[[str], None]  # takes the choice's argument


class TrayActions:
    """Performs choices; every handler returns at once (slow work goes to a thread)."""

    def __init__(
        self,
        runner: Runner,
        facts: TrayFacts,
        settings_file: os.PathLike[str],
        *,
        show_latest: Callable[[], None],
        open_report: Callable[[], None],
        connect: Callable[[], None],
        quit_app: Callable[[], None],
    ) -> None:
        self.handlers: dict[UserAction, Handler] = {
            UserAction.TOGGLE: lambda _: runner.toggle(),
            UserAction.JOIN: lambda _: runner.start_session(),
            UserAction.EXTEND: lambda _: runner.extend(EXTEND_MINUTES),
            UserAction.INVOKE: lambda _: runner.invoke(),
            UserAction.LATEST: lambda _: runner.submit(show_latest),  # an AWS read: the worker
            UserAction.LENGTH: lambda minutes: facts.choose_length(int(minutes)),
            UserAction.OPEN: lambda url: _in_background(lambda: webbrowser.open(url)),
            UserAction.REPORT: lambda _: _in_background(open_report),  # reads a week of records
            UserAction.SETTINGS: lambda _: _in_background(lambda: open_file(settings_file)),
            UserAction.CONNECT: lambda _: runner.submit(connect),  # AWS calls: the worker
            UserAction.QUIT: lambda _: quit_app(),
        }

    def perform(self, choice: Choice) -> None:
        """Do what `choice` asks (pystray's thread, the panel's or the notifier's)."""
        self.handlers[choice.action](choice.argument)

    def button(self, key: str) -> None:
        """A notification's button was clicked: the same as its menu item."""
        choice = from_button(key)
        if choice is not None:
            self.perform(choice)


def _in_background(job: Callable[[], object]) -> None:
    threading.Thread(target=job, daemon=True).start()


def open_file(path: os.PathLike[str]) -> None:
    """Open the config file in the user's editor, creating it with a comment if missing."""
    target = os.fspath(path)
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write("# pipeline-tray settings: see the README's Configuration section\n")
    if sys.platform == "win32":
        os.startfile(target)  # type: ignore[attr-defined]  # noqa: S606
    else:
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        subprocess.run([opener, target], check=False, timeout=30)  # noqa: S603
