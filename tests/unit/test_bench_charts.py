"""The benchmarks' SVG chart writer: a valid document with log-scale x, a line per series,
gaps where a size was not reached, dashed targets and a legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from benchmarks.charts import Chart, Series, nice_ticks, svg

NS = "{http://www.w3.org/2000/svg}"
SIZES = [10.0, 100.0, 1000.0, 5000.0]


def _chart(*series: Series) -> Chart:
    return Chart("2. Full refresh", "services, log scale", "ms", SIZES, series)


def _points(polyline: ET.Element) -> list[tuple[float, float]]:
    pairs = (p.split(",") for p in polyline.attrib["points"].split())
    return [(float(x), float(y)) for x, y in pairs]


def test_a_chart_is_svg_with_one_line_per_series_and_a_legend() -> None:
    root = ET.fromstring(
        svg(
            _chart(
                Series("swarmtui", [100, 120, 300, 900]),
                Series("docker CLI", [150, 200, 700, 3000]),
                Series("target: 100 ms", [100] * 4, dash="6 4"),
            )
        )
    )
    assert root.tag == f"{NS}svg"
    lines = root.findall(f"{NS}polyline")
    assert len(lines) == 3
    assert [line.attrib.get("stroke-dasharray") for line in lines] == [None, None, "6 4"]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"swarmtui", "docker CLI", "target: 100 ms", "2. Full refresh"} <= set(texts)
    assert {"10", "100", "1,000", "5,000"} <= set(texts)  # every size on the x axis


def test_x_is_log_scale_and_y_grows_upwards() -> None:
    root = ET.fromstring(svg(_chart(Series("swarmtui", [100, 200, 300, 400]))))
    points = _points(root.findall(f"{NS}polyline")[0])
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.2)  # a decade each
    assert xs[3] - xs[2] == pytest.approx((xs[2] - xs[1]) * 0.699, abs=0.5)  # log10(5)
    assert ys == sorted(ys, reverse=True)  # bigger values higher up (smaller y)


def test_a_size_not_measured_leaves_a_gap_and_a_series_without_values_only_a_legend() -> None:
    root = ET.fromstring(
        svg(
            _chart(
                Series("swarmtui", [100, None, 300, 400]),
                Series("docker CLI: n/a", [None] * 4),
            )
        )
    )
    lines = root.findall(f"{NS}polyline")
    assert [len(_points(line)) for line in lines] == [1, 2]
    assert "docker CLI: n/a" in [t.text for t in root.iter(f"{NS}text")]


def test_names_are_escaped() -> None:
    root = ET.fromstring(svg(_chart(Series("a < b & c", [1, 2, 3, 4]))))
    assert "a < b & c" in [t.text for t in root.iter(f"{NS}text")]


def test_nice_ticks_are_round_and_cover_the_top() -> None:
    assert nice_ticks(950) == [0, 200, 400, 600, 800, 1000]
    assert nice_ticks(42) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(0.3)[-1] >= 0.3
    assert nice_ticks(0) == [0.0, 1.0]


def test_a_log_axis_needs_positive_sizes() -> None:
    with pytest.raises(ValueError):
        svg(Chart("t", "x", "y", [0.0, 10.0], [Series("s", [1, 2])]))


def test_a_note_is_written_at_its_size() -> None:
    chart = Chart(
        "t", "x", "y", SIZES, [Series("s", [1, 2, 3, None])], ["", "", "", "swarmtui failed"]
    )
    root = ET.fromstring(svg(chart))
    note = next(t for t in root.iter(f"{NS}text") if t.text == "swarmtui failed")
    assert note.attrib["text-anchor"] == "end"  # kept inside the chart at the right edge
