"""CPU and memory as the panes and the top view show them: cells, columns, sort keys.

A running task without figures yet shows "…"; one on a node that gives none (unreachable,
host key not confirmed) shows "n/a"; a task that does not run shows nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from swarmtui.core.models import ClusterSnapshot, Node, Task
from swarmtui.core.usage import NodeUsage, TaskUsage, UsageReport
from swarmtui.display.columns import Column, task_name
from swarmtui.display.sorting import MISSING, SortKey

PENDING = "…"
UNAVAILABLE = "n/a"
TASK_USAGE_COLUMNS = (Column("cpu", "CPU %"), Column("memory", "MEM"))
NODE_USAGE_COLUMNS = (
    Column("tasks_running", "TASKS"),
    Column("cpu", "CPU %"),
    Column("memory", "MEM"),
)
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def bytes_text(size: int) -> str:
    """Binary units with three significant digits: "512B", "24.5MiB", "1.94GiB"."""
    value = float(size)
    for unit in _UNITS:
        if value < 1000 or unit == _UNITS[-1]:
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.3g}{unit}"
        value /= 1024
    raise AssertionError("unreachable")


def cpu_text(percent: float | None) -> str:
    return PENDING if percent is None else f"{percent:.1f}%"


def memory_text(used: int, limit: int) -> str:
    return f"{bytes_text(used)} / {bytes_text(limit)}" if limit > 0 else bytes_text(used)


def with_usage_columns(
    columns: Sequence[Column], usage: Sequence[Column], after: str
) -> tuple[Column, ...]:
    """COLUMNS with the USAGE columns right after the column keyed AFTER."""
    position = next(i for i, c in enumerate(columns) if c.key == after) + 1
    return (*columns[:position], *usage, *columns[position:])


def with_cells(cells: tuple[str, ...], extra: tuple[str, ...], after: int) -> tuple[str, ...]:
    return (*cells[: after + 1], *extra, *cells[after + 1 :])


def task_usage_cells(task: Task, report: UsageReport | None) -> tuple[str, str]:
    if task.state != "running":
        return ("", "")
    figures = report.task(task.id) if report is not None else None
    if figures is None:
        unavailable = report is not None and task.node_id in report.problems
        mark = UNAVAILABLE if unavailable else PENDING
        return (mark, mark)
    return (cpu_text(figures.cpu_percent), memory_text(figures.memory_used, figures.memory_limit))


def node_usage_cells(node: Node, report: UsageReport | None) -> tuple[str, str, str]:
    totals = report.nodes.get(node.id) if report is not None else None
    if report is None or totals is None:
        return (PENDING, PENDING, PENDING)
    if node.id in report.problems and totals.tasks_running:
        return (str(totals.tasks_running), UNAVAILABLE, UNAVAILABLE)
    cpu = f"{totals.cpu_percent:.1f}%" if totals.complete else PENDING
    return (str(totals.tasks_running), cpu, memory_text(totals.memory_used, node.memory_bytes))


def task_usage_key(figures: TaskUsage | None, column: str) -> SortKey:
    """Numbers, not text: 9.5 % before 10.2 %; no figures last."""
    if figures is None:
        return MISSING
    if column == "cpu":
        return MISSING if figures.cpu_percent is None else (0, figures.cpu_percent)
    return (0, figures.memory_used)


def node_usage_key(totals: NodeUsage | None, column: str) -> SortKey:
    if totals is None:
        return MISSING
    if column == "tasks_running":
        return (0, totals.tasks_running)
    if column == "cpu":
        return (0, totals.cpu_percent)
    return (0, totals.memory_used)


@dataclass(frozen=True)
class TopEntry:
    """A row of the top view: a running task of the swarm and its figures (None: none yet)."""

    task_id: str
    name: str
    node: str
    figures: TaskUsage | None


def top_entries(report: UsageReport, snapshot: ClusterSnapshot | None) -> list[TopEntry]:
    """The swarm's running tasks as the last round read them, named from SNAPSHOT."""
    entries = []
    for task in report.running:
        if task.state != "running" or not task.container_id:
            continue
        node = snapshot.node(task.node_id) if snapshot is not None else None
        name = task_name(task, snapshot) if snapshot is not None else task.id[:12]
        hostname = node.hostname if node is not None else task.node_id[:12]
        entries.append(TopEntry(task.id, name, hostname, report.task(task.id)))
    return entries


def top_sort_value(figures: TaskUsage | None, column: str) -> float:
    """Biggest first in the top view; no figures at the bottom."""
    if figures is None:
        return -1.0
    if column == "cpu":
        return -1.0 if figures.cpu_percent is None else figures.cpu_percent
    return float(figures.memory_used)


def memory_percent_text(figures: TaskUsage) -> str:
    percent = figures.memory_percent
    return "" if percent is None else f"{percent:.1f}%"
