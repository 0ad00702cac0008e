"""Idle on Wayland through KDE's org_kde_kwin_idle, for compositors without the standard one
(sway <= 1.8, older KWin). Its bindings are generated (`kde_idle_protocol.py`)."""

from __future__ import annotations

from typing import Any

from pywayland.protocol.wayland import WlRegistryProxy, WlSeatProxy
from pywayland.protocol_core.proxy import Proxy

from tray_app.desktop.idle.kde_idle_protocol import OrgKdeKwinIdle
from tray_app.desktop.idle.wayland_connection import WaylandIdle


class KdeIdle(WaylandIdle):
    """org_kde_kwin_idle.get_idle_timeout: `idle`, then `resumed` at the next input."""

    GLOBAL = "org_kde_kwin_idle"
    PROTOCOL = "KDE idle protocol (org_kde_kwin_idle)"
    IDLED = "idle"

    def bind_and_watch(
        self, registry: WlRegistryProxy, name: int, seat: WlSeatProxy, timeout_ms: int
    ) -> Proxy[Any]:
        """Bind the idle manager and ask for a timeout on the seat."""
        manager = registry.bind(name, OrgKdeKwinIdle, 1)
        watch: Proxy[Any] = manager.get_idle_timeout(seat, timeout_ms)
        return watch
