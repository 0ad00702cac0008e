"""The X server goes away under a running tray (a logout with no session manager asking first,
a crashed display): the tray releases its hold, the rule goes off and the process exits."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.desktop.conftest import X_SERVERS, Desktop
from tests.faults.fault_proxy import FaultProxy, network_down
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.desktop
NAMES = "costs|session|Checking|Starting|Switching|pipeline|AWS|cannot|reach"


def require_gi() -> None:
    """Skip (or, under CI, fail) without PyGObject, which pystray's GTK backends need."""
    try:
        import gi  # noqa: F401, PLC0415 - only to see that it is there
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("PyGObject missing — .ci/run must install the linux-tray extra")
        pytest.skip("PyGObject (the linux-tray extra) is needed for the tray")


def holders() -> list[str]:
    """The names of the holds in the session record."""
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY
    )
    holds = item.get("Item", {}).get("holds", {"M": {}})["M"]
    return sorted(h["M"]["name"]["S"] for h in holds.values())


@pytest.fixture(params=["gtk", "appindicator"])
def tray_in_session(
    request: pytest.FixtureRequest,
    desktop: Desktop,
    endpoint: str,
    stack: dict[str, str],
    tmp_path: Path,
) -> Iterator[tuple[Tray, Desktop, Path]]:
    """The tray icon on the given pystray backend, holding a session; yields its state dir."""
    require_gi()
    state = tmp_path / "state" / "pipeline-tray"
    tray = Tray(
        endpoint, tmp_path, {**desktop.env, "PYSTRAY_BACKEND": request.param}, terminal=False
    )
    try:
        desktop.icon_box(NAMES)
        # the hook is in place once the icon's setup ran (a line of its own in the log)
        eventually(lambda: "lost display hook installed" in log_text(state))
        boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
        eventually(lambda: rule()[1] is not None and len(holders()) == 1)  # adopted, held
        desktop.icon_box("auto-off")  # and the tray knows it holds: its own deadline shows
        yield tray, desktop, state
    finally:
        tray.stop()


def log_text(state: Path) -> str:
    """The tray's log file so far (empty before it exists)."""
    path = state / "pipeline-tray.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_a_lost_display_releases_the_hold_and_the_process_exits(
    tray_in_session: tuple[Tray, Desktop, Path],
) -> None:
    tray, desktop, state = tray_in_session
    X_SERVERS[desktop.display].send_signal(signal.SIGKILL)  # the display crashes

    eventually(lambda: rule() == ("DISABLED", None), timeout=15)
    assert tray.proc.wait(timeout=15) == 0  # the stop was confirmed
    assert holders() == []
    said = log_text(state)
    assert f"lost the connection to the X display {desktop.display}" in said, said
    assert "hold is released; exiting with code 0" in said, said
    history = (state / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(history[-1])["reason"] == "logout"


def test_a_display_lost_while_the_tray_stops_leaves_the_exit_to_the_stop(
    tray_in_session: tuple[Tray, Desktop, Path],
) -> None:
    """A logout that both signals the tray and takes the display: the stop under way wins."""
    tray, desktop, state = tray_in_session
    tray.proc.send_signal(signal.SIGTERM)
    X_SERVERS[desktop.display].send_signal(signal.SIGKILL)

    assert tray.proc.wait(timeout=20) == 0
    assert rule() == ("DISABLED", None)
    assert holders() == []
    assert "lost the" in log_text(state)  # the display went while the process still ran


def test_a_display_lost_while_aws_is_unreachable_leaves_a_pending_stop(
    desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    """The stop cannot land: the process still ends (code 1), and the next start applies it."""
    require_gi()
    state = tmp_path / "state" / "pipeline-tray"
    with FaultProxy(endpoint) as proxy:
        env = {**desktop.env, "PYSTRAY_BACKEND": "gtk"}
        tray = Tray(proxy.url, tmp_path, env, terminal=False)
        try:
            desktop.icon_box(NAMES)
            eventually(lambda: "lost display hook installed" in log_text(state))
            boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
            eventually(lambda: rule()[1] is not None and len(holders()) == 1)
            desktop.icon_box("auto-off")  # the tray knows it holds: its own deadline shows
            proxy.inject(network_down())
            X_SERVERS[desktop.display].send_signal(signal.SIGKILL)

            assert tray.proc.wait(timeout=30) == 1
            assert (state / "pending-stop").exists()
            assert rule()[0] == "ENABLED"  # the function's deadline bounds it meanwhile
            assert "the stop was not confirmed; exiting with code 1" in log_text(state)
        finally:
            tray.stop()
