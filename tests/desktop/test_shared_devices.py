"""Two devices share one session: the desktop's real tray icon follows the laptop's session,
names its holder, joins it from its menu, and its user's idle time releases only its own hold."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION
from tests.desktop.conftest import Desktop, share
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tests.tray_process import Tray, eventually, rule, soon

pytestmark = pytest.mark.desktop
GREY = (138, 143, 152)
GREEN = (46, 158, 68)
MENU_WHITE = (255, 255, 255)
HIGHLIGHT = (53, 132, 228)  # Adwaita's selected-item blue
MENU_AREA = (380, 0, 420, 330)
NAMES = "costs|session|Checking|Starting|Switching|pipeline|AWS"


def holders() -> list[str]:
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY
    )
    holds = item.get("Item", {}).get("holds", {"M": {}})["M"]
    return sorted(h["M"]["name"]["S"] for h in holds.values())


def highlighted(desktop: Desktop) -> bool:
    return share(desktop.grab(MENU_AREA), HIGHLIGHT, 40) > 0.01


def choose_second_item(desktop: Desktop, box: tuple[int, int, int, int]) -> None:
    """Open the icon's menu and choose its second choosable item with the keyboard."""
    x, y, w, h = box
    desktop.xdotool("mousemove", str(x + w // 2), str(y + h // 2), "click", "3")
    eventually(lambda: share(desktop.grab(MENU_AREA), MENU_WHITE, 12) > 0.3)

    def first_highlighted() -> bool:
        if highlighted(desktop):
            return True
        desktop.xdotool("key", "Down")  # keys count once the menu holds the keyboard
        return soon(lambda: highlighted(desktop), timeout=1)  # else the key was lost: again

    eventually(first_highlighted, timeout=10)
    desktop.xdotool("key", "Down", "Return")


def test_the_desktop_follows_joins_and_leaves_the_laptops_session(
    desktop: Desktop, endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the linux-tray extra) is needed for the tray")
    for name in ("laptop", "desktop"):
        (tmp_path / name).mkdir()
    # the laptop: a terminal tray with no display, so no idle reading: its user is at work
    laptop = Tray(endpoint, tmp_path / "laptop", {"PIPELINE_TRAY_DEVICE_NAME": "laptop"})
    icon_env = {
        **desktop.env,
        "PYSTRAY_BACKEND": "gtk",
        "PIPELINE_TRAY_DEVICE_NAME": "desktop",
        "PIPELINE_TRAY_IDLE_MINUTES": "1",
    }
    icon = Tray(endpoint, tmp_path / "desktop", icon_env, terminal=False)
    try:
        laptop.wait_line("Off — costs $0", after=0)
        desktop.icon_box("Off — costs")
        laptop.key("s")
        # green, and the title (the menu's first line) names who holds the session
        box = desktop.icon_box("held by laptop")
        eventually(lambda: share(desktop.grab(box), GREEN) > 0.2, timeout=10)
        assert holders() == ["laptop"]

        choose_second_item(desktop, box)  # "Join this session here", below "Stop — ends …"
        desktop.icon_box("also on: laptop")
        assert holders() == ["desktop", "laptop"]

        # nobody touches the desktop for its idle minute: it leaves, the laptop keeps studying
        eventually(lambda: holders() == ["laptop"], timeout=90)
        assert rule()[0] == "ENABLED"
        desktop.icon_box("held by laptop")
        eventually(lambda: any("You left the study session" in n for n in desktop.notifications))

        laptop.key("q")  # the last hold ends: the rule goes off, and the desktop turns grey
        assert laptop.proc.wait(timeout=15) == 0
        assert rule() == ("DISABLED", None)
        eventually(lambda: share(desktop.grab(desktop.icon_box("Off — costs")), GREY) > 0.2)
    finally:
        laptop.stop()
        icon.stop()
