"""Rows for the nodes, services and tasks panes: the columns of `docker node ls`,
`docker service ls` and `docker service ps`. Pure functions of the models."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime

from swarmtui.core.models import ClusterSnapshot, Node, Service, Task
from swarmtui.display.stacks import StackSummary


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None = None
    sortable: bool = True  # `>` `<` skip it: random IDs have no order worth sorting by


NODE_COLUMNS = (
    Column("id", "ID", 14, sortable=False),
    Column("hostname", "HOSTNAME"),
    Column("status", "STATUS"),
    Column("availability", "AVAILABILITY"),
    Column("manager", "MANAGER STATUS"),
    Column("engine", "ENGINE VERSION"),
    Column("reach", "SHELL VIA"),  # how `e`/`S` reach the node's engine (checked lazily)
)
SERVICE_COLUMNS = (
    Column("id", "ID", 12, sortable=False),
    Column("name", "NAME"),
    Column("mode", "MODE"),
    Column("replicas", "REPLICAS"),
    Column("image", "IMAGE"),
    Column("ports", "PORTS"),
)
# The update state before the counts of networks, secrets and configs: in a half-width pane
# (120 columns) it is still on screen.
STACK_COLUMNS = (
    Column("name", "NAME"),
    Column("services", "SERVICES"),
    Column("tasks", "TASKS"),
    Column("update", "UPDATE"),
    Column("networks", "NETWORKS"),
    Column("secrets", "SECRETS"),
    Column("configs", "CONFIGS"),
)
TASK_COLUMNS = (
    Column("id", "ID", 12, sortable=False),
    Column("name", "NAME"),
    Column("image", "IMAGE"),
    Column("node", "NODE"),
    Column("desired", "DESIRED STATE"),
    Column("current", "CURRENT STATE"),
    Column("error", "ERROR"),
)


def humanize_age(then: datetime | None, now: datetime) -> str:
    """`docker`-style durations: 'Running 5 minutes ago' uses this part."""
    if then is None:
        return ""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return f"{seconds} seconds ago" if seconds != 1 else "1 second ago"


def node_row(node: Node, reach: str = "") -> tuple[str, ...]:
    marker = " *" if node.is_self else ""
    return (
        node.id[:12] + marker,
        node.hostname,
        node.status.capitalize(),
        node.availability.capitalize(),
        node.manager_status,
        node.engine_version,
        reach,
    )


def service_mode_text(service: Service) -> str:
    return service.mode


def service_row(service: Service) -> tuple[str, ...]:
    return (
        service.id[:12],
        service.name,
        service_mode_text(service),
        service.replicas_text,
        service.image,
        ", ".join(str(p) for p in service.ports),
    )


def stack_row(stack: StackSummary) -> tuple[str, ...]:
    return (
        stack.title,
        str(stack.services),
        stack.tasks_text,
        stack.update_state,
        str(stack.networks),
        str(stack.secrets),
        str(stack.configs),
    )


def task_name(task: Task, snapshot: ClusterSnapshot) -> str:
    service = snapshot.service(task.service_id)
    base = service.name if service else task.service_id[:12]
    suffix = str(task.slot) if task.slot else task.node_id
    return f"{base}.{suffix}"


def task_row(task: Task, snapshot: ClusterSnapshot, now: datetime) -> tuple[str, ...]:
    node = snapshot.node(task.node_id)
    age = humanize_age(task.state_since, now)
    # Interned: thousands of tasks read "Pending 5 minutes ago" (the pane's memory).
    current = sys.intern(f"{task.state.capitalize()} {age}".strip())
    return (
        task.id[:12],
        task_name(task, snapshot),
        task.image,
        node.hostname if node else task.node_id[:12],
        sys.intern(task.desired_state.capitalize()),
        current,
        task.error,
    )


STATE_STYLES: dict[str, str] = {
    "running": "success",
    "ready": "success",
    "active": "success",
    "leader": "success",
    "complete": "success",
    "failed": "error",
    "rejected": "error",
    "down": "error",
    "unreachable": "error",
    "orphaned": "error",
    "drain": "warning",
    "pause": "warning",
    "pending": "warning",
    "preparing": "warning",
    "starting": "warning",
    "shutdown": "secondary",
    "disconnected": "error",
    # update states (a stack's UPDATE column)
    "completed": "success",
    "updating": "warning",
    "rollback_started": "warning",
    "rollback_completed": "secondary",
    "paused": "error",
    "rollback_paused": "error",
}


def state_style(text: str) -> str | None:
    """The theme variable that colours a state word, by its first word."""
    word = text.split(" ", 1)[0].lower()
    return STATE_STYLES.get(word)
