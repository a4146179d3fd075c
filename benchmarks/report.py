"""Benchmark results as JSON and a markdown table, with the machine they ran on, the load
average before and after the run, and every raw sample (each figure's `raw`)."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.figures import Figure

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{mem_kb / 2**20:.0f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def busy_warning(load_before: str, cores: str) -> str:
    """The warning a report carries when the run began on a machine already busier than its
    cores (the 1-minute load average above the core count); "" when it did not."""
    try:
        one, count = float(load_before.split()[0]), int(cores)
    except (ValueError, IndexError):
        return ""
    if one <= count:
        return ""
    return (
        f"the machine was busy when the run began: load average {one:.2f} on {count} cores; "
        "the figures are slower than on an idle machine"
    )


def markdown(figures: list[Figure], context: dict[str, str]) -> str:
    lines = [f"# swarmtui benchmarks ({context['mode']}, {context['when']})", ""]
    if context.get("warning"):
        lines += [f"**Warning: {context['warning']}.**", ""]
    lines += [
        ", ".join(f"{k}: {v}" for k, v in context.items() if k not in ("mode", "when", "warning")),
        "",
        "| figure | swarmtui | docker CLI | target | met |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        met = "yes" if f.met else f"**no** {f.note}".strip()
        lines.append(f"| {f.name} | {f.swarmtui} | {f.docker_cli} | {f.target} | {met} |")
    return "\n".join(lines) + "\n"


def figure_number(figure: Figure) -> int:
    """The number a figure's name starts with ("11. Shell ..." -> 11), for the table's order."""
    number = figure.name.split(".", 1)[0]
    return int(number) if number.isdigit() else 0


def write(
    figures: list[Figure],
    context: dict[str, str],
    directory: Path = RESULTS,
    extra: dict[str, Any] | None = None,
    appendix: str = "",
) -> Path:
    """A run of every figure is also the latest of its mode; a run of some (context
    "figures": "11") is written beside them, named after them. EXTRA goes into the JSON
    beside the figures (the curves' samples), APPENDIX after the markdown table."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    chosen = context.get("figures", "")
    tail = f"-figures-{chosen.replace(',', '-')}" if chosen else ""
    base = directory / f"{stamp}-{context['mode']}{tail}"
    payload = {"context": context, "figures": [asdict(f) for f in figures], **(extra or {})}
    base.with_suffix(".json").write_text(json.dumps(payload, indent=2))
    table = markdown(figures, context) + (f"\n{appendix}" if appendix else "")
    base.with_suffix(".md").write_text(table)
    if not chosen:
        (directory / f"latest-{context['mode']}.md").write_text(table)
    return base.with_suffix(".md")
