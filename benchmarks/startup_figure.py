"""What figure 5 (start to first painted data) spends on imports: `python -X importtime` of
the console's real start, headless, up to its first snapshot on the main screen."""

from __future__ import annotations

import compileall
import re
import statistics
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import swarmtui

# The console's entry point, run headless until the main screen shows the first snapshot,
# then ended there.
CONSOLE_UNTIL_FIRST_SNAPSHOT = textwrap.dedent(
    """
    import asyncio
    import os
    import sys

    import textual.app

    def run_headless(self, **kwargs):
        async def until_first_snapshot():
            async with self.run_test(size=(120, 40)) as pilot:
                for _ in range(1200):  # a minute
                    if getattr(self.screen, "snapshot", None) is not None:
                        # what later work imports (the reach check's machine engine) is
                        # not the first paint's: leave at once
                        sys.stderr.flush()
                        os._exit(0)
                    await pilot.pause(0.05)
                raise SystemExit(f"no snapshot shown; on screen: {self.screen!r}")

        asyncio.run(until_first_snapshot())

    textual.app.App.run = run_headless
    from swarmtui.cli.main import main

    main(["--host", sys.argv[1], "--config", "/nonexistent/config.toml"])
    """
)
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def compile_console() -> None:
    """Compile swarmtui's modules as installing its wheel does: a source checkout run with
    PYTHONDONTWRITEBYTECODE set (CI, some shells) would otherwise compile every module it
    imports on every start, and the figure would measure the compiler."""
    compileall.compile_dir(Path(swarmtui.__file__).parent, quiet=1)


@dataclass(frozen=True)
class ImportRow:
    module: str
    self_us: int
    cumulative_us: int
    depth: int  # 0: imported by the program itself, 1: by such a module, ...


def parse_importtime(stderr: str) -> list[ImportRow]:
    """The rows of `-X importtime` output, in the order Python printed them."""
    rows = []
    for line in stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            self_us, cumulative_us, indent, module = match.groups()
            rows.append(ImportRow(module, int(self_us), int(cumulative_us), len(indent) // 2))
    return rows


def import_summary(rows: list[ImportRow], top: int = 20) -> dict[str, Any]:
    """Total import time, the TOP modules by cumulative time, the time by top package."""
    by_package: dict[str, int] = {}
    for row in rows:
        package = row.module.split(".")[0]
        by_package[package] = by_package.get(package, 0) + row.self_us
    ranked = sorted(rows, key=lambda r: r.cumulative_us, reverse=True)[:top]
    return {
        "total_ms": round(sum(r.cumulative_us for r in rows if r.depth == 0) / 1000, 1),
        "modules": len(rows),
        "top_cumulative_ms": [
            {"module": r.module, "cumulative": r.cumulative_us / 1000, "self": r.self_us / 1000}
            for r in ranked
        ],
        "by_package_ms": {
            name: round(us / 1000, 1)
            for name, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
        },
    }


def startup_imports(host: str, runs: int) -> dict[str, Any]:
    """`-X importtime` of RUNS console starts on HOST: the run of median total import time
    in full, and every run's total."""
    summaries = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", CONSOLE_UNTIL_FIRST_SNAPSHOT, host],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        summaries.append(import_summary(parse_importtime(result.stderr)))
    totals = [s["total_ms"] for s in summaries]
    median = statistics.median_low(totals)
    chosen = next(s for s in summaries if s["total_ms"] == median)
    return {**chosen, "totals_ms": totals}


def imports_note(imports: dict[str, Any], shown: int = 5) -> str:
    """The import total and the biggest packages, for the report's table."""
    packages = ", ".join(
        f"{name} {ms:.0f}" for name, ms in list(imports["by_package_ms"].items())[:shown]
    )
    return f"imports {imports['total_ms']:.0f} ms ({packages})"
