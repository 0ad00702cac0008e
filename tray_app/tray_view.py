"""The pystray icon: the only code that touches pystray objects. It renders and forwards clicks.

`render(state)` may be called from any thread; it changes the image, the tooltip and the menu
only when they differ from what is shown (on AppIndicator a menu update closes an open menu).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PIL import Image

from tray_app import APP_NAME, menu_model
from tray_app.bundled import bundled
from tray_app.menu_model import SEPARATOR, Facts, Item
from tray_app.session import State

ICONS = bundled("icons")
ICON_SIZE = 64  # the tray host scales it down to its own size


class TrayView:
    """One tray icon and its menu."""

    def __init__(
        self,
        facts: Callable[[], Facts],
        on_action: Callable[[str], None],
        clock: Callable[[], float],
    ) -> None:
        import pystray  # noqa: PLC0415 - imports a display backend: only when a tray is wanted

        self._pystray = pystray
        self._facts = facts
        self._on_action = on_action
        self._clock = clock
        self._images = {
            name: Image.open(ICONS / f"{name}-{ICON_SIZE}.png").convert("RGBA")
            for name in ("on", "off", "busy", "error", "unknown")
        }
        self._lock = threading.Lock()
        self._items: tuple[Item, ...] = ()
        self._shown: tuple[str, str] = ("unknown", APP_NAME)
        self.icon = pystray.Icon(
            APP_NAME, self._images["unknown"], APP_NAME, menu=pystray.Menu(self._menu_items)
        )

    @property
    def has_menu(self) -> bool:
        """False on backends without menus (pystray's xorg): then the terminal panel is used."""
        return bool(self.icon.HAS_MENU)

    def run(self, setup: Callable[[Any], None]) -> None:
        """Run the toolkit's loop on this (the main) thread until stop().

        Raises OSError when the backend cannot start, e.g. when GTK cannot reach a notification
        service on the session bus (pystray's GTK backends need one).
        """
        try:
            self.icon.run(setup=setup)
        except _toolkit_errors() as err:
            raise OSError(str(getattr(err, "message", err))) from err

    def stop(self) -> None:
        """Leave the toolkit's loop (any thread)."""
        self.icon.stop()

    def render(self, state: State) -> None:
        """Show `state` (any thread)."""
        now = self._clock()
        facts = self._facts()
        items = menu_model.build(state, now, facts)
        name, title = (
            menu_model.icon_name(state),
            menu_model.headline(state, now, facts.judge, facts.notice),
        )
        with self._lock:
            if name != self._shown[0]:
                self.icon.icon = self._images[name]
            if title != self._shown[1]:
                self.icon.title = title
            self._shown = (name, title)
            changed = items != self._items
            self._items = items
        if changed:
            self.icon.update_menu()

    def _menu_items(self) -> list[Any]:
        with self._lock:
            items = self._items
        return [self._convert(item) for item in items]

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

    def _forward(self, action: str | None) -> Callable[[Any, Any], None] | None:
        if action is None:
            return None
        return lambda _icon, _item: self._on_action(action)


def _toolkit_errors() -> tuple[type[Exception], ...]:
    try:
        from gi.repository import GLib  # noqa: PLC0415 - only the GTK backends use it
    except ImportError:
        return ()
    return (GLib.GError,)
