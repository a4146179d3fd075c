"""The marks of the tasks and services panes: a task that has an explanation (`w` says
why), a service whose tasks do not converge. A suffix to the cell that tells it (a task's
CURRENT STATE, a service's REPLICAS), narrower than their headers in most rows: the
columns keep their widths."""

from __future__ import annotations

import sys
from datetime import datetime

from swarmtui.core.models import ClusterSnapshot, Service, Task
from swarmtui.diagnosis.marking import needs_explanation, stalled_since

MARK = " !"


def marked(cells: tuple[str, ...], position: int, mark: bool) -> tuple[str, ...]:
    """CELLS with the mark after the one at POSITION when MARK."""
    if not mark:
        return cells
    # Interned: the marked cells of thousands of pending tasks are a few texts.
    return (*cells[:position], sys.intern(cells[position] + MARK), *cells[position + 1 :])


def task_marked(task: Task, snapshot: ClusterSnapshot) -> bool:
    return needs_explanation(task, snapshot.node(task.node_id))


def service_marked_from(service: Service) -> datetime | None:
    """From when SERVICE is marked (it stalled, see service_stalled); None: never."""
    return stalled_since(service)
