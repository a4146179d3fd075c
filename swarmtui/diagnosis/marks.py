"""The marks of the tasks and services panes: a task that has an explanation (`w` says
why), a service whose tasks do not converge. A suffix to the NAME cell, so the columns
stay as they are."""

from __future__ import annotations

from datetime import datetime

from swarmtui.core.models import ClusterSnapshot, Service, Task
from swarmtui.diagnosis.explain import needs_explanation, service_stalled

MARK = " !"
NAME_CELL = 1  # NAME in TASK_COLUMNS and SERVICE_COLUMNS


def marked(cells: tuple[str, ...], mark: bool) -> tuple[str, ...]:
    if not mark:
        return cells
    return (*cells[:NAME_CELL], cells[NAME_CELL] + MARK, *cells[NAME_CELL + 1 :])


def task_marked(task: Task, snapshot: ClusterSnapshot) -> bool:
    return needs_explanation(task, snapshot.node(task.node_id))


def service_marked(service: Service, now: datetime) -> bool:
    return service_stalled(service, now)
