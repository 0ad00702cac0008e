"""The report as a person sees it: rendered by headless Chromium (Debian's), light and dark,
with no console message, no request beyond the file itself, nothing it refers to (not even a
data: URL), and its charts really drawn: counted in the DOM and seen in the screenshot."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from collector.container import Container
from PIL import Image

from tests.browser.chromium import WatchedPage
from tests.functional.test_report import cli, handler, land  # noqa: F401 - handler: a fixture
from tray_app.app.state_files import StateFiles

pytestmark = pytest.mark.browser
DAYS = 7
EARLIER = (1, 2, 3)  # days ago with a session already in the history
PER_SESSION = 24  # records landed in each earlier session, 5 minutes apart
NOW_RECORDS = 3  # records landed during the real CLI session
CHARTS = ("study-chart", "cost-chart", "metric-cpu", "metric-memory", "metric-load")
METRICS = ("metric-cpu", "metric-memory", "metric-load")
# What each chart draws its data with, and how many pixels of that colour it must show at the
# least: a bar is thousands of pixels, the lines of a few short sessions on a week's axis ~30.
MARKS = {
    "study-chart": (".day-bar", "fill", 500),
    "cost-chart": (".cost-bar", "fill", 500),
    **{chart: ("path.series", "stroke", 20) for chart in METRICS},
}
PAGE_FACTS = """({
  days: [...document.querySelectorAll('#study-chart .day-bar')].map(r => r.dataset.day),
  costs: document.querySelectorAll('#cost-chart .cost-bar').length,
  points: [...document.querySelectorAll('path.series')].map(p => Number(p.dataset.points)),
  drawn: [...document.querySelectorAll('path.series')].map(
    p => (p.getAttribute('d').match(/-?[0-9.]+,-?[0-9.]+/g) || []).length),
  length: [...document.querySelectorAll('path.series')].map(p => Math.round(p.getTotalLength())),
  bands: ['metric-cpu', 'metric-memory', 'metric-load'].map(
    id => document.querySelectorAll(`#${id} rect.band`).length),
  records: Number(document.getElementById('record-count').dataset.count),
  studied: Number(document.getElementById('study-total').dataset.seconds),
  untitled: [...document.querySelectorAll('svg.chart')].filter(s =>
    s.getAttribute('role') !== 'img' || !(s.getAttribute('aria-labelledby') || '').split(' ')
      .every(id => (document.getElementById(id)?.textContent || '').trim().length > 0)
  ).map(s => s.id),
  charts: [...document.querySelectorAll('svg.chart')].map(s => s.id),
  background: getComputedStyle(document.body).backgroundColor,
})"""


def rgb(css: str) -> tuple[int, int, int]:
    """(r, g, b) of a computed colour such as "rgb(21, 24, 30)"."""
    assert css.startswith("rgb"), f"not a colour: {css}"  # e.g. "none": nothing painted
    r, g, b = (int(float(part)) for part in css[css.index("(") + 1 : -1].split(",")[:3])
    return r, g, b


def brightness(colour: tuple[int, int, int]) -> float:
    """Perceived brightness, 0 (black) to 255 (white), as PIL's "L" conversion counts it."""
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def mean_brightness(image: Image.Image) -> float:
    """The mean brightness of an image, 0 (black) to 255 (white)."""
    grey = image.convert("L")
    return sum(n * count for n, count in enumerate(grey.histogram())) / (grey.width * grey.height)


def pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int) -> int:
    """How many of an image's pixels are within `tolerance` of `colour` on every channel."""
    data = image.convert("RGB").tobytes()
    return sum(
        1
        for i in range(0, len(data), 3)
        if abs(data[i] - colour[0]) <= tolerance
        and abs(data[i + 1] - colour[1]) <= tolerance
        and abs(data[i + 2] - colour[2]) <= tolerance
    )


def mark_colour(chart: str, mark: str, prop: str) -> str:
    """A script: the computed `prop` colour of the first `mark` in `chart`."""
    return f"getComputedStyle(document.querySelector('#{chart} {mark}')).{prop}"


def check_page(
    watched: WatchedPage, url: str, records: int, sessions: int, studied: float
) -> dict[str, Image.Image]:
    """Every check of the report at `url`, light then dark; returns the screenshots by scheme."""
    shots: dict[str, Image.Image] = {}
    backgrounds: dict[str, tuple[int, int, int]] = {}
    for scheme in ("light", "dark"):
        watched.open(url, scheme)
        facts: dict[str, Any] = watched.evaluate(PAGE_FACTS)
        assert watched.references() == [], "the page refers to something outside itself"
        assert len(set(facts["days"])) == len(facts["days"]) == facts["costs"] == DAYS
        assert facts["days"] == sorted(facts["days"])
        assert facts["points"] == facts["drawn"] == [records] * len(METRICS)
        assert all(length > 0 for length in facts["length"])  # the browser laid out each line
        assert facts["bands"] == [sessions] * len(METRICS)
        assert facts["records"] == records
        assert facts["studied"] == pytest.approx(studied, abs=1)
        assert facts["charts"] == list(CHARTS) and facts["untitled"] == []

        image = Image.open(io.BytesIO(watched.screenshot())).convert("RGB")
        background = backgrounds[scheme] = rgb(facts["background"])
        boxes = watched.boxes("svg.chart")
        for chart, (mark, prop, least) in MARKS.items():
            colour = rgb(watched.evaluate(mark_colour(chart, mark, prop)))
            contrast = max(abs(a - b) for a, b in zip(colour, background, strict=True))
            assert contrast > 60, (scheme, chart, f"{mark} {colour} on {background}")
            drawn = image.crop(boxes[chart])
            assert drawn.width > 600 and drawn.height > 150, (scheme, chart, drawn.size)
            seen = pixels_near(drawn, colour, 30)  # hidden, empty or unpainted: none
            assert seen >= least, (scheme, chart, f"{seen} pixels of {mark}'s colour {colour}")
        # the page as a whole looks like its scheme, not just its body's computed style
        assert (mean_brightness(image) > 180) == (scheme == "light"), scheme
        assert (brightness(background) > 180) == (scheme == "light"), (scheme, background)
        shots[scheme] = image
    assert backgrounds["light"] != backgrounds["dark"]
    assert watched.problems() == []
    assert set(watched.requests()) == {url}  # the file itself, nothing else
    return shots


@pytest.fixture
def page(endpoint: str, handler: Container, tmp_path: Path) -> tuple[Path, int, int, float]:  # noqa: F811
    """A week's report written by the real command: three earlier sessions already in the
    history, one real CLI session now; records landed through the handler inside each session.
    Returns the page, the records, the sessions and the seconds studied."""
    now = time.time()
    files = StateFiles(tmp_path / "pipeline-tray")  # the CLI's state dir (XDG_STATE_HOME)
    began = [now - days * 86400 - 7200 for days in EARLIER]
    for start in began:
        files.record_session(start, start + PER_SESSION * 300, "timer", 0)
    assert cli(endpoint, tmp_path, "start", "--minutes", "30").returncode == 0
    # the function collects only while a session is on: land every record during this one
    for s, start in enumerate(began):
        for n in range(PER_SESSION):
            land(handler, start + 150 + 300 * n, 100 * s + n)
    for n in range(NOW_RECORDS):
        land(handler, time.time(), 1000 + n)
    stopped = cli(endpoint, tmp_path, "stop")
    assert stopped.returncode == 0, stopped.stderr
    history = files.history()
    assert len(history) == len(EARLIER) + 1
    out = tmp_path / "report.html"
    done = cli(endpoint, tmp_path, "report", "--days", str(DAYS), "--output", str(out))
    assert done.returncode == 0, done.stderr
    records = len(EARLIER) * PER_SESSION + NOW_RECORDS
    return out, records, len(history), sum(e["end"] - e["start"] for e in history)


def test_the_report_renders_light_and_dark_offline_with_every_chart_drawn(
    page: tuple[Path, int, int, float], watched: WatchedPage
) -> None:
    path, records, sessions, studied = page
    shots = check_page(watched, path.as_uri(), records, sessions, studied)
    assert mean_brightness(shots["light"]) > mean_brightness(shots["dark"]) + 100
