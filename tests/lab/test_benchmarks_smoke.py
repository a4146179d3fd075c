"""CI runs the benchmark suite in its small smoke mode: it must build its swarm, measure
every figure against the docker CLI, write its results and clean up after itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from swarmtui.adapters.docker.lab import lab_status

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_smoke_mode(engine: Any, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| figure | swarmtui | docker CLI | target | met |" in result.stdout
    data = json.loads(next(tmp_path.glob("*-smoke.json")).read_text())
    figures = {f["name"].split(".")[0]: f for f in data["figures"]}
    assert set(figures) == {str(n) for n in range(1, 14)}
    assert figures["6"]["raw"]["lines_per_s"] > 0
    assert figures["1"]["raw"]["small"] == figures["1"]["raw"]["big"] <= 2
    assert all(latency < 10 for latency in figures["3"]["raw"]["latencies_s"])
    assert figures["5"]["raw"]["swarmtui_s"][0] < 15
    assert len(figures["8"]["raw"]["times_s"]) == 1
    assert len(figures["9"]["raw"]["in_process_s"]) == 1
    shell = figures["11"]["raw"]
    assert len(shell["dind"]["prompt"]) == len(shell["ssh"]["prompt"]) == 3 + 1
    assert len(shell["cli_engine_s"]) == len(shell["cli_ssh_s"]) == 3
    usage = figures["12"]["raw"]
    assert usage["requests"] == [usage["tasks"]] * len(usage["requests"])  # one per row
    wire = figures["13"]["raw"]
    assert wire["paint_120x40_bytes"] > 0 and wire["paint_80x24_bytes"] > 0
    assert wire["paint_120x40_truecolor_bytes"] > 0
    assert wire["count_bytes"] > 0 and wire["log_line_bytes"] > 0  # both changes were drawn
    for lab in ("", "-small", "-ha", "-shell"):
        assert lab_status(f"swarmtui-bench-smoke{lab}") is None, lab
