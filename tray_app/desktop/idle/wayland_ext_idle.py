"""Idle on Wayland through the standard ext-idle-notify-v1 (sway >= 1.8, KWin >= 5.27,
Hyprland, labwc, niri, COSMIC). Its v1 request respects idle inhibitors: a video playing full
screen keeps the user "active", so a lecture counts as studying."""

from __future__ import annotations

from typing import Any

from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1
from pywayland.protocol.wayland import WlRegistryProxy, WlSeatProxy
from pywayland.protocol_core.proxy import Proxy

from tray_app.desktop.idle.wayland_connection import WaylandIdle


class ExtIdle(WaylandIdle):
    """ext_idle_notifier_v1.get_idle_notification: `idled`, then `resumed` at the next input."""

    GLOBAL = "ext_idle_notifier_v1"
    PROTOCOL = "ext-idle-notify-v1"
    IDLED = "idled"

    def bind_and_watch(
        self, registry: WlRegistryProxy, name: int, seat: WlSeatProxy, timeout_ms: int
    ) -> Proxy[Any]:
        """Bind the notifier at v1 (all we use) and ask for one notification on the seat."""
        notifier = registry.bind(name, ExtIdleNotifierV1, 1)
        # get_idle_notification, not v2's get_input_idle_notification: inhibitors count.
        watch: Proxy[Any] = notifier.get_idle_notification(timeout_ms, seat)
        return watch
