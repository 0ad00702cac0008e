"""R3: the network is down when the session must stop: retried, told, persisted, applied later."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import notifications
from tests.faults.fault_proxy import FaultProxy, network_down
from tests.tray_process import Tray, eventually, rule, start_session
from tray_app.aws.client_session import TOTAL_ATTEMPTS

pytestmark = pytest.mark.functional


def pending_marker(home: Path) -> Path:
    return home / "state" / "pipeline-tray" / "pending-stop"


def test_a_stop_while_the_network_is_down_is_retried_until_it_lands(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    tray = tray_factory()
    start_session(tray)
    proxy.inject(network_down())
    pressed = tray.key("s")
    tray.wait_line("[Could not switch the pipeline off]", after=pressed)
    eventually(lambda: pending_marker(tmp_path).exists())
    # more attempts than botocore makes on its own: the app retried, with backoff
    eventually(lambda: proxy.count("DisableRule") > TOTAL_ATTEMPTS, timeout=20)
    assert rule()[0] == "ENABLED"
    proxy.clear()
    eventually(lambda: rule() == ("DISABLED", None), timeout=30)
    eventually(lambda: not pending_marker(tmp_path).exists())
    assert tray.proc.poll() is None
    said = notifications(tray)
    assert len([n for n in said if n.startswith("[Could not switch")]) == 1, said


def test_quitting_while_the_network_is_down_leaves_a_stop_that_the_next_start_applies(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray], tmp_path: Path
) -> None:
    first = tray_factory()
    start_session(first)
    proxy.inject(network_down())
    pressed = first.key("q")
    assert first.proc.wait(timeout=30) == 1
    first.wait_line("could not confirm the rule is off", after=pressed)
    assert pending_marker(tmp_path).exists()
    assert rule()[0] == "ENABLED"  # the function's deadline still bounds it meanwhile
    assert rule()[1] is not None

    proxy.clear()
    second = tray_factory()
    second.wait_line("[Pipeline switched off]", after=0)
    assert rule() == ("DISABLED", None)
    assert not pending_marker(tmp_path).exists()
