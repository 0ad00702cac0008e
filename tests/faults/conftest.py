"""The fault suite's fixtures: a fault proxy in front of the emulator, and real tray processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.fault_proxy import FaultProxy
from tests.tray_process import Tray


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    """A healthy fault proxy in front of the emulator; the app talks to `proxy.url`."""
    with FaultProxy(endpoint) as running:
        yield running


@pytest.fixture
def tray_factory(proxy: FaultProxy, tmp_path: Path) -> Iterator[Callable[..., Tray]]:
    """Start `pipeline-tray tray --terminal` processes behind the proxy; kill what is left."""
    started: list[Tray] = []

    def make(unset: tuple[str, ...] = (), prefix: tuple[str, ...] = (), **env: str) -> Tray:
        tray = Tray(proxy.url, tmp_path, env, unset=unset, prefix=prefix)
        started.append(tray)
        return tray

    yield make
    for tray in started:
        tray.stop()


def notifications(tray: Tray) -> list[str]:
    """The notifications the tray showed (the terminal panel prints each as `[title] message`)."""
    return [line for line in tray.lines if line.startswith("[")]
