"""Run the benchmarks: `python -m benchmarks.run [--smoke] [--keep] [--only N,N] [--labs PREFIX]`.

Builds (or reuses) its own lab swarms and scale fixture, prints a table comparing swarmtui
with the docker CLI, and writes JSON and markdown to benchmarks/results/. `--only` measures
the figures named (by number) and brings up only the labs they need; its results are
written beside the others, not as the latest of the mode.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from benchmarks import figures, report
from benchmarks.failover_figure import failover
from benchmarks.figures import Figure
from benchmarks.fixture import ensure_fixture
from benchmarks.logs_figure import log_flood
from benchmarks.shell_figure import shell_prompt
from benchmarks.stack_figure import stack_deploy, stacks_view
from benchmarks.usage_figure import usage_refresh
from benchmarks.wire_figure import wire_bytes
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import lab_down

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


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


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
    args = parser.parse_args(argv)
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
    client = engine_client()
    context = {
        "mode": mode,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        **scale,  # only when the scale fixture was measured
        "engine": str(client.version()["Version"]),
        **report.machine(),
    }
    client.close()
    if args.only:
        context["figures"] = ",".join(str(n) for n in sorted(wanted))
    results.sort(key=report.figure_number)
    path = report.write(results, context, args.results)
    print(report.markdown(results, context))
    log(f"written to {path}")
    if args.smoke:  # small and on a busy CI machine: the figures are reported, not judged
        return 0
    return 0 if all(f.met for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
