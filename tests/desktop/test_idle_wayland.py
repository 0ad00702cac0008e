"""Idle auto-off on Wayland, end to end: a real headless sway 1.7 (KDE idle protocol only) and a
real KWin 5.27 (ext-idle-notify-v1), each with the whole app (`tray --terminal`, WAYLAND_DISPLAY
set, no DISPLAY, idle_minutes = 1) against the emulator. Input is real: wtype types on sway's
seat through the virtual keyboard protocol."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.desktop.wayland_compositors import Compositor, kwin, require_wayland, sway
from tests.tray_process import Tray, rule, start_session

pytestmark = pytest.mark.desktop
LIMIT = 60.0  # idle_minutes = 1
POLL = 1.0  # the Tray helper polls every second
STOP_SLACK = 1.5  # the stop's own AWS calls and the printed line, after the deciding tick
IDLE_END = "Switched off (idle)"
TYPE_EVERY = 10.0  # seconds between keys while "studying"
LOST = "[Idle auto-off stopped working]"


def wayland_tray(endpoint: str, home: Path, compositor: Compositor, **env: str) -> Tray:
    """The whole app on `compositor`: its socket in WAYLAND_DISPLAY and no X display at all."""
    return Tray(
        endpoint,
        home,
        {**compositor.env, "PIPELINE_TRAY_IDLE_MINUTES": "1", **env},
        unset=("DISPLAY", "XDG_SESSION_TYPE"),
    )


def chosen_backend(home: Path) -> str:
    """The idle backend the app's log says it chose."""
    log = (home / "state" / "pipeline-tray" / "pipeline-tray.log").read_text()
    found = re.search(r"idle backend (\S+) chosen", log)
    return found.group(1) if found else log


def reasons(home: Path) -> list[str]:
    """Why each recorded session ended."""
    history = home / "state" / "pipeline-tray" / "history.jsonl"
    return [json.loads(line)["reason"] for line in history.read_text().splitlines()]


def test_sway_typing_keeps_the_session_and_no_input_ends_it_at_the_limit(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    require_wayland("wtype")
    with sway() as compositor:
        tray = wayland_tray(endpoint, tmp_path, compositor)
        try:
            start_session(tray)
            assert chosen_backend(tmp_path) == "wayland_kde"  # sway 1.7 has no ext-idle-notify
            assert not [line for line in tray.lines if "unavailable" in line]
            started, started_at = tray.mark(), time.monotonic()
            # Type every 10 s until the countdown has moved twice: over 60 s of session, and
            # sway's idle clock ran from before the session, so without input it would be over.
            last_key = 0.0
            while not any("58 min left" in line for line in tray.lines[started:]):
                assert not any(IDLE_END in line for line in tray.lines[started:]), tray.lines
                assert time.monotonic() - started_at < 3 * LIMIT, tray.lines
                if time.monotonic() - last_key >= TYPE_EVERY:
                    compositor.type_key()
                    last_key = time.monotonic()
                time.sleep(0.2)
            assert rule()[0] == "ENABLED"
            quiet = tray.mark()
            # No more input: the idle warning, then the end at the limit (plus one poll).
            tray.wait_line("Move the mouse or press a key", timeout=LIMIT, after=quiet)
            tray.wait_line(IDLE_END, timeout=LIMIT + 10, after=quiet)
            ended = tray.stamps[tray.index(IDLE_END, after=quiet)] - last_key
            assert LIMIT - 0.5 <= ended <= LIMIT + POLL + STOP_SLACK, ended
            assert rule()[0] == "DISABLED"
            assert reasons(tmp_path) == ["idle"]
            assert not [line for line in tray.lines if "unavailable" in line]
        finally:
            tray.stop()


def test_kwin_no_input_ends_the_session_at_the_limit(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    with kwin() as compositor:
        launched = time.monotonic()  # the app subscribes after this: its idle clock starts later
        tray = wayland_tray(endpoint, tmp_path, compositor)
        try:
            start_session(tray)
            subscribed_by = tray.stamps[0]  # the first line comes after the idle backend is chosen
            assert chosen_backend(tmp_path) == "wayland_ext"  # KWin 5.27 offers the standard one
            assert not [line for line in tray.lines if "unavailable" in line]
            tray.wait_line(IDLE_END, timeout=LIMIT + 15, after=0)
            ended = tray.stamps[tray.index(IDLE_END, after=0)]
            assert ended - launched >= LIMIT - 0.5, ended - launched
            assert ended - subscribed_by <= LIMIT + POLL + STOP_SLACK, ended - subscribed_by
            assert rule()[0] == "DISABLED"
            assert reasons(tmp_path) == ["idle"]
            quit_key = tray.key("q")  # a clean exit with the compositor still connected
            assert tray.proc.wait(timeout=15) == 0, tray.lines[quit_key:]
        finally:
            tray.stop()


def test_a_compositor_killed_mid_session_is_said_once_and_the_timer_still_applies(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    with sway() as compositor:
        tray = wayland_tray(endpoint, tmp_path, compositor, PIPELINE_TRAY_SESSION_MINUTES="1")
        try:
            tray.wait_line("Off — costs $0", after=0)
            # The session's 1-minute timer starts 10 s after sway's idle clock: had the idle
            # reading survived the crash, idle (at 60 s) would end the session before the timer.
            time.sleep(10)
            start_session_now = tray.key("s")
            tray.wait_line("Study session on", after=start_session_now)
            warned = tray.wait_line("Move the mouse or press a key", timeout=LIMIT, after=0)
            assert warned  # the Wayland reading worked until now
            before_kill = tray.mark()
            compositor.kill()
            tray.wait_line(LOST, timeout=10, after=before_kill)
            tray.wait_line("Switched off (timer)", timeout=LIMIT, after=before_kill)
            assert reasons(tmp_path) == ["timer"]
            assert rule()[0] == "DISABLED"
            said = [line for line in tray.lines if LOST in line]
            assert said == [
                f"{LOST} the Wayland compositor went away. The session's timer still applies."
            ], tray.lines
            assert not [line for line in tray.lines if "Traceback" in line], tray.lines
            quit_key = tray.key("q")
            assert tray.proc.wait(timeout=15) == 0, tray.lines[quit_key:]
        finally:
            tray.stop()
