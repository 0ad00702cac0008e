"""The report as a person sees it: rendered by headless Chromium (Debian's), light and dark,
with no console error and no request beyond the file itself, and its charts really drawn."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from collector.container import Container
from PIL import Image

from tests.browser.cdp import CHROMIUM, Browser, chromium
from tests.functional.test_report import cli, handler, land  # noqa: F401 - handler: a fixture

pytestmark = pytest.mark.browser
RECORDS = 6
COUNTS = """({
  days: document.querySelectorAll('#study-chart .day-bar').length,
  costs: document.querySelectorAll('#cost-chart .cost-bar').length,
  points: [...document.querySelectorAll('path.series')].map(p => Number(p.dataset.points)),
  drawn: [...document.querySelectorAll('path.series')].map(
    p => (p.getAttribute('d').match(/-?[0-9.]+,-?[0-9.]+/g) || []).length),
  length: [...document.querySelectorAll('path.series')].map(p => Math.round(p.getTotalLength())),
  bands: document.querySelectorAll('rect.band').length,
  titled: [...document.querySelectorAll('svg.chart')].every(
    s => s.getAttribute('role') === 'img' && document.getElementById(
      s.getAttribute('aria-labelledby').split(' ')[0]).textContent.length > 0),
  background: getComputedStyle(document.body).backgroundColor,
})"""


def require_chromium() -> None:
    """Skip on a laptop without Chromium; fail under CI, which must install it."""
    if os.path.exists(CHROMIUM) and shutil.which("chromium"):
        return
    message = "chromium missing (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + " — .ci/run must install it")
    pytest.skip(message)


@pytest.fixture
def page(endpoint: str, handler: Container, tmp_path: Path) -> Path:  # noqa: F811
    """A report of one session with RECORDS records, written by the real command."""
    require_chromium()
    now = time.time()
    assert cli(endpoint, tmp_path, "start", "--minutes", "30").returncode == 0
    for n in range(RECORDS):
        land(handler, now - 300 * (RECORDS - n), n)
    assert cli(endpoint, tmp_path, "stop").returncode == 0
    out = tmp_path / "report.html"
    done = cli(endpoint, tmp_path, "report", "--output", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def browser() -> Iterator[Browser]:
    require_chromium()
    with chromium() as opened:
        yield opened


def luminance(png: bytes) -> float:
    """The mean brightness of a screenshot, 0 (black) to 255 (white)."""
    grey = Image.open(io.BytesIO(png)).convert("L")
    return sum(n * count for n, count in enumerate(grey.histogram())) / (grey.width * grey.height)


def test_the_report_renders_light_and_dark_offline_with_every_chart_drawn(
    page: Path, browser: Browser
) -> None:
    seen = {}
    for scheme in ("light", "dark"):
        browser.open(page.as_uri(), scheme)
        counts = browser.evaluate(COUNTS)
        shot = browser.screenshot()
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        seen[scheme] = (counts, luminance(shot), len(image.getcolors(maxcolors=1 << 24) or []))
    for counts, _, colours in seen.values():
        assert counts["days"] == counts["costs"] == 7
        assert counts["points"] == counts["drawn"] == [RECORDS] * 3
        assert all(length > 0 for length in counts["length"])  # the browser drew each line
        assert counts["bands"] == 3  # the session, shaded on each metric chart
        assert counts["titled"] is True
        assert colours > 50  # charts, text and bars: not a blank page
    light, dark = seen["light"], seen["dark"]
    assert light[0]["background"] == "rgb(255, 255, 255)"
    assert dark[0]["background"] != light[0]["background"]
    assert light[1] > 200 > 60 > dark[1]
    assert browser.problems() == []
    assert set(browser.requests()) == {page.as_uri()}  # the file itself, nothing else
