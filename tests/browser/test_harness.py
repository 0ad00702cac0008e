"""The harness itself, on hand-written pages: it sees each kind of fault the report test must
catch, and `check_page` passes a page that follows the report's contract and fails the same
page without its dark look. Without these a browser that reported nothing would pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.chromium import WatchedPage
from tests.browser.test_report_page import DAYS, METRICS, check_page

pytestmark = pytest.mark.browser
POINTS = 12
SESSIONS = 2
DARK = """@media (prefers-color-scheme: dark) { :root { --bg: #15181e; --fg: #e6e9ef;
  --bar: #4cc26a; --cost: #6ea0f0; --line: #f59e5b; } }"""
LIGHT = """
:root { --bg: #ffffff; --fg: #1d2330; --bar: #2e9e44; --cost: #2f6fd0; --line: #c2410c; }
body { background: var(--bg); color: var(--fg); margin: 20px; }
.chart { width: 100%; height: auto; display: block; }
.day-bar { fill: var(--bar); } .cost-bar { fill: var(--cost); } .band { fill: #8884; }
.series { fill: none; stroke: var(--line); stroke-width: 2; }
"""


def frame(chart: str, inside: str) -> str:
    """One chart as the contract has it: an SVG image with a title and a description."""
    return (
        f'<svg class="chart" id="{chart}" viewBox="0 0 720 200" role="img" '
        f'aria-labelledby="{chart}-t {chart}-d"><title id="{chart}-t">{chart}</title>'
        f'<desc id="{chart}-d">hand-written</desc>{inside}</svg>'
    )


def contract_page(*, dark: bool = True) -> str:
    """A small page that follows the report's contract (see the report command's docstring)."""
    bars = "".join(
        f'<rect class="day-bar" data-day="2026-11-{22 + d}" data-seconds="{600 * d}" '
        f'data-sessions="1" x="{100 * d}" y="{160 - 20 * d}" width="80" height="{20 * d}"/>'
        for d in range(DAYS)
    )
    costs = "".join(
        f'<rect class="cost-bar" data-day="2026-11-{22 + d}" data-usd="0.00001" '
        f'x="{100 * d}" y="100" width="80" height="60"/>'
        for d in range(DAYS)
    )
    points = " L ".join(f"{60 * n},{40 + 90 * (n % 2)}" for n in range(POINTS))
    series = f'<path class="series" data-points="{POINTS}" d="M {points}"/>'
    bands = "".join(
        f'<rect class="band" x="{300 * s}" y="0" width="50" height="160"/>' for s in range(SESSIONS)
    )
    style = LIGHT + (DARK if dark else "")
    return (
        f"<!DOCTYPE html><html><head><style>{style}</style></head><body>"
        '<span id="record-count" data-count="12">12</span>'
        '<span id="study-total" data-seconds="12600">3.5 h</span>'
        + frame("study-chart", bars)
        + frame("cost-chart", costs)
        + "".join(frame(chart, bands + series) for chart in METRICS)
        + "</body></html>"
    )


def test_the_harness_sees_requests_references_console_messages_and_exceptions(
    watched: WatchedPage, tmp_path: Path
) -> None:
    page = tmp_path / "faults.html"
    page.write_text(
        '<html><body><img alt="" src="http://127.0.0.1:9/x.png">'
        '<img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<script>console.error("broken"); throw new Error("bang")</script></body></html>'
    )
    watched.open(page.as_uri(), "light")
    assert watched.requests() == [page.as_uri(), "http://127.0.0.1:9/x.png"]  # not the data:
    assert [r.split("=", 1)[1][:10] for r in watched.references()] == [
        "http://127",
        "data:image",
    ]
    found = watched.problems()
    assert any(p.startswith("console.error") and "broken" in p for p in found), found
    assert any(p.startswith("exception: Error: bang") for p in found), found
    assert any(p.startswith("console.error: Failed to load resource") for p in found), found


def test_check_page_passes_the_contract_and_fails_it_without_the_dark_look(
    watched: WatchedPage, tmp_path: Path
) -> None:
    page = tmp_path / "contract.html"
    page.write_text(contract_page())
    check_page(watched, page.as_uri(), POINTS, SESSIONS, 12600)

    flat = tmp_path / "light-only.html"
    flat.write_text(contract_page(dark=False))
    with pytest.raises(AssertionError, match="dark"):
        check_page(watched, flat.as_uri(), POINTS, SESSIONS, 12600)
