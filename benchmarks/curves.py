"""Curves, not points: figures 2 (full refresh), 3 (change to screen) and 7 (peak memory) at
10, 100, 1,000 and 5,000 services (10 tasks per service), swarmtui beside the docker CLI,
on one lab whose fixture is grown in steps. Each size also measures the physical floor of
figures 2 and 3; the curves are drawn as SVG charts into the results folder."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import charts, figures
from benchmarks.figures import Figure, Log
from benchmarks.fixture import grow_fixture
from swarmtui.adapters.docker.engine_setup import engine_client

SIZES = (10, 100, 1000, 5000)
TASKS_PER_SERVICE = 10
CHANGE_TARGET_S = figures.CHANGE_TARGET_S  # issue 16: a change on screen within 100 ms
MEMORY_TARGET_MB = 200.0
IDLE_S = 5.0  # figure 4 comes along with 3 and 7; the curves keep its idle short


def request_floor(manager_url: str, runs: int) -> list[float]:
    """Figure 2's floor: the three lists a full refresh needs (services, nodes, the tasks of
    bench-0000), sent at once as raw requests, nothing parsed into models or drawn."""
    client = engine_client(manager_url, timeout=300)
    calls: list[Callable[[], Any]] = [
        client.api.services,
        client.api.nodes,
        lambda: client.api.tasks(filters={"service": "bench-0000"}),
    ]
    times = []
    try:
        with ThreadPoolExecutor(len(calls)) as pool:
            for _ in range(runs):
                started = time.perf_counter()
                list(pool.map(lambda call: call(), calls))
                times.append(time.perf_counter() - started)
    finally:
        client.close()
    return times


def failed(name: str, target: str, error: BaseException, raw: dict[str, Any]) -> Figure:
    """A figure that could not be measured: said so in the table, the error kept."""
    message = f"{type(error).__name__}: {error}".splitlines()[0][:200]
    return Figure(name, "failed", "n/a", target, False, note=message, raw={**raw, "error": message})


def measure_size(manager_url: str, services: int, runs: int, log: Log) -> dict[str, Any]:
    """One point of each curve: figures 2, 3 and 7 and the floors, at the fixture's size. A
    figure that fails is recorded as failed and the others are still measured."""
    log(f"curves at {services} services: floors")
    floors = {
        "request_s": request_floor(manager_url, runs),
    }
    log(f"curves at {services} services: figure 2")
    try:
        refresh = figures.full_refresh(manager_url, runs)
    except Exception as exc:
        log(f"figure 2 failed at {services} services: {exc}")
        cli = figures.cli_full_refresh(manager_url, runs)  # the CLI's side all the same
        refresh = failed(
            "2. Full refresh: API, parse, diff, render",
            "no slower than the CLI",
            exc,
            {"swarmtui_s": [], "cli_s": cli},
        )
        refresh.docker_cli = f"{statistics.median(cli) * 1000:,.0f} ms"
    log(f"curves at {services} services: figures 3 and 7")
    try:
        change, _idle, memory = figures.change_to_screen(manager_url, runs, IDLE_S)
    except Exception as exc:
        log(f"figures 3 and 7 failed at {services} services: {exc}")
        change = failed(
            "3. Change by another client to screen (median)",
            figures.CHANGE_TARGET,
            exc,
            {"latencies_s": [], "cli_s": []},
        )
        memory = failed(
            "7. Peak memory (tasks pane on the biggest service)",
            "< 200 MB",
            exc,
            {"peak_rss_mb": None},
        )
    return {
        "services": services,
        "tasks": services * TASKS_PER_SERVICE,
        "floors": floors,
        "figures": [asdict(f) for f in (refresh, change, memory)],
    }


def grower(manager_url: str, log: Log) -> Callable[[int], float]:
    def grow(services: int) -> float:
        started = time.monotonic()
        grow_fixture(manager_url, services, services * TASKS_PER_SERVICE, log)
        return time.monotonic() - started

    return grow


# --- what the points say -------------------------------------------------------------------


def _median_ms(samples: Sequence[float]) -> float | None:
    finite = [s for s in samples if s != float("inf")]
    return statistics.median(finite) * 1000 if finite else None


def _raw(point: dict[str, Any], number: int) -> dict[str, Any]:
    figure = next(f for f in point["figures"] if f["name"].startswith(f"{number}."))
    raw: dict[str, Any] = figure["raw"]
    return raw


def curve_values(points: Sequence[dict[str, Any]]) -> dict[str, list[float | None]]:
    """Per size: the medians in ms (memory in MB) the charts and the table show."""
    values: dict[str, list[float | None]] = {}

    def add(key: str, value: float | None) -> None:
        values.setdefault(key, []).append(value)

    for point in points:
        add("refresh", _median_ms(_raw(point, 2)["swarmtui_s"]))
        add("refresh_cli", _median_ms(_raw(point, 2)["cli_s"]))
        add("refresh_floor", _median_ms(point["floors"]["request_s"]))
        add("change", _median_ms(_raw(point, 3)["latencies_s"]))
        add("change_cli", _median_ms(_raw(point, 3).get("cli_s", [])))
        # The event's delivery, timed on figure 3's own changes (reports before 2026-12-02
        # timed it in runs of their own, kept under "floors").
        events = _raw(point, 3).get("event_s") or point["floors"].get("event_s", [])
        add("change_floor", _median_ms(events))
        peak = _raw(point, 7)["peak_rss_mb"]
        add("memory", None if peak is None else float(peak))
    return values


def chart_set(points: Sequence[dict[str, Any]]) -> dict[str, charts.Chart]:
    """File name -> chart, one per figure."""
    xs = [float(size) for size in SIZES]  # all of them: a run that stopped early shows it
    n = len(xs)
    v = {key: values + [None] * (n - len(values)) for key, values in curve_values(points).items()}
    x_label = "services (10 tasks each), log scale"

    def notes(key: str) -> list[str]:  # a size measured where swarmtui's figure failed
        return [
            "swarmtui failed" if i < len(points) and v[key][i] is None else "" for i in range(n)
        ]

    Line = tuple[str, Sequence[float | None]]  # a series' name and values

    def chart(
        title: str, unit: str, key: str, cli: Line, target: Line, floor: Line | None = None
    ) -> charts.Chart:
        """Swarmtui's line (V[KEY]) beside the CLI's, the target dashed, the floor dotted."""
        lines = [charts.Series("swarmtui", v[key]), charts.Series(*cli)]
        lines.append(charts.Series(*target, dash="6 4"))
        if floor is not None:
            lines.append(charts.Series(*floor, dash="2 3"))
        return charts.Chart(title, x_label, unit, xs, lines, notes(key))

    half_cli = [c / 2 if c is not None else None for c in v["refresh_cli"]]
    return {
        "curve-2-full-refresh.svg": chart(
            "2. Full refresh (median)",
            "ms",
            "refresh",
            ("docker CLI: service ls + node ls + service ps", v["refresh_cli"]),
            ("target: 2x faster than the CLI", half_cli),
            ("floor: the three requests at once", v["refresh_floor"]),
        ),
        "curve-3-change-to-screen.svg": chart(
            "3. Change by another client to screen (median)",
            "ms",
            "change",
            ("docker CLI: `service scale -d` itself", v["change_cli"]),
            ("target: 100 ms", [CHANGE_TARGET_S * 1000] * n),
            ("floor: the event reaches a client", v["change_floor"]),
        ),
        "curve-7-peak-memory.svg": chart(
            "7. Peak memory of the console",
            "MB",
            "memory",
            ("docker CLI: n/a (no figure)", [None] * n),
            ("target: 200 MB", [MEMORY_TARGET_MB] * n),
        ),
    }


def write_charts(points: Sequence[dict[str, Any]], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in chart_set(points).items():
        path = directory / name
        path.write_text(charts.svg(chart))
        written.append(path)
    return written


def _cell(value: float | None, unit: str = "ms") -> str:
    return "n/a" if value is None else f"{value:,.0f} {unit}"


def _ratio(value: float | None, floor: float | None) -> str:
    return "n/a" if value is None or not floor else f"{value / floor:.1f}x"


def curves_markdown(points: Sequence[dict[str, Any]]) -> str:
    """The curves as tables: each size, swarmtui beside the CLI, the floor and the ratio."""
    v = curve_values(points)
    lines = [
        "## Curves",
        "",
        "Floors: figure 2, the three requests a full refresh needs, sent at once, unparsed; "
        "figure 3, the engine's event about the same change reaching a client that only "
        "listens, timed from the update request; figure 7 has none.",
        "",
        "| services / tasks | figure | swarmtui | docker CLI | floor | ratio to floor | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, point in enumerate(points):
        size = f"{point['services']:,} / {point['tasks']:,}"
        change_floor = v["change_floor"][i]
        cli = v["refresh_cli"][i]
        rows = [
            ("2. full refresh", v["refresh"][i], cli, v["refresh_floor"][i], "2x faster than CLI"),
            ("3. change to screen", v["change"][i], v["change_cli"][i], change_floor, "< 100 ms"),
        ]
        for name, ours, theirs, floor, target in rows:
            lines.append(
                f"| {size} | {name} | {_cell(ours)} | {_cell(theirs)} | {_cell(floor)} "
                f"| {_ratio(ours, floor)} | {target} |"
            )
        lines.append(
            f"| {size} | 7. peak memory | {_cell(v['memory'][i], 'MB')} | n/a | n/a | n/a "
            "| < 200 MB |"
        )
    return "\n".join(lines) + "\n"


def curve_figures(points: Sequence[dict[str, Any]]) -> list[Figure]:
    """The biggest size reached, as rows of the main table (named C2, C3, C7)."""
    return [Figure(**f) for f in points[-1]["figures"]] if points else []


def redraw(report_json: Path, directory: Path) -> list[Path]:
    """The charts again from a report's JSON (its "curves"), e.g. after the chart code changed."""
    points: list[dict[str, Any]] = json.loads(report_json.read_text()).get("curves", [])
    return write_charts(points, directory)


if __name__ == "__main__":  # python -m benchmarks.curves REPORT.json [DIRECTORY]
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(sys.argv[1]).parent
    for written in redraw(Path(sys.argv[1]), target):
        print(written)
