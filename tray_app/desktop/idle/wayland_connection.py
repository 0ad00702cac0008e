"""A Wayland client that subscribes to one idle protocol and reads the compositor's pushes on a
thread blocked in select() on the display's socket: no polling, no wake-ups while nothing
happens. The protocol files (`wayland_ext_idle`, `wayland_kde_idle`) say how to subscribe."""

from __future__ import annotations

import atexit
import logging
import os
import select
import threading
from typing import Any, ClassVar

from pywayland.client.display import Display
from pywayland.protocol.wayland import WlRegistryProxy, WlSeat, WlSeatProxy
from pywayland.protocol_core.proxy import Proxy

from tray_app.desktop.idle.pushed_idle import PushedIdle

log = logging.getLogger(__name__)
NOTIFY_SECONDS = 5.0  # the compositor's timeout: short, so the core sees idle time to the second


class WaylandIdle:
    """Idle time pushed by the compositor over one protocol (a subclass names and subscribes).

    Raises OSError when there is no compositor to talk to, RuntimeError when it does not offer
    the protocol.
    """

    GLOBAL: ClassVar[str]  # the registry global the protocol needs
    PROTOCOL: ClassVar[str]  # its name, as people read it
    IDLED: ClassVar[str]  # the event that says "idle" ("idled" or "idle")

    def __init__(self, name: str | None = None, timeout: float = NOTIFY_SECONDS) -> None:
        self.reading = PushedIdle(timeout)
        self._display = Display(name)
        try:
            self._display.connect()
        except ValueError as err:
            where = name or os.environ.get("WAYLAND_DISPLAY", "wayland-0")
            raise OSError(f"cannot connect to Wayland display {where}") from err
        self._globals: dict[str, int] = {}
        try:
            self._subscribe(int(timeout * 1000))
        except (RuntimeError, OSError):
            self._display.disconnect()
            raise
        self._wake_read, self._wake_write = os.pipe()  # close() wakes the reader thread
        self._closed = False
        self._thread = threading.Thread(target=self._read, name="wayland-idle", daemon=True)
        self._thread.start()
        # A display left connected when the interpreter exits crashed it (exit 139).
        atexit.register(self.close)

    def bind_and_watch(
        self, registry: WlRegistryProxy, name: int, seat: WlSeatProxy, timeout_ms: int
    ) -> Proxy[Any]:
        """Bind the protocol's global `name`; return the object that will say idle and resumed."""
        raise NotImplementedError

    def _subscribe(self, timeout_ms: int) -> None:
        registry = self._display.get_registry()
        registry.dispatcher["global"] = self._on_global
        self._display.roundtrip()
        if self.GLOBAL not in self._globals:
            raise RuntimeError(f"the compositor offers no {self.PROTOCOL}")
        if "wl_seat" not in self._globals:
            raise RuntimeError("the compositor offers no seat")
        seat = registry.bind(self._globals["wl_seat"], WlSeat, 1)
        watch = self.bind_and_watch(registry, self._globals[self.GLOBAL], seat, timeout_ms)
        watch.dispatcher[self.IDLED] = self._on_idled
        watch.dispatcher["resumed"] = self._on_resumed
        # Kept for as long as the connection: a proxy collected while its events can still
        # arrive leaves libwayland calling back through a freed handle (the reader hung).
        self._proxies = (registry, seat, watch)
        if self._display.roundtrip() < 0:
            raise OSError("the Wayland compositor closed the connection")

    # pywayland hands a handler's return value to C: every handler must return None.
    def _on_global(self, _registry: WlRegistryProxy, name: int, interface: str, _v: int) -> None:
        self._globals.setdefault(interface, name)

    def _on_idled(self, _watch: Proxy[Any]) -> None:
        self.reading.idled()

    def _on_resumed(self, _watch: Proxy[Any]) -> None:
        self.reading.resumed()

    def idle_seconds(self) -> float | None:
        """Seconds since the last input on the seat, as the compositor's pushes tell it."""
        return self.reading.idle_seconds()

    def _read(self) -> None:
        try:
            self._serve()
        except Exception as err:  # a thread's top: the reading fails with it, the app goes on
            log.exception("the Wayland idle reader stopped")
            self.reading.gone(f"the Wayland idle reader stopped: {err}")

    def _serve(self) -> None:
        fd = self._display.get_fd()
        while not self._closed:
            self._display.flush()
            ready, _, _ = select.select([fd, self._wake_read], [], [])
            if self._closed or self._wake_read in ready:
                return
            try:
                self._display.dispatch(block=True)
            except RuntimeError as err:  # the socket closed: the compositor quit or crashed
                log.warning("the Wayland compositor went away: %s", err)
                self.reading.gone("the Wayland compositor went away")
                return

    def close(self) -> None:
        """Stop the reader thread and disconnect (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        os.write(self._wake_write, b"x")
        self._thread.join(timeout=2)
        self._display.disconnect()
        os.close(self._wake_read)
        os.close(self._wake_write)
        atexit.unregister(self.close)
