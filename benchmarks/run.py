"""Run the benchmarks: `python -m benchmarks.run [--smoke] [--keep] [--only N,N] [--labs PREFIX]`
or `python -m benchmarks.run [--curves] [--scale] [--keep] [--labs PREFIX]`.

Builds (or reuses) its own lab swarms and scale fixture, prints a table comparing swarmtui
with the docker CLI, and writes JSON and markdown to benchmarks/results/. `--only` measures
the figures named (by number) and brings up only the labs they need; its results are
written beside the others, not as the latest of the mode. `--curves` measures figures 2, 3
and 7 at 10, 100, 1,000 and 5,000 services on one lab grown in steps and draws them as SVG
charts; `--scale` brings that lab to 50 nodes and 50,000 tasks for the scale figures (both
together: the curves first, on the 50-node lab).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks import curves, figures, report, scale_figures
from benchmarks.failover_figure import failover
from benchmarks.figures import Figure
from benchmarks.fixture import ensure_fixture
from benchmarks.logs_figure import log_flood
from benchmarks.shell_figure import shell_prompt
from benchmarks.stack_figure import stack_deploy, stacks_view
from benchmarks.usage_figure import usage_refresh
from benchmarks.wire_figure import wire_bytes
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import Lab, lab_down, lab_up

FULL = {
    "services": 1000,
    "tasks": 10_000,
    "runs": 5,
    "idle": 60.0,
    "flood": 10.0,
    "failovers": 5,
    "usage_tasks": 50,
}
SMOKE = {
    "services": 10,
    "tasks": 100,
    "runs": 3,
    "idle": 10.0,
    "flood": 3.0,
    "failovers": 1,
    "usage_tasks": 10,
}
FIGURES = frozenset(range(1, 14))
SCALE_NODES = 50
JOIN_STEP = 10


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def curve_sizes(text: str) -> tuple[int, ...]:
    """--sizes: some of the curves' sizes, e.g. 1000 or 1000,5000."""
    try:
        chosen = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: service counts, e.g. 1000,5000") from exc
    if not chosen or any(size not in curves.SIZES for size in chosen):
        raise argparse.ArgumentTypeError(f"{text!r}: sizes among {curves.SIZES}")
    return chosen


def figure_numbers(text: str) -> frozenset[int]:
    try:
        chosen = frozenset(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: figure numbers, e.g. 11 or 3,4,7") from exc
    unknown = sorted(chosen - FIGURES)
    if not chosen or unknown:
        raise argparse.ArgumentTypeError(
            f"{text!r}: figures are numbered {min(FIGURES)} to {max(FIGURES)}"
        )
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the labs for the next run")
    parser.add_argument("--results", type=Path, default=report.RESULTS)
    parser.add_argument(
        "--only", type=figure_numbers, metavar="N,N", help="measure only these figures"
    )
    parser.add_argument(
        "--labs", default="swarmtui-bench", metavar="PREFIX", help="name prefix of the labs"
    )
    parser.add_argument(
        "--curves", action="store_true", help="figures 2, 3, 7 at 10 to 5,000 services, as charts"
    )
    parser.add_argument(
        "--scale", action="store_true", help="50 nodes, 50,000 tasks (about 20 minutes)"
    )
    parser.add_argument(
        "--nodes", type=int, default=SCALE_NODES, help=f"--scale: nodes (default {SCALE_NODES})"
    )
    parser.add_argument(
        "--up-to",
        type=int,
        default=curves.SIZES[-1],
        metavar="SERVICES",
        help=f"--curves/--scale: the biggest fixture (default {curves.SIZES[-1]:,})",
    )
    parser.add_argument(
        "--sizes",
        type=curve_sizes,
        metavar="N,N",
        help="--curves: only these sizes, e.g. 1000 or 1000,5000 (the fixture grows to each)",
    )
    args = parser.parse_args(argv)
    if (args.curves or args.scale) and (args.smoke or args.only):
        parser.error("--curves and --scale are runs of their own: not with --smoke or --only")
    load_before = report.load_average()
    if args.curves or args.scale:
        return big_run(args, load_before)
    size = SMOKE if args.smoke else FULL
    mode = "smoke" if args.smoke else "full"
    services, tasks, runs = int(size["services"]), int(size["tasks"]), int(size["runs"])
    wanted = args.only or FIGURES
    prefix = f"{args.labs}-{mode}"
    used: list[str] = []  # the labs this run brought up (or reused), removed unless --keep

    def lab_named(name: str) -> str:
        if name not in used:
            used.append(name)
        return name

    @cache
    def big_url() -> str:
        lab, created_s = ensure_fixture(lab_named(prefix), services, tasks, log)
        log(f"fixture ready ({created_s:.0f} s spent creating)")
        return lab.manager_url

    @cache
    def small_url() -> str:
        if services <= 10:
            return big_url()
        small, _ = ensure_fixture(lab_named(f"{prefix}-small"), 10, 100, log, workers=0)
        return small.manager_url

    def usage_on_the_fixture() -> Figure:
        big_url()  # the scale fixture's lab, its workers running the tasks sampled
        return usage_refresh(prefix, int(size["usage_tasks"]), runs, log)

    steps: list[tuple[frozenset[int], Callable[[], list[Figure]]]] = [
        (
            frozenset({1}),
            lambda: [figures.steady_requests(small_url(), big_url(), 10, services)],
        ),
        (frozenset({2}), lambda: [figures.full_refresh(big_url(), runs)]),
        (
            frozenset({3, 4, 7}),
            lambda: list(figures.change_to_screen(big_url(), runs, size["idle"])),
        ),
        (frozenset({5}), lambda: [figures.first_paint_local_socket(log, runs)]),
        (frozenset({6}), lambda: [log_flood(big_url(), float(size["flood"]))]),
        (
            frozenset({8}),
            lambda: [failover(lab_named(f"{prefix}-ha"), int(size["failovers"]), log)],
        ),
        (
            frozenset({9}),
            lambda: [stack_deploy(small_url(), 1 if args.smoke else runs, log)],
        ),
        (frozenset({10}), lambda: [stacks_view(big_url(), runs)]),
        (frozenset({11}), lambda: [shell_prompt(lab_named(f"{prefix}-shell"), runs, log)]),
        (frozenset({12}), lambda: [usage_on_the_fixture()]),
        (frozenset({13}), lambda: [wire_bytes(small_url(), size["idle"], log)]),
    ]
    results: list[Figure] = []
    try:
        for numbers, step in steps:
            if numbers & wanted:
                measured = step()
                results += measured
                log("; ".join(f.swarmtui for f in measured))
    finally:
        if not args.keep:
            for name in used:
                lab_down(name)
    scale = {"services": str(services), "tasks": str(tasks)} if prefix in used else {}
    context = run_context(mode, load_before, scale)
    if args.only:
        context["figures"] = ",".join(str(n) for n in sorted(wanted))
    results.sort(key=report.figure_number)
    path = report.write(results, context, args.results)
    print(report.markdown(results, context))
    log(f"written to {path}")
    if args.smoke:  # small and on a busy CI machine: the figures are reported, not judged
        return 0
    return 0 if all(f.met for f in results) else 1


def run_context(mode: str, load_before: str, extra: dict[str, str]) -> dict[str, str]:
    """What a report says about its run: the mode, when, the engine and the machine, the load
    average before and after, and a warning when the machine was busy from the start."""
    client = engine_client()
    try:
        engine = str(client.version()["Version"])
    finally:
        client.close()
    machine = report.machine()
    context = {
        "mode": mode,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        **extra,
        "engine": engine,
        **machine,
        "load before": load_before,
        "load after": report.load_average(),
    }
    warning = report.busy_warning(load_before, machine["cores"])
    if warning:
        context["warning"] = warning
    return context


def lab_in_steps(name: str, workers: int) -> Lab:
    """The lab with WORKERS workers, added JOIN_STEP at a time: fifty engines joining at
    once on a 2-core machine time out ("the attempt to join will continue")."""
    lab = lab_up(name, 1, min(workers, JOIN_STEP), log=log)
    for count in range(JOIN_STEP * 2, workers + JOIN_STEP, JOIN_STEP):
        lab = lab_up(name, 1, min(workers, count), log=log)
    return lab


def big_run(args: argparse.Namespace, load_before: str) -> int:
    """--curves and --scale: one lab, its fixture grown in steps up to 5,000 services."""
    mode = "scale" if args.scale else "curves"
    lab_name = f"{args.labs}-big"
    workers = args.nodes - 1 if args.scale else 0
    runs = int(FULL["runs"])
    points: list[dict[str, Any]] = []
    results: list[Figure] = []
    stopped = ""
    timings: dict[str, str] = {}
    try:
        started = time.monotonic()
        lab = lab_in_steps(lab_name, workers)
        timings["lab up"] = f"{len(lab.nodes)} nodes in {time.monotonic() - started:.0f} s"
        log(f"lab {lab_name}: {timings['lab up']}")
        grow = curves.grower(lab.manager_url, log)
        wanted = [s for s in curves.SIZES if s <= args.up_to]
        sizes = wanted if args.curves else wanted[-1:]
        if args.curves and args.sizes:
            sizes = list(args.sizes)
        for services in sizes:
            grown_s = grow(services)
            timings[f"grown to {services}"] = f"{grown_s:.0f} s"
            log(f"fixture at {services} services ({grown_s:.0f} s to grow)")
            if args.curves:
                point = curves.measure_size(lab.manager_url, services, runs, log)
                point["grown_s"] = grown_s
                points.append(point)
                curves.write_charts(points, args.results)
        if args.scale:
            tasks = sizes[-1] * curves.TASKS_PER_SERVICE
            results += scale_figures.measure(lab, tasks, runs, log)
    except Exception as exc:  # report how far it got, and why it stopped
        stopped = f"{type(exc).__name__}: {exc}"
        log(f"stopped: {traceback.format_exc()}")
    finally:
        if not args.keep:
            lab_down(lab_name)
    if points:
        results = curves.curve_figures(points) + results
    extra = {**timings}
    if stopped:
        extra["stopped"] = stopped.splitlines()[0][:300]
    context = run_context(mode, load_before, extra)
    appendix = curves.curves_markdown(points) if points else ""
    path = report.write(results, context, args.results, {"curves": points}, appendix)
    print(report.markdown(results, context) + appendix)
    log(f"written to {path}")
    return 0 if results and all(f.met for f in results) and not stopped else 1


if __name__ == "__main__":
    sys.exit(main())
