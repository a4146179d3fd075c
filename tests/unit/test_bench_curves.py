"""The curves' charts and table from measured points, also when a run stopped early."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from benchmarks.curves import chart_set, curves_markdown, write_charts

NS = "{http://www.w3.org/2000/svg}"


def _point(services: int, ms: float) -> dict[str, Any]:
    def figure(number: int, raw: dict[str, Any]) -> dict[str, Any]:
        return {"name": f"{number}. x", "raw": raw}

    return {
        "services": services,
        "tasks": services * 10,
        "floors": {"request_s": [ms / 4000]},
        "figures": [
            figure(2, {"swarmtui_s": [ms / 1000] * 3, "cli_s": [ms / 500] * 3}),
            figure(
                3,
                {
                    "latencies_s": [0.09, 0.08, float("inf")],
                    "event_s": [0.02, 0.03],
                    "cli_s": [0.03],
                },
            ),
            figure(7, {"peak_rss_mb": 90.0}),
        ],
    }


def test_points_become_three_charts_with_gaps_for_sizes_not_reached(tmp_path: Path) -> None:
    points = [_point(10, 100), _point(100, 120)]
    paths = write_charts(points, tmp_path)
    assert [p.name for p in paths] == list(chart_set(points))
    refresh = ET.fromstring(paths[0].read_text())
    lines = refresh.findall(f"{NS}polyline")
    assert len(lines) == 4  # swarmtui, CLI, target, floor: two points each
    assert all(len(line.attrib["points"].split()) == 2 for line in lines)
    memory = ET.fromstring(paths[2].read_text())
    assert "docker CLI: n/a (no figure)" in [t.text for t in memory.iter(f"{NS}text")]


def test_the_table_gives_floor_and_ratio() -> None:
    table = curves_markdown([_point(10, 100)])
    assert "| 10 / 100 | 2. full refresh | 100 ms | 200 ms | 25 ms | 4.0x |" in table
    # change: median of the finite samples; floor: the event's median delivery, 25 ms
    assert "| 10 / 100 | 3. change to screen | 85 ms | 30 ms | 25 ms | 3.4x | < 100 ms |" in table
    assert "| 10 / 100 | 7. peak memory | 90 MB | n/a | n/a | n/a | < 200 MB |" in table


def test_a_report_that_timed_the_event_apart_still_gives_the_floor() -> None:
    point = _point(10, 100)
    figure_3 = point["figures"][1]["raw"]
    point["floors"]["event_s"] = figure_3.pop("event_s")  # reports before 2026-12-02
    assert "| 3. change to screen | 85 ms | 30 ms | 25 ms | 3.4x |" in curves_markdown([point])
