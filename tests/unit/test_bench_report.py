"""The benchmarks' report: the machine, the load average before and after, every raw
sample, and a warning when the run began on a machine busier than its cores."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.report import busy_warning, load_average, machine, markdown, write


def _context(warning: str = "") -> dict[str, str]:
    context = {
        "mode": "full",
        "when": "2026-12-02 03:00 UTC",
        **machine(),
        "load before": "0.50 0.40 0.30",
        "load after": "1.50 0.60 0.35",
    }
    if warning:
        context["warning"] = warning
    return context


def _figure() -> Figure:
    return Figure("2. Full refresh", "300 ms", "500 ms", "no slower", True, raw={"s": [0.3, 0.31]})


def test_load_average_is_three_numbers() -> None:
    assert len([float(part) for part in load_average().split()]) == 3


def test_a_load_above_the_core_count_warns() -> None:
    assert busy_warning("0.90 1.0 1.0", "2") == ""
    assert busy_warning("2.00 1.0 1.0", "2") == ""
    warning = busy_warning("5.12 4.0 3.0", "2")
    assert "5.12" in warning and "2 cores" in warning
    assert busy_warning("", "2") == busy_warning("1.0", "?") == ""


def test_json_and_markdown_carry_machine_load_and_raw_samples(tmp_path: Path) -> None:
    path = write([_figure()], _context(), tmp_path)
    data = json.loads(path.with_suffix(".json").read_text())
    assert data["context"]["load before"] == "0.50 0.40 0.30"
    assert data["context"]["load after"] == "1.50 0.60 0.35"
    assert data["context"]["cores"] and data["context"]["cpu"]
    assert data["figures"][0]["raw"] == {"s": [0.3, 0.31]}
    text = path.read_text()
    assert "load before: 0.50 0.40 0.30" in text and "load after: 1.50 0.60 0.35" in text
    assert "Warning" not in text
    assert (tmp_path / "latest-full.md").read_text() == text


def test_a_busy_start_is_said_in_both(tmp_path: Path) -> None:
    warning = busy_warning("5.12 4.0 3.0", "2")
    path = write([_figure()], _context(warning), tmp_path, {"curves": []}, "## Curves\n")
    data = json.loads(path.with_suffix(".json").read_text())
    assert data["context"]["warning"] == warning
    assert data["curves"] == []
    text = path.read_text()
    assert f"**Warning: {warning}.**" in text
    assert text.endswith("## Curves\n")
    assert markdown([_figure()], _context(warning)).count("Warning") == 1
