"""Run `python -m tray_app ARGS` with the real pystray icon wrapped so that every change to it
(setting icon, title, menu or visible; calling update_menu, stop, notify, remove_notification)
is written, with the thread that made it, as one line to the file named by $THREAD_LOG:
`<"main" or "other">\t<thread name>\t<what>`.

The wrapper is a subclass of whatever class the view made (pystray's backend Icon or ours), so
the backend and its behaviour are unchanged; only the record is added.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tray_app.commands.cli import main
from tray_app.desktop import tray_view  # after the path is set

PUBLIC = {"icon", "title", "menu", "visible"}
CALLS = ("update_menu", "stop", "notify", "remove_notification")
LOG = os.open(os.environ["THREAD_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)


def record(what: str) -> None:
    """One line per change, written at once: the process may end with os._exit."""
    thread = threading.current_thread()
    where = "main" if thread is threading.main_thread() else "other"
    os.write(LOG, f"{where}\t{thread.name}\t{what}\n".encode())


def recording(base: type) -> type:
    """A subclass of `base` that records public attribute sets and UI calls."""

    base_setattr: Any = base.__setattr__  # pystray's property setters run as before

    def __setattr__(self: Any, name: str, value: object) -> None:  # noqa: N807 - the hook
        if name in PUBLIC:
            record(f"set {name}")
        base_setattr(self, name, value)

    def call(name: str) -> Any:
        method = getattr(base, name)

        def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
            record(name)
            return method(self, *args, **kwargs)

        return recorded

    methods = {name: call(name) for name in CALLS}
    return type(f"Recording{base.__name__}", (base,), {"__setattr__": __setattr__, **methods})


original_init = tray_view.TrayView.__init__


def init(self: tray_view.TrayView, *args: Any, **kwargs: Any) -> None:
    """TrayView's own __init__, then its icon becomes a recording one."""
    original_init(self, *args, **kwargs)
    self.icon.__class__ = recording(type(self.icon))
    record("recording")


tray_view.TrayView.__init__ = init  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
