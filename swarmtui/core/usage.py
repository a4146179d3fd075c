"""What a container costs: CPU and memory, read from an engine's stats or `docker stats`.

The CPU percentage is the docker CLI's: the container's CPU time over the host's, between
two readings, times the online CPUs, times 100 (so a container busy on two CPUs shows 200 %).
The engine's one-shot stats carry one reading (no waiting for a second), so the percentage
comes from two successive readings of ours. Memory used is the CLI's too: the usage less
the inactive page cache (cgroup v1 `total_inactive_file`, v2 `inactive_file`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmtui.core.models import Task


@dataclass(frozen=True)
class CpuReading:
    """One reading of the CPU counters: nanoseconds of CPU used by the container and by
    the whole host, since boot, and the CPUs online."""

    container_ns: int
    system_ns: int
    online_cpus: int


@dataclass(frozen=True)
class ContainerUsage:
    """A container's usage as a node reports it.

    CPU_PERCENT when the source computes it (`docker stats`), else READING, from which the
    percentage follows once a previous reading is known.
    """

    container_id: str
    memory_used: int
    memory_limit: int
    cpu_percent: float | None = None
    reading: CpuReading | None = None


@dataclass(frozen=True)
class TaskUsage:
    task_id: str
    node_id: str
    cpu_percent: float | None  # None until two readings of an engine were compared
    memory_used: int
    memory_limit: int
    cpu_history: tuple[float, ...] = ()
    memory_history: tuple[int, ...] = ()

    @property
    def memory_percent(self) -> float | None:
        if self.memory_limit <= 0:
            return None
        return self.memory_used / self.memory_limit * 100.0


@dataclass(frozen=True)
class NodeUsage:
    """The sum over the node's running tasks; COMPLETE when every one of them has figures."""

    node_id: str
    tasks_running: int
    cpu_percent: float
    memory_used: int
    complete: bool


@dataclass(frozen=True)
class UsageReport:
    tasks: Mapping[str, TaskUsage] = field(default_factory=dict)
    nodes: Mapping[str, NodeUsage] = field(default_factory=dict)
    problems: Mapping[str, str] = field(default_factory=dict)  # node id -> why no figures
    running: tuple[Task, ...] = ()  # the swarm's running tasks, when they were read
    listed: bool = False  # whether they were read this round (the top view waits for it)

    def task(self, task_id: str) -> TaskUsage | None:
        return self.tasks.get(task_id)


def cpu_percent(previous: CpuReading, current: CpuReading) -> float | None:
    """The CLI's percentage between two readings; None when they cannot be compared (the
    counters went back: the container restarted, or the readings are in the wrong order)."""
    container_delta = current.container_ns - previous.container_ns
    system_delta = current.system_ns - previous.system_ns
    if system_delta <= 0 or container_delta < 0:
        return None
    return container_delta / system_delta * max(1, current.online_cpus) * 100.0


def memory_used(memory_stats: Mapping[str, Any]) -> int:
    """Usage less the inactive file cache, as `docker stats` shows it."""
    usage = _int(memory_stats.get("usage"))
    stats = memory_stats.get("stats") or {}
    for key in ("total_inactive_file", "inactive_file"):  # cgroup v1, then v2
        if key in stats:
            inactive = _int(stats[key])
            if inactive < usage:
                return usage - inactive
            if key == "total_inactive_file":
                continue
    return usage


def usage_from_stats(container_id: str, stats: Mapping[str, Any]) -> ContainerUsage | None:
    """A container's usage from the engine's stats (`GET /containers/{id}/stats`); None when
    the stats hold nothing (a container that is not running)."""
    memory = stats.get("memory_stats") or {}
    cpu = stats.get("cpu_stats") or {}
    if not memory and not cpu:
        return None
    cpu_usage = cpu.get("cpu_usage") or {}
    online = _int(cpu.get("online_cpus")) or len(cpu_usage.get("percpu_usage") or ())
    reading = None
    if "system_cpu_usage" in cpu:
        reading = CpuReading(
            _int(cpu_usage.get("total_usage")), _int(cpu.get("system_cpu_usage")), online
        )
    return ContainerUsage(
        container_id=container_id,
        memory_used=memory_used(memory),
        memory_limit=_int(memory.get("limit")),
        reading=reading,
    )


# `docker stats` sizes: binary units written as "KiB" (go-units BytesSize), decimal "kB"
# (HumanSize) in some versions; both understood.
_SIZE_RE = re.compile(r"^\s*([0-9.]+)\s*([A-Za-z]*)\s*$")
_UNITS = {
    "": 1,
    "b": 1,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
}


def parse_size(text: str) -> int | None:
    """ "1.5MiB" -> 1572864; None for what is not a size ("--")."""
    match = _SIZE_RE.match(text)
    if match is None:
        return None
    factor = _UNITS.get(match.group(2).lower())
    if factor is None:
        return None
    try:
        return int(float(match.group(1)) * factor)
    except ValueError:
        return None


def parse_percent(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        return None


def usage_from_cli_line(line: str) -> ContainerUsage | None:
    """One line of `docker stats --no-stream --no-trunc --format '{{json .}}'`; None for a
    line that is not one (a warning, a container with no figures)."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    container_id = str(record.get("ID") or record.get("Container") or "")
    used_text, _, limit_text = str(record.get("MemUsage", "")).partition("/")
    used, limit = parse_size(used_text), parse_size(limit_text)
    percent = parse_percent(str(record.get("CPUPerc", "")))
    if not container_id or used is None or limit is None or percent is None:
        return None
    return ContainerUsage(container_id, used, limit, cpu_percent=percent)


def usage_from_cli_output(output: str) -> dict[str, ContainerUsage]:
    """Every container's usage in `docker stats` output, by the ID it printed."""
    found: dict[str, ContainerUsage] = {}
    for line in output.splitlines():
        usage = usage_from_cli_line(line.strip())
        if usage is not None:
            found[usage.container_id] = usage
    return found


def by_requested_id(
    found: Mapping[str, ContainerUsage], requested: tuple[str, ...]
) -> dict[str, ContainerUsage]:
    """FOUND keyed by the ids asked for: an engine may answer with the full id of a
    shortened one (or the reverse)."""
    result: dict[str, ContainerUsage] = {}
    for wanted in requested:
        usage = found.get(wanted) or next(
            (u for key, u in found.items() if key.startswith(wanted) or wanted.startswith(key)),
            None,
        )
        if usage is not None:
            result[wanted] = usage
    return result


def _int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return 0
