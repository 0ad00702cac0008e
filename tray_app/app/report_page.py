"""The study report as one self-contained HTML page: inline CSS and SVG, no script, no request
of any kind, a light and a dark look, readable printed; every chart has a text alternative."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape

from tray_app import APP_NAME
from tray_app.app import report_svg
from tray_app.app.state_files import (
    MEMORY_GB,
    PRICE_PER_GB_SECOND_USD,
    PRICE_PER_REQUEST_USD,
    SECONDS_PER_RUN,
    estimated_cost_usd,
)
from tray_app.core import chart_geometry as geo
from tray_app.core.report_model import Report, Sample
from tray_app.core.status_text import duration

STYLE = """
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d2330; --muted: #5b6475;
  --grid: #e3e6ec; --bar: #2e9e44; --cost: #2f6fd0; --line: #c2410c; --band: rgba(46,158,68,.16);
  --card: #f4f6f9; }
@media (prefers-color-scheme: dark) { :root { --bg: #15181e; --fg: #e6e9ef; --muted: #9aa3b2;
  --grid: #2c323d; --bar: #4cc26a; --cost: #6ea0f0; --line: #f59e5b;
  --band: rgba(76,194,106,.22); --card: #1f242c; } }
body { background: var(--bg); color: var(--fg); margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.muted, .axis { color: var(--muted); fill: var(--muted); } .axis { font-size: 11px; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { background: var(--card); border-radius: 8px; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.3rem; }
.chart { width: 100%; height: auto; display: block; }
.grid { stroke: var(--grid); } .tick { stroke: var(--muted); }
.day-bar { fill: var(--bar); } .cost-bar { fill: var(--cost); } .band { fill: var(--band); }
.series { fill: none; stroke: var(--line); stroke-width: 1.5; stroke-linejoin: round; }
.empty { background: var(--card); border-left: 4px solid var(--cost); padding: .6rem 1rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: 13px; }
th, td { text-align: right; padding: .15rem .7rem; border-bottom: 1px solid var(--grid); }
th:first-child, td:first-child { text-align: left; }
details { margin: .3rem 0 1rem; } summary { cursor: pointer; color: var(--muted); }
@media print { body { margin: 0; max-width: none; } details { display: none; } }
"""


@dataclass(frozen=True)
class Reading:
    """How the records were read, for the page's footnote (None fields: nothing was read)."""

    pages: int
    read_units: float
    complete: bool
    problem: str | None = None  # why there are no records to show (e.g. the table is missing)


def render(report: Report, days: int, reading: Reading, tz: tzinfo) -> str:
    """The whole page."""
    first, last = report.days[0].day, report.days[-1].day
    generated = datetime.fromtimestamp(report.end, tz).strftime("%Y-%m-%d %H:%M %Z")
    sessions = sum(d.sessions for d in report.days)
    body = [
        f"<h1>Study report: the last {days} day{'s' if days != 1 else ''}</h1>",
        f'<p class="muted">{first:%a %d %b %Y} to {last:%a %d %b %Y} · made {generated} by '
        f"{APP_NAME}</p>",
        '<div class="cards">',
        _card(
            "Study time",
            duration(report.study_seconds),
            "study-total",
            f'data-seconds="{report.study_seconds:.0f}"',
        ),
        _card("Sessions", str(sessions), "session-count", f'data-count="{sessions}"'),
        _card(
            "Estimated cost",
            f"${report.cost_usd:.6f}",
            "cost-total",
            f'data-usd="{report.cost_usd:.8f}"',
        ),
        _card(
            "Metrics records",
            str(len(report.samples)),
            "record-count",
            f'data-count="{len(report.samples)}"',
        ),
        "</div>",
        *_study_section(report, days),
        *_metrics_section(report, reading),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{APP_NAME}: study report</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _card(label: str, value: str, element_id: str, data: str) -> str:
    return (
        f'<div class="card">{escape(label)}<b><span id="{element_id}" {data}>'
        f"{escape(value)}</span></b></div>"
    )


def _study_section(report: Report, days: int) -> list[str]:
    hours = [d.study_seconds / 3600 for d in report.days]
    costs = [d.cost_usd for d in report.days]
    sessions = sum(d.sessions for d in report.days)
    ends = ", ".join(f"{reason} {count}" for reason, count in report.reasons) or "none"
    out = ["<h2>Study time and cost per day</h2>"]
    if not report.sessions:
        out.append(
            '<p class="empty">No study sessions in these days yet: start one from the tray '
            "icon, or with <code>pipeline-tray start</code>. Sessions are kept in the history "
            "file of this computer's state directory.</p>"
        )
    out += [
        report_svg.day_bars(
            report_svg.BarChart(
                "study-chart",
                "day-bar",
                "Study time per day",
                f"Bars of hours studied on each of the {days} days; {sessions} sessions in all, "
                f"{duration(report.study_seconds)} in total.",
                " h",
            ),
            report.days,
            hours,
            [
                f'data-seconds="{d.study_seconds:.0f}" data-sessions="{d.sessions}"'
                for d in report.days
            ],
            [
                f"{d.sessions} session{'s' if d.sessions != 1 else ''}" if d.sessions else ""
                for d in report.days
            ],
        ),
        f'<p>Sessions ended by: <span id="end-reasons">{escape(ends)}</span></p>',
        "<h3>Estimated cost</h3>",
        report_svg.day_bars(
            report_svg.BarChart(
                "cost-chart",
                "cost-bar",
                "Estimated cost per day",
                f"Bars of the estimated Lambda cost of each day; ${report.cost_usd:.6f} in all.",
                "$",
            ),
            report.days,
            costs,
            [f'data-usd="{d.cost_usd:.8f}"' for d in report.days],
        ),
        _prices(),
        _days_table(report),
    ]
    return out


def _prices() -> str:
    per_run = estimated_cost_usd(1_000_000) / 1_000_000
    return (
        '<p class="muted">Prices used: AWS Lambda on x86 in eu-west-1 (the same as us-east-1), '
        f"${PRICE_PER_REQUEST_USD * 1e6:.2f} per million requests and "
        f"${PRICE_PER_GB_SECOND_USD:.10f} per GB-second, at "
        f"{MEMORY_GB * 1024:.0f} MB and the seed's measured {SECONDS_PER_RUN} s "
        f"per run: ${per_run:.9f} per run, one run per 5 minutes of study plus each invoke, "
        "before the free tier. Source: aws.amazon.com/lambda/pricing. DynamoDB and S3 writes "
        "are a few millionths of a dollar more per day.</p>"
    )


def _days_table(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{d.day:%a %d %b}</td><td>{duration(d.study_seconds)}</td>"
        f"<td>{d.sessions}</td>"
        f"<td>{escape(', '.join(f'{r} {n}' for r, n in d.reasons) or 'none')}</td>"
        f"<td>${d.cost_usd:.6f}</td></tr>"
        for d in report.days
    )
    return (
        "<details><summary>The same as a table</summary><table><thead><tr><th>Day</th>"
        "<th>Study time</th><th>Sessions</th><th>Ended by</th><th>Cost</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )


METRICS: tuple[tuple[str, str, Callable[[Sample], float | None], str], ...] = (
    ("metric-cpu", "CPU", lambda s: s.cpu, " %"),
    ("metric-memory", "Memory used", lambda s: s.memory, " %"),
    ("metric-load", "Load (1 min)", lambda s: s.load, ""),
)


def _metrics_section(report: Report, reading: Reading) -> list[str]:
    out = ["<h2>What the collector saw</h2>"]
    if reading.problem:
        out.append(f'<p class="empty">{escape(reading.problem)}</p>')
    elif not report.samples:
        out.append(
            '<p class="empty">No metrics records in these days: the collector runs only while '
            "a study session keeps its rule on, once every 5 minutes.</p>"
        )
    for chart_id, name, value_of, unit in METRICS:
        series = [(s.at, v) for s in report.samples if (v := value_of(s)) is not None]
        values = [v for _, v in series]
        top = geo.nice_max(max(values, default=0.0))
        top = min(top, 100.0) if unit == " %" else top  # a percentage tops out at 100
        summary = (
            f"{len(values)} records, from {min(values):.1f}{unit} to {max(values):.1f}{unit}, "
            f"mean {sum(values) / len(values):.1f}{unit}"
            if values
            else "no records"
        )
        out.append(f"<h3>{escape(name)}</h3>")
        out.append(
            report_svg.metric_line(
                chart_id,
                report,
                series,
                top,
                (f"{name} over the period", f"{name}: {summary}; study sessions shaded.", unit),
            )
        )
    read = (
        f"Read with {reading.pages} paginated Query page{'s' if reading.pages != 1 else ''} on "
        f"the table's newest-first index: {reading.read_units:g} read units "
        f"(≈ ${reading.read_units * 0.1415 / 1e6:.8f} on demand)."
        if reading.pages
        else "No records were read."
    )
    if not reading.complete:
        read += " The period holds more records than one report reads: the oldest are left out."
    out.append(f'<p class="muted">{escape(read)}</p>')
    return out
