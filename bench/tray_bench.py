"""P3 and P4: the tray's idle cost and its click latency, on Xvfb + trayer against a local emulator.

P3  idle tray (no session, 30 s poll) for 60 s: CPU seconds per hour and RSS
    targets <= 2 s/h and <= 90 MB; baseline: a bare pystray icon in the same tray, same minute.
    Twice, each on a fresh X server: the tray host (trayer) up first, and the icons first with
    the host starting LATE_SECONDS later (as at login: the icon docks late). Each figure says
    whether the process mapped OpenGL (Mesa, LLVM), which GTK loads when it opens the display.
P4  20 clicks: click -> busy icon (target <= 50 ms) and click -> confirmed state (p95 <= 300 ms)
    baselines: the bare icon swapping its image on click; the same AWS calls made directly
Needs the desktop tools of scripts/system-packages. Run: `make bench`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402 - after the path is set

from tests.aws_names import REGION  # noqa: E402
from tests.desktop.conftest import Desktop, share  # noqa: E402
from tests.emulator_process import EMULATOR_SCRIPT  # noqa: E402
from tests.template_resources import create_pipeline  # noqa: E402
from tests.tray_process import tray_command  # noqa: E402
from tray_app.aws.client_session import AwsSession  # noqa: E402
from tray_app.aws.pipeline import Pipeline  # noqa: E402

GREY, GREEN, BLUE = (138, 143, 152), (46, 158, 68), (47, 111, 208)
CLK_TCK = os.sysconf("SC_CLK_TCK")
LATE_SECONDS = 4.0  # icon first: how long the icons wait for a tray host
MESA = re.compile(r"libGLX_mesa|libLLVM|_dri\.so|libgallium")
TRAYER = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32"]
XVFB_OPTIONS = ["-screen", "0", "800x600x24", "-nolisten", "tcp"]
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
Box = tuple[int, int, int, int]
BASELINE = f"""
import pystray
from PIL import Image
icons = [Image.open("{ROOT}/assets/icons/" + name + "-64.png") for name in ("off", "busy")]
state = [0]
def swap(icon, item):
    state[0] ^= 1
    icon.icon = icons[state[0]]
def setup(icon):
    icon.visible = True
    icon.title = "bench-baseline"  # a title set once running names the tray window (as ours)
icon = pystray.Icon("baseline", icons[0], "baseline",
                    menu=pystray.Menu(pystray.MenuItem("swap", swap, default=True)))
icon.run(setup=setup)
"""


@contextlib.contextmanager
def process(
    argv: list[str], env: dict[str, str], **kwargs: object
) -> Iterator[subprocess.Popen[str]]:
    """A helper process, terminated at the end."""
    proc = subprocess.Popen(argv, env=env, text=True, **kwargs)  # type: ignore[call-overload]
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def desktop() -> Iterator[tuple[Desktop, dict[str, str], Callable[[], None]]]:
    """Xvfb, a session bus, dunst; yields the Desktop, its environment and a function that
    starts the tray host (trayer), which stops with the rest."""
    read_fd, write_fd = os.pipe()
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            process(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    "800x600x24",
                    "-nolisten",
                    "tcp",
                ],
                dict(os.environ),
                pass_fds=(write_fd,),
                **QUIET,
            )
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as announced:
            display = f":{announced.readline().strip()}"
        bus_proc = stack.enter_context(
            process(
                ["dbus-daemon", "--session", "--nofork", "--print-address"],
                dict(os.environ),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # its fd-limit and activation chatter
            )
        )
        assert bus_proc.stdout is not None
        bus = bus_proc.stdout.readline().strip()
        env = {**os.environ, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus}
        stack.enter_context(process(["dunst"], env, **QUIET))

        def start_host() -> None:
            stack.enter_context(process(TRAYER, env, **QUIET))

        yield Desktop(display, bus, []), env, start_host


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    """Resident memory now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def mesa(pid: int) -> str:
    """Whether a process mapped OpenGL's driver libraries."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "yes" if MESA.search(maps) else "no"


def wait_for(check: object, timeout: float = 20.0) -> float:
    """Poll `check()` as fast as screenshots allow; returns the time it first held."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if check():  # type: ignore[operator]
            return time.perf_counter()
    raise TimeoutError("condition not reached")


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(values, n=20)[-1]


@dataclass
class Idle:
    """P3 figures of one case: CPU s/h, RSS MB and Mesa mapped, for the app and the bare icon."""

    case: str
    app: tuple[float, float, str]
    bare: tuple[float, float, str]


def idle_case(
    endpoint: str,
    home: Path,
    host_first: bool,
    idle_seconds: int,
    then: Callable[[Desktop, Box, Box], None] | None = None,
) -> Idle:
    """The app and the bare icon idle side by side on a fresh desktop; `then` runs after."""
    home.mkdir(parents=True)
    (home / "run").mkdir(mode=0o700)
    with desktop() as (screen, env, start_host):
        if host_first:
            start_host()
            time.sleep(1)
        app_env = {
            **env,
            "PYSTRAY_BACKEND": "gtk",
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(home / "run"),
            "XDG_CONFIG_HOME": str(home / "config"),
        }
        app_argv = tray_command(endpoint, terminal=False)
        log = (home / "app.log").open("w")
        with (
            process(app_argv, app_env, stdout=log, stderr=subprocess.STDOUT) as app,
            process(
                [sys.executable, "-c", BASELINE], {**env, "PYSTRAY_BACKEND": "gtk"}, **QUIET
            ) as bare,
        ):
            if not host_first:
                time.sleep(LATE_SECONDS)
                start_host()
            screen.icon_box("costs")
            screen.icon_box("bench-baseline")
            time.sleep(1)  # trayer lays the icons out again when the second one docks
            app_box, bare_box = screen.icon_box("costs"), screen.icon_box("bench-baseline")
            time.sleep(10)  # start-up and the first poll are not "idle"
            start = {p.pid: cpu_seconds(p.pid) for p in (app, bare)}
            time.sleep(idle_seconds)
            figures = {
                p.pid: (
                    (cpu_seconds(p.pid) - start[p.pid]) * 3600 / idle_seconds,
                    rss_mb(p.pid),
                    mesa(p.pid),
                )
                for p in (app, bare)
            }
            if then is not None:
                then(screen, app_box, bare_box)
    case = "host first" if host_first else f"icon first, host {LATE_SECONDS:.0f} s later"
    return Idle(case, figures[app.pid], figures[bare.pid])


def main() -> int:
    """Run P3 (both orders) then P4 and print each figure beside its baseline and target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--clicks", type=int, default=20)
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION
    )
    home = Path(tempfile.mkdtemp(prefix="tray-bench-"))
    timings: list[list[float]] = []

    def click_run(screen: Desktop, app_box: Box, bare_box: Box) -> None:
        timings.extend(clicks(screen, app_box, bare_box, args.clicks))

    with process(
        [sys.executable, "-c", EMULATOR_SCRIPT],
        dict(os.environ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as emulator:
        assert emulator.stdout is not None
        endpoint = f"http://127.0.0.1:{emulator.stdout.readline().strip()}"
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        cases = [
            idle_case(endpoint, home / "first", True, args.idle_seconds, then=click_run),
            idle_case(endpoint, home / "late", False, args.idle_seconds),
        ]
        direct_ms = direct_calls(endpoint, args.clicks)
    busy_ms, confirmed_ms, bare_ms = timings
    for idle in cases:
        (app_cpu, app_rss, app_gl), (bare_cpu, bare_rss, bare_gl) = idle.app, idle.bare
        # The bare icon's CPU rounds to zero at the kernel's 10 ms tick: a difference says
        # more than a ratio there.
        print(
            f"P3 idle CPU        {app_cpu:6.2f} s/h  vs bare pystray icon {bare_cpu:6.2f} s/h  "
            f"(+{app_cpu - bare_cpu:.2f} s/h)  (target <= 2 s/h)  [{idle.case}]"
        )
        print(
            f"P3 RSS             {app_rss:6.1f} MB (GL {app_gl:>3})  vs bare pystray icon "
            f"{bare_rss:6.1f} MB (GL {bare_gl:>3})  ratio {app_rss / bare_rss:.2f}  "
            f"(target <= 90 MB)  [{idle.case}]"
        )
    print(
        f"P4 click -> busy   median {statistics.median(busy_ms):5.1f} ms, "
        f"max {max(busy_ms):5.1f} ms  "
        f"vs bare icon swap median {statistics.median(bare_ms):5.1f} ms  "
        f"ratio {statistics.median(busy_ms) / statistics.median(bare_ms):.2f}  (target <= 50 ms)"
    )
    print(
        f"P4 click -> state  p95 {p95(confirmed_ms):6.1f} ms  vs the same AWS calls made directly "
        f"p95 {p95(direct_ms):6.1f} ms  ratio {p95(confirmed_ms) / p95(direct_ms):.2f}  "
        "(target p95 <= 300 ms)"
    )
    return 0


def clicks(
    screen: Desktop, app_box: Box, bare_box: Box, count: int
) -> tuple[list[float], list[float], list[float]]:
    """Click the app's icon `count` times (start, stop, ...) and the bare icon as often."""
    busy, confirmed, bare = [], [], []
    for n in range(count):
        target = GREEN if n % 2 == 0 else GREY
        x, y, w, h = app_box
        t0 = time.perf_counter()
        screen.xdotool("mousemove", str(x + w // 2), str(y + h // 2), "click", "1")
        # The first visible answer to the click: the busy icon, or the confirmed state when the
        # emulator answers before the busy icon was ever painted.
        t_busy = wait_for(
            lambda: (
                share(screen.grab(app_box), BLUE) > 0.2 or share(screen.grab(app_box), target) > 0.2  # noqa: B023 - used at once
            )
        )
        t_done = wait_for(lambda: share(screen.grab(app_box), target) > 0.2)  # noqa: B023
        busy.append((t_busy - t0) * 1000)
        confirmed.append((t_done - t0) * 1000)
        colour = BLUE if n % 2 == 0 else GREY
        bx, by, bw, bh = bare_box
        t0 = time.perf_counter()
        screen.xdotool("mousemove", str(bx + bw // 2), str(by + bh // 2), "click", "1")
        bare.append((wait_for(lambda: share(screen.grab(bare_box), colour) > 0.2) - t0) * 1000)  # noqa: B023
    return busy, confirmed, bare


def direct_calls(endpoint: str, count: int) -> list[float]:
    """The gateway's own start and stop calls, timed without the tray around them."""
    from tray_app.app import config  # noqa: PLC0415

    settings = config.load({"endpoint_url": endpoint, "region": REGION}, env={})
    pipeline = Pipeline(AwsSession(settings), settings)
    times = []
    for n in range(count):
        t0 = time.perf_counter()
        if n % 2 == 0:
            pipeline.start(int(time.time()) + 900)
        else:
            pipeline.stop()
        times.append((time.perf_counter() - t0) * 1000)
    return times


if __name__ == "__main__":
    sys.exit(main())
