"""The pystray icon: the only code that touches pystray objects. It renders and forwards clicks.

`render(state)` may be called from any thread. It works out what to show there, then hands one
job to the UI thread (`ui_thread.for_icon`), which changes the image, the tooltip and the menu
only when they differ from what is shown (on AppIndicator a menu update closes an open menu).
No other thread sets anything on the icon: macOS requires that, win32 needs it for menus.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from PIL import Image

from tray_app import APP_NAME
from tray_app.bundled import bundled
from tray_app.core import holds, menu_model, status_text
from tray_app.core.machine import State
from tray_app.core.menu_model import SEPARATOR, Facts, Item
from tray_app.core.user_actions import Choice
from tray_app.desktop import gtk_title, ui_thread

log = logging.getLogger(__name__)
ICONS = bundled("icons")
ICON_SIZE = 64  # the tray host scales it down to its own size
LOOKS = ("on", "off", "busy", "error", "unknown")
THEME_PREFIX = f"{APP_NAME}-"  # names in the icon theme folder: pipeline-tray-on, ...
THEME_NAME = "theme-name"  # the key in an image's `info` that holds that name
Shown = tuple[str, str, tuple[Item, ...]]  # icon look, tooltip, menu


def keep_gl_out() -> None:
    """Stop GTK from loading OpenGL (libGL, Mesa, LLVM; docs/benchmarks.md, P3) when it opens the
    display: GTK 3 probes GLX there whenever the X server offers it, and a tray icon and its
    menus never draw with GL. Must run before Gtk is first imported; a user's own GDK_GL wins."""
    os.environ.setdefault("GDK_GL", "disable")


class TrayView:
    """One tray icon and its menu."""

    def __init__(
        self,
        facts: Callable[[], Facts],
        on_action: Callable[[Choice], None],
        clock: Callable[[], float],
    ) -> None:
        keep_gl_out()
        import pystray  # noqa: PLC0415 - imports a display backend: only when a tray is wanted

        self._pystray = pystray
        self._facts = facts
        self._wrong_clocks = status_text.WrongClocks()
        self._on_action = on_action
        self._clock = clock
        self._images = {name: _image(name) for name in LOOKS}
        self._lock = threading.Lock()  # guards _wanted: render() runs on any thread
        self._wanted: Shown | None = None  # the latest render not yet applied on the UI thread
        self._shown: Shown = ("unknown", APP_NAME, ())  # the UI thread's own
        self.icon = _icon_class(pystray)(
            APP_NAME, self._images["unknown"], APP_NAME, menu=pystray.Menu(self._menu_items)
        )
        self._ui = ui_thread.for_icon(self.icon)

    @property
    def has_menu(self) -> bool:
        """False on backends without menus (pystray's xorg): then the terminal panel is used."""
        return bool(self.icon.HAS_MENU)

    def run(self, setup: Callable[[Any], None]) -> None:
        """Run the toolkit's loop on this (the main) thread until stop().

        Raises OSError when the backend cannot start, e.g. when GTK cannot reach a notification
        service on the session bus (pystray's GTK backends need one).
        """

        def ready(icon: object) -> None:  # pystray's setup thread, once the loop runs
            self._ui(self._show)
            setup(icon)

        try:
            self.icon.run(setup=ready)
        except _toolkit_errors() as err:
            raise OSError(str(getattr(err, "message", err))) from err

    def stop(self) -> None:
        """Leave the toolkit's loop (any thread)."""
        self._ui(self.icon.stop)

    def render(self, state: State) -> None:
        """Show `state` (any thread): the newest state wins, applied on the UI thread."""
        now = self._clock()
        facts = self._facts()
        others = holds.others(state.shared, now, facts.judge)
        for note in self._wrong_clocks.news(others, now, facts.zone, facts.judge):
            log.warning("%s", note)  # the menu shows the bounded end; the log says why, once
        wanted = (
            menu_model.icon_name(state),
            menu_model.headline(state, now, facts.judge, facts.notice, zone=facts.zone),
            menu_model.build(state, now, facts),
        )
        with self._lock:
            queued = self._wanted is not None  # a job is on its way and will take this one
            self._wanted = wanted
        if not queued:
            self._ui(self._apply)

    def _show(self) -> None:
        self.icon.visible = True
        gtk_title.show_title(self.icon)  # a title rendered while hidden would be lost

    def _apply(self) -> None:
        """The UI thread's half of render(): change what differs from what is shown."""
        with self._lock:
            wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        name, title, items = wanted
        shown, self._shown = self._shown, wanted
        if name != shown[0]:
            self.icon.icon = self._images[name]
        if title != shown[1]:
            self.icon.title = title
        if items != shown[2]:
            self.icon.update_menu()

    def _menu_items(self) -> list[Any]:
        # pystray calls this while it builds the menu, on the UI thread, like _apply
        return [self._convert(item) for item in self._shown[2]]

    def _convert(self, item: Item) -> Any:  # noqa: ANN401 - a pystray MenuItem
        pystray = self._pystray
        if item is SEPARATOR:
            return pystray.Menu.SEPARATOR
        if item.submenu:
            return pystray.MenuItem(item.text, pystray.Menu(*map(self._convert, item.submenu)))
        checked = item.checked
        return pystray.MenuItem(
            item.text,
            self._forward(item.action),
            checked=(lambda _item: checked) if checked is not None else None,
            radio=item.radio,
            default=item.default,
            enabled=item.enabled,
        )

    def _forward(self, action: Choice | None) -> Callable[[Any, Any], None] | None:
        if action is None:
            return None
        return lambda _icon, _item: self._on_action(action)


def _image(look: str) -> Image.Image:
    """The icon for a look; it carries its name in the theme for backends that show names."""
    image = Image.open(ICONS / f"{look}-{ICON_SIZE}.png").convert("RGBA")
    image.info[THEME_NAME] = f"{THEME_PREFIX}{look}"
    return image


def _icon_class(pystray: Any) -> Any:  # noqa: ANN401 - pystray's Icon class or ours
    """pystray's Icon for its chosen backend; on AppIndicator, ours that shows theme names."""
    if ui_thread.backend_of(pystray.Icon) != "appindicator":
        return pystray.Icon
    from tray_app.desktop.appindicator_icon import ThemedIcon  # noqa: PLC0415 - that backend only

    return functools.partial(ThemedIcon, theme=bundled("icon-theme"), name_key=THEME_NAME)


def _toolkit_errors() -> tuple[type[Exception], ...]:
    try:
        from gi.repository import GLib  # noqa: PLC0415 - only the GTK backends use it
    except ImportError:
        return ()
    return (GLib.GError,)
