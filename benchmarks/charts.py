"""Line charts as SVG, written by hand: log-scale x (the fixture's sizes), linear y from zero,
one polyline per series, a legend, targets drawn dashed. No plotting library."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, PLOT_HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 70, 32, 44, 56  # margins around the plot area
LEGEND_ROW = 18  # the legend sits under the x axis, two entries a row
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#7f7f7f")


@dataclass(frozen=True)
class Series:
    """One line: a value per x (None where it was not measured: the line has a gap)."""

    name: str
    values: Sequence[float | None]
    colour: str = ""
    dash: str = ""  # an SVG stroke-dasharray: "" is a solid line


@dataclass(frozen=True)
class Chart:
    title: str
    x_label: str
    y_label: str
    xs: Sequence[float]
    series: Sequence[Series]
    notes: Sequence[str] = ()  # one per x, written above the axis there (e.g. "failed")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least TOP, about COUNT of them (steps of 1, 2 or 5
    times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:g}"


class _Scale:
    def __init__(self, xs: Sequence[float], y_top: float) -> None:
        self.low, self.high = math.log10(min(xs)), math.log10(max(xs))
        self.y_top = y_top
        self.width = WIDTH - LEFT - RIGHT
        self.height = PLOT_HEIGHT

    def x(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return LEFT + (math.log10(value) - self.low) / span * self.width

    def y(self, value: float) -> float:
        return TOP + self.height - value / self.y_top * self.height


def _segments(
    xs: Sequence[float], values: Sequence[float | None]
) -> list[list[tuple[float, float]]]:
    """The measured points, split where a value is missing."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, value in zip(xs, values, strict=True):
        if value is None or not math.isfinite(value):
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((x, value))
    return [s for s in segments if s]


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _axes(chart: Chart, scale: _Scale, ticks: list[float]) -> list[str]:
    bottom, right = TOP + scale.height, LEFT + scale.width
    parts = [
        f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333"/>',
    ]
    for value in ticks:
        y = scale.y(value)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(_text(LEFT - 6, y + 4, tick_label(value), "end"))
    for x_value in chart.xs:
        x = scale.x(x_value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#333"/>'
        )
        parts.append(_text(x, bottom + 18, tick_label(x_value)))
    parts.append(_text(LEFT + scale.width / 2, bottom + 38, chart.x_label))
    middle = TOP + scale.height / 2
    parts.append(
        _text(16, middle, chart.y_label, extra=f' transform="rotate(-90 16 {middle:.1f})"')
    )
    parts.append(_text(WIDTH / 2, 24, chart.title, extra=' font-size="15" font-weight="bold"'))
    return parts


def _lines(chart: Chart, scale: _Scale) -> list[str]:
    parts = []
    for index, series in enumerate(chart.series):
        colour = series.colour or COLOURS[index % len(COLOURS)]
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        for segment in _segments(chart.xs, series.values):
            points = " ".join(f"{scale.x(x):.1f},{scale.y(v):.1f}" for x, v in segment)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash}/>'
            )
            if not series.dash:
                parts += [
                    f'<circle cx="{scale.x(x):.1f}" cy="{scale.y(v):.1f}" r="3" fill="{colour}"/>'
                    for x, v in segment
                ]
    return parts


def _notes(chart: Chart, scale: _Scale) -> list[str]:
    bottom = TOP + scale.height
    parts = []
    for x, note in zip(chart.xs, chart.notes, strict=False):
        if note:
            at = scale.x(x)
            anchor = "end" if at > LEFT + scale.width * 0.8 else "middle"  # kept inside
            parts.append(_text(at, bottom - 8, note, anchor, ' fill="#d62728" font-size="11"'))
    return parts


def _legend(chart: Chart) -> list[str]:
    parts = []
    top = TOP + PLOT_HEIGHT + BOTTOM
    for index, series in enumerate(chart.series):
        colour = series.colour or COLOURS[index % len(COLOURS)]
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        x = 20 + (index % 2) * WIDTH / 2
        row = top + (index // 2) * LEGEND_ROW
        parts.append(
            f'<line x1="{x}" y1="{row - 4}" x2="{x + 24}" y2="{row - 4}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(_text(x + 30, row, series.name, "start"))
    return parts


def svg(chart: Chart) -> str:
    """The chart as a standalone SVG document."""
    if not chart.xs or min(chart.xs) <= 0:
        raise ValueError("a log-scale x axis needs positive x values")
    measured = [v for s in chart.series for v in s.values if v is not None and math.isfinite(v)]
    ticks = nice_ticks(max(measured, default=1.0) * 1.05)
    scale = _Scale(chart.xs, ticks[-1])
    height = TOP + PLOT_HEIGHT + BOTTOM + (len(chart.series) + 1) // 2 * LEGEND_ROW + 8
    body = [
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        *_axes(chart, scale, ticks),
        *_lines(chart, scale),
        *_notes(chart, scale),
        *_legend(chart),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
