"""The report's charts as inline SVG strings, drawn from the core's geometry: bars per day and
lines over time with the study sessions shaded. Every chart carries a title and a description
(its text alternative) and data-* attributes that say what each mark stands for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from tray_app.core import chart_geometry as geo
from tray_app.core.report_model import Day, Report

WIDTH, HEIGHT = 720, 200  # the viewBox; the page scales it to its column
LEFT, RIGHT, TOP, BOTTOM = 66, 8, 12, 26  # room for the axes' labels
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
GAP_SECONDS = 2 * 300 + 60  # more than two schedule periods without a record: a gap


def _frame(chart_id: str, title: str, description: str, body: str) -> str:
    return (
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<g transform="translate({LEFT},{TOP})">{body}</g></svg>'
    )


def _y_axis(top: float, unit: str) -> str:
    lines = []
    for value in geo.ticks(top):
        y = PLOT_H - PLOT_H * value / top
        lines.append(
            f'<line class="grid" x1="0" x2="{PLOT_W}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="-6" y="{y + 4:.1f}" text-anchor="end">'
            f"{_money(value) if unit == '$' else _number(value) + unit}</text>"
        )
    return "".join(lines)


def _money(value: float) -> str:
    return "$0" if value == 0 else f"${value:.6f}".rstrip("0")


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}" if value >= 0.01 else f"{value:.1e}"


@dataclass(frozen=True)
class BarChart:
    """What a chart of one bar per day is: its id, the class of its bars, its words."""

    chart_id: str
    css: str
    title: str
    description: str
    unit: str  # on the axis


def day_bars(
    chart: BarChart,
    days: Sequence[Day],
    values: Sequence[float],
    data: Sequence[str],
    labels: Sequence[str] = (),
) -> str:
    """One bar per day with its data-* attributes (`data`), a tooltip and a label above it
    (`labels`, e.g. the number of sessions); the days below."""
    top = geo.nice_max(max(values, default=0.0))
    boxes = geo.bars(values, PLOT_W, PLOT_H)
    marks = []
    for n, (day, value, attrs, box) in enumerate(zip(days, values, data, boxes, strict=True)):
        tip = f"{value:.1f} h" if chart.unit == " h" else f"${value:.6f}"
        if n < len(labels) and labels[n]:
            marks.append(
                f'<text class="axis" x="{box.x + box.width / 2:.1f}" y="{box.y - 4:.1f}" '
                f'text-anchor="middle">{escape(labels[n])}</text>'
            )
        marks.append(
            f'<rect class="{chart.css}" data-day="{day.day.isoformat()}" {attrs} '
            f'x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}">'
            f"<title>{day.day:%a %d %b}: {escape(tip)}</title></rect>"
            f'<text class="axis" x="{box.x + box.width / 2:.1f}" y="{PLOT_H + 16}" '
            f'text-anchor="middle">{day.day:%a %d}</text>'
        )
    body = _y_axis(top, chart.unit) + "".join(marks)
    return _frame(chart.chart_id, chart.title, chart.description, body)


def metric_line(
    chart_id: str,
    report: Report,
    series: Sequence[tuple[float, float]],
    top: float,
    text: tuple[str, str, str],  # (title, description, unit on the axis)
) -> str:
    """The metric over the period as one path (a point per record), sessions shaded behind."""
    title, description, unit = text
    frame = geo.TimeFrame(report.start, report.end, PLOT_W, PLOT_H)
    shaded = geo.bands([(s.start, s.end) for s in report.sessions], frame)
    bands = "".join(
        f'<rect class="band" x="{b.x:.1f}" y="0" width="{max(b.width, 1.0):.1f}" '
        f'height="{PLOT_H}"/>'
        for b in shaded
    )
    drawn = geo.points(series, frame, top)
    line = f'<path class="series" data-points="{len(drawn)}" d="{_path(series, drawn)}"/>'

    days = "".join(
        f'<text class="axis" x="{frame.x_of(d.start):.1f}" y="{PLOT_H + 16}">{d.day:%a %d}</text>'
        f'<line class="tick" x1="{frame.x_of(d.start):.1f}" x2="{frame.x_of(d.start):.1f}" '
        f'y1="{PLOT_H}" y2="{PLOT_H + 4}"/>'
        for d in report.days
        if d.start >= report.start and frame.x_of(d.start) < PLOT_W - 40  # room for its name
    )
    return _frame(chart_id, title, description, bands + _y_axis(top, unit) + line + days)


def _path(series: Sequence[tuple[float, float]], drawn: Sequence[tuple[float, float]]) -> str:
    """The line through the points, lifted where records are missing (between sessions) so
    that it does not draw values nobody measured; a lone record gets a short dash."""
    parts: list[str] = []
    for n, (x, y) in enumerate(drawn):
        gap = n == 0 or series[n][0] - series[n - 1][0] > GAP_SECONDS
        if gap and parts and parts[-1].startswith("M"):  # the previous segment had one point
            parts.append("h 2")
        parts.append(f"{'M' if gap else 'L'} {x:.1f},{y:.1f}")
    if parts and parts[-1].startswith("M"):
        parts.append("h 2")
    return " ".join(parts)
