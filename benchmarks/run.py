"""Run the benchmarks: `python -m benchmarks.run [--smoke] [--keep]`.

Builds (or reuses) its own lab swarm and scale fixture, prints a table comparing swarmtui
with the docker CLI, and writes JSON and markdown to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import figures, report
from benchmarks.failover_figure import failover
from benchmarks.figures import Figure
from benchmarks.fixture import ensure_fixture
from benchmarks.logs_figure import log_flood
from benchmarks.stack_figure import stack_deploy, stacks_view
from benchmarks.usage_figure import usage_refresh
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


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small and quick (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the labs for the next run")
    parser.add_argument("--results", type=Path, default=report.RESULTS)
    args = parser.parse_args(argv)
    size = SMOKE if args.smoke else FULL
    mode = "smoke" if args.smoke else "full"
    services, tasks, runs = int(size["services"]), int(size["tasks"]), int(size["runs"])
    big_lab, small_lab = f"swarmtui-bench-{mode}", f"swarmtui-bench-{mode}-small"
    ha_lab = f"swarmtui-bench-{mode}-ha"
    results: list[Figure] = []
    try:
        lab, created_s = ensure_fixture(big_lab, services, tasks, log)
        log(f"fixture ready ({created_s:.0f} s spent creating)")
        small_url = lab.manager_url
        if services > 10:
            small, _ = ensure_fixture(small_lab, 10, 100, log, workers=0)
            small_url = small.manager_url
        results.append(figures.steady_requests(small_url, lab.manager_url, 10, services))
        log(results[-1].swarmtui)
        results.append(figures.full_refresh(lab.manager_url, runs))
        log(results[-1].swarmtui)
        change, idle, memory = figures.change_to_screen(lab.manager_url, runs, size["idle"])
        results += [change, idle, memory]
        log(f"{change.swarmtui}; {idle.swarmtui}; {memory.swarmtui}")
        results.append(figures.first_paint_local_socket(log, runs))
        log(results[-1].swarmtui)
        results.append(log_flood(lab.manager_url, float(size["flood"])))
        log(results[-1].swarmtui)
        results.append(failover(ha_lab, int(size["failovers"]), log))
        log(results[-1].swarmtui)
        results.append(stack_deploy(small_url, 1 if args.smoke else runs, log))
        log(results[-1].swarmtui)
        results.append(stacks_view(lab.manager_url, runs))
        log(results[-1].swarmtui)
        results.append(usage_refresh(big_lab, int(size["usage_tasks"]), runs, log))
        log(results[-1].swarmtui)
    finally:
        if not args.keep:
            for name in (big_lab, small_lab, ha_lab):
                lab_down(name)
    client = engine_client()
    context = {
        "mode": mode,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "services": str(services),
        "tasks": str(tasks),
        "engine": str(client.version()["Version"]),
        **report.machine(),
    }
    client.close()
    results.sort(key=lambda f: f.name)
    path = report.write(results, context, args.results)
    print(report.markdown(results, context))
    log(f"written to {path}")
    if args.smoke:  # small and on a busy CI machine: the figures are reported, not judged
        return 0
    return 0 if all(f.met for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
