"""What the manager's scheduler says about a pending task, and the same checks redone per node.

The scheduler runs its filters on each node in a fixed order (ready, resources, plugin,
constraints, platform, host port, max replicas) and stops at the first that fails, so its
message counts each node once, under the first filter it failed, most failures first:
`no suitable node (scheduling constraints not satisfied on 3 nodes; insufficient resources
on 1 node)` (swarmkit manager/scheduler/filter.go, pipeline.go, scheduler.go). To say which
nodes fail what, every check is redone here on every node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from swarmtui.core.models import Node, Task
from swarmtui.diagnosis.constraints import ConstraintCheck, failing, parse_constraints
from swarmtui.diagnosis.task_spec import (
    host_ports,
    max_replicas,
    placement_constraints,
    reservations,
)

NO_SUITABLE_NODE = "no suitable node"


class Filter(Enum):
    """The scheduler's filters, in the order it runs them."""

    READY = "not available for new tasks"
    RESOURCES = "insufficient resources on"
    PLUGIN = "missing plugin on"
    CONSTRAINTS = "scheduling constraints not satisfied on"
    PLATFORM = "unsupported platform on"
    HOST_PORT = "host-mode port already in use on"
    MAX_REPLICAS = "max replicas per node limit exceed"


_COUNT = re.compile(r"(\d+) nodes?")

# the states in which the scheduler counts a task against its node (scheduler.go
# setupTasksList): from pending to running
_HOLDING_STATES = frozenset(
    ("pending", "assigned", "accepted", "preparing", "ready", "starting", "running")
)
_ACTIVE_DESIRED = frozenset(("new", "pending", "assigned", "accepted", "preparing"))
_ACTIVE_DESIRED |= {"ready", "starting", "running", "complete"}


def scheduler_verdict(error: str) -> dict[Filter, int] | None:
    """The failures per filter in a `no suitable node (...)` error; None for any other error.
    Max replicas carries no count in the message: it counts as 0 there."""
    if not error.startswith(NO_SUITABLE_NODE):
        return None
    inside = error[len(NO_SUITABLE_NODE) :].strip().removeprefix("(").removesuffix(")")
    verdict: dict[Filter, int] = {}
    for part in (p.strip() for p in inside.split(";")):
        for kind in Filter:
            if kind.value in part:
                found = _COUNT.search(part)
                verdict[kind] = int(found.group(1)) if found else 0
    return verdict


@dataclass(frozen=True)
class Amounts:
    nano_cpus: int = 0
    memory_bytes: int = 0

    def minus(self, other: Amounts) -> Amounts:
        return Amounts(self.nano_cpus - other.nano_cpus, self.memory_bytes - other.memory_bytes)

    def covers(self, asked: Amounts) -> bool:
        return asked.nano_cpus <= self.nano_cpus and asked.memory_bytes <= self.memory_bytes


@dataclass(frozen=True)
class NodeVerdict:
    """Every scheduler check on one node, for one task."""

    node: Node
    failed: tuple[Filter, ...]
    constraints: tuple[ConstraintCheck, ...] = ()
    total: Amounts = field(default_factory=Amounts)
    free: Amounts = field(default_factory=Amounts)
    ports_taken: tuple[str, ...] = ()
    replicas_here: int = 0


def holds_node(task: Task) -> bool:
    """Whether the scheduler counts TASK against its node's resources and host ports."""
    if not task.node_id or task.state not in _HOLDING_STATES:
        return False
    return not (task.state == "pending" and task.desired_state not in _ACTIVE_DESIRED)


def node_total(node: Node) -> Amounts:
    return Amounts(int(node.cpus * 1e9), node.memory_bytes)


def node_free(node: Node, swarm_tasks: Iterable[Task], but: str = "") -> Amounts:
    """The node's resources less the reservations of the tasks held there (not BUT)."""
    free = node_total(node)
    for task in swarm_tasks:
        if task.node_id == node.id and task.id != but and holds_node(task):
            nano_cpus, memory = reservations(task)
            free = free.minus(Amounts(nano_cpus, memory))
    return free


def _ports_taken(
    task: Task, wanted: set[tuple[int, str]], node: Node, swarm_tasks: Iterable[Task]
) -> tuple[str, ...]:
    """The host ports WANTED that tasks held on NODE publish already: a running task's from
    its port status, one of the same service not running yet the same as the one asked."""
    if not wanted:
        return ()
    used: set[tuple[int, str]] = set()
    for other in swarm_tasks:
        if other.node_id == node.id and other.id != task.id and holds_node(other):
            published = host_ports(other)
            if not published and other.service_id == task.service_id:
                published = list(wanted)
            used.update(published)
    return tuple(f"{port}/{protocol}" for port, protocol in sorted(wanted & used))


def _replicas_here(task: Task, node: Node, swarm_tasks: Iterable[Task]) -> int:
    return sum(
        1
        for other in swarm_tasks
        if other.node_id == node.id
        and other.service_id == task.service_id
        and other.id != task.id
        and holds_node(other)
        and other.desired_state in _ACTIVE_DESIRED
    )


def node_verdict(
    task: Task,
    node: Node,
    swarm_tasks: tuple[Task, ...],
    asked_ports: tuple[tuple[int, str], ...] = (),
) -> NodeVerdict:
    """ASKED_PORTS: the host-mode ports of the task's service (a pending task has no port
    status to read them from)."""
    failed: list[Filter] = []
    if node.status != "ready" or node.availability != "active":
        failed.append(Filter.READY)
    asked = Amounts(*reservations(task))
    free = node_free(node, swarm_tasks, but=task.id)
    if (asked.nano_cpus or asked.memory_bytes) and not free.covers(asked):
        failed.append(Filter.RESOURCES)
    try:
        constraints = parse_constraints(placement_constraints(task))
    except ValueError:
        constraints = []  # the manager then ignores them too (filter.go ConstraintFilter)
    checks = failing(constraints, node)
    if checks:
        failed.append(Filter.CONSTRAINTS)
    taken = _ports_taken(task, set(asked_ports), node, swarm_tasks)
    if taken:
        failed.append(Filter.HOST_PORT)
    limit = max_replicas(task)
    here = _replicas_here(task, node, swarm_tasks)
    if limit and here >= limit:
        failed.append(Filter.MAX_REPLICAS)
    return NodeVerdict(
        node=node,
        failed=tuple(failed),
        constraints=tuple(checks),
        total=node_total(node),
        free=free,
        ports_taken=taken,
        replicas_here=here,
    )
