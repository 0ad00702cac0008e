"""P3 on Wayland and P11: the idle tray's cost with the Wayland idle monitor, and idle latency.

P3  idle tray (no session, 30 s poll) for 60 s on a real headless sway 1.7, the Wayland monitor
    active and a key typed on the seat every 10 s (each key wakes its reader twice: resumed,
    then idle 5 s later): CPU seconds per hour and RSS; targets <= 2 s/h and <= 90 MB.
    Baseline (same minute, same machine): the same tray with no display, so no idle monitor.
P11 idle latency on sway: a key, then nothing; the time from that key to the app ending the
    session for idle (its idle reading reached the limit), / the configured limit (1 min);
    target <= 1.05. Baseline (same run, same key): a bare pywayland client asking sway for an
    idle event after the same minute, / the limit: the compositor's own precision.
Runs the app as `tray --terminal` (Wayland has no XEmbed tray) against moto on 127.0.0.1.
Needs sway and wtype (scripts/system-packages). Run: `make bench`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.shared_bench import isolate, make_pipeline  # noqa: E402
from bench.tray_bench import cpu_seconds, rss_mb  # noqa: E402
from tests.desktop.wayland_compositors import Compositor, sway  # noqa: E402
from tests.emulator_process import emulator_process  # noqa: E402
from tests.tray_process import Tray, start_session  # noqa: E402
from tray_app.desktop.idle.wayland_kde_idle import KdeIdle  # noqa: E402

LIMIT = 60.0  # idle_minutes = 1
TYPE_EVERY = 10.0
IDLE_END = "Switched off (idle)"


def idle_cost(endpoint: str, home: Path, compositor: Compositor, seconds: int) -> None:
    """P3: the Wayland tray and the no-display tray idle side by side, keys typed meanwhile."""
    quiet = {"PIPELINE_TRAY_POLL_SECONDS": "30"}  # the default poll: what an idle tray does
    for name in ("wayland", "bare"):
        (home / name).mkdir()
    wayland = Tray(endpoint, home / "wayland", {**compositor.env, **quiet}, unset=("DISPLAY",))
    bare = Tray(endpoint, home / "bare", quiet, unset=("DISPLAY", "WAYLAND_DISPLAY"))
    try:
        for tray in (wayland, bare):
            tray.wait_line("Off — costs $0", timeout=30, after=0)
        time.sleep(5)  # start-up is not "idle"
        start = {t.proc.pid: cpu_seconds(t.proc.pid) for t in (wayland, bare)}
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            compositor.type_key()
            time.sleep(min(TYPE_EVERY, max(0.0, end - time.monotonic())))
        cpu = {
            t.proc.pid: (cpu_seconds(t.proc.pid) - start[t.proc.pid]) * 3600 / seconds
            for t in (wayland, bare)
        }
        rss = {t.proc.pid: rss_mb(t.proc.pid) for t in (wayland, bare)}
        assert not [line for line in bare.lines + wayland.lines if "Traceback" in line]
    finally:
        wayland.stop()
        bare.stop()
    w, b = wayland.proc.pid, bare.proc.pid
    print(
        f"P3 Wayland idle CPU {cpu[w]:6.2f} s/h  vs the tray without a display {cpu[b]:6.2f} s/h"
        f"  ({cpu[w] - cpu[b]:+.2f} s/h)  (target <= 2 s/h)  [sway 1.7, a key every 10 s]"
    )
    print(
        f"P3 Wayland RSS      {rss[w]:6.1f} MB  vs the tray without a display {rss[b]:6.1f} MB"
        f"  ratio {rss[w] / rss[b]:.2f}  (target <= 90 MB)"
    )


def idle_latency(endpoint: str, home: Path, compositor: Compositor) -> None:
    """P11: from the last key to the app's idle end, beside the compositor's own idle event."""
    (home / "latency").mkdir()
    tray = Tray(
        endpoint,
        home / "latency",
        {**compositor.env, "PIPELINE_TRAY_IDLE_MINUTES": "1"},
        unset=("DISPLAY",),
    )
    try:
        start_session(tray)
        baseline = KdeIdle(str(compositor.socket), timeout=LIMIT)
        quiet = tray.mark()
        compositor.type_key()
        last_key = time.monotonic()
        while not baseline.idle_seconds() and time.monotonic() - last_key < LIMIT + 10:
            time.sleep(0.01)  # 10 ms steps: 0.02 % of the limit
        compositor_at = time.monotonic()
        tray.wait_line(IDLE_END, timeout=LIMIT + 15, after=quiet)
        app_at = tray.stamps[tray.index(IDLE_END, after=quiet)]
        baseline.close()
    finally:
        tray.stop()
    app, own = (app_at - last_key) / LIMIT, (compositor_at - last_key) / LIMIT
    print(
        f"P11 idle latency     {app:.3f} x the limit ({app_at - last_key:.2f} s for 60 s)  vs "
        f"sway's own idle event {own:.3f} x  ratio {app / own:.3f}  (target <= 1.05)"
    )


def main() -> int:
    """Run P3 on Wayland, then P11, each against one fresh sway and one emulator."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--idle-seconds", type=int, default=60)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="wayland-bench-"))
    isolate(home)
    try:
        with emulator_process() as (endpoint, _proc):
            make_pipeline(endpoint)
            os.environ["AWS_ENDPOINT_URL"] = endpoint  # the session checks' own boto3 calls
            with sway() as compositor:
                idle_cost(endpoint, home, compositor, args.idle_seconds)
            with sway() as compositor:
                idle_latency(endpoint, home, compositor)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
