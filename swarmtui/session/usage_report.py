"""What the usage sampler is asked for and publishes (a UsageReport of core.usage): built
from the readings of one round and the histories kept so far. Pure."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from swarmtui.core.models import Task
from swarmtui.core.usage import (
    ContainerUsage,
    CpuReading,
    NodeUsage,
    TaskUsage,
    UsageReport,
    cpu_percent,
)

HISTORY_SAMPLES = 90  # three minutes at one sample every two seconds
FORGET_AFTER = 300.0  # seconds: a task not sampled that long loses its history


@dataclass(frozen=True)
class UsageDemand:
    """What one part of the UI shows and wants figures for.

    TASKS: these rows (those running are sampled); NODE_IDS: every running task of these
    nodes (their totals); WHOLE_SWARM: every running task of the swarm (the top view).
    """

    tasks: tuple[Task, ...] = ()
    node_ids: frozenset[str] = frozenset()
    whole_swarm: bool = False

    @property
    def empty(self) -> bool:
        return not self.tasks and not self.node_ids and not self.whole_swarm

    def needs_task_list(self) -> bool:
        """Whether the swarm's running tasks must be read (one request to the manager)."""
        return bool(self.node_ids) or self.whole_swarm


def combined(demands: Iterable[UsageDemand]) -> UsageDemand:
    tasks: dict[str, Task] = {}
    node_ids: set[str] = set()
    whole = False
    for demand in demands:
        tasks.update((t.id, t) for t in demand.tasks)
        node_ids |= demand.node_ids
        whole = whole or demand.whole_swarm
    return UsageDemand(tuple(tasks.values()), frozenset(node_ids), whole)


def is_sampled(task: Task) -> bool:
    """A task whose container runs: the only ones with figures."""
    return task.state == "running" and bool(task.container_id)


@dataclass(frozen=True)
class UsageSampled:
    """A sampling round ended: the figures to show."""

    report: UsageReport


class UsageHistory:
    """CPU readings to compare and recent figures, by container and task, across rounds."""

    def __init__(self, samples: int = HISTORY_SAMPLES, forget_after: float = FORGET_AFTER):
        self._samples = samples
        self._forget_after = forget_after
        self._readings: dict[str, CpuReading] = {}
        self._cpu: dict[str, deque[float]] = {}
        self._memory: dict[str, deque[int]] = {}
        self._seen: dict[str, float] = {}

    def record(self, task: Task, usage: ContainerUsage, now: float) -> TaskUsage:
        percent = usage.cpu_percent
        if usage.reading is not None:
            previous = self._readings.get(task.container_id)
            self._readings[task.container_id] = usage.reading
            if previous is not None:
                percent = cpu_percent(previous, usage.reading)
        cpu = self._cpu.setdefault(task.id, deque(maxlen=self._samples))
        memory = self._memory.setdefault(task.id, deque(maxlen=self._samples))
        if percent is not None:
            cpu.append(round(percent, 2))
        memory.append(usage.memory_used)
        self._seen[task.id] = now
        self._seen[task.container_id] = now
        return TaskUsage(
            task.id,
            task.node_id,
            percent,
            usage.memory_used,
            usage.memory_limit,
            tuple(cpu),
            tuple(memory),
        )

    def forget_old(self, now: float) -> None:
        old = {key for key, seen in self._seen.items() if now - seen > self._forget_after}
        for key in old:
            self._seen.pop(key, None)
            self._readings.pop(key, None)
            self._cpu.pop(key, None)
            self._memory.pop(key, None)


def node_totals(
    node_ids: Iterable[str], running: Iterable[Task], usages: Mapping[str, TaskUsage]
) -> dict[str, NodeUsage]:
    """Each node's running tasks, and the sum of their CPU and memory."""
    by_node: dict[str, list[Task]] = {node_id: [] for node_id in node_ids}
    for task in running:
        if task.node_id in by_node and is_sampled(task):
            by_node[task.node_id].append(task)
    totals: dict[str, NodeUsage] = {}
    for node_id, tasks in by_node.items():
        figures = [usages[t.id] for t in tasks if t.id in usages]
        totals[node_id] = NodeUsage(
            node_id,
            len(tasks),
            sum(u.cpu_percent or 0.0 for u in figures),
            sum(u.memory_used for u in figures),
            complete=len(figures) == len(tasks) and all(u.cpu_percent is not None for u in figures),
        )
    return totals
