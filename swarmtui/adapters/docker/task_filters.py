"""The filters of a task list for a scope, as the Engine API takes them."""

from __future__ import annotations

from typing import Any

from swarmtui.core.models import TaskScope


def task_filters(scope: TaskScope, more: dict[str, list[str]]) -> dict[str, Any]:
    """SCOPE's tasks (its node's or its service's), narrowed by MORE."""
    filters: dict[str, Any] = {scope.kind.value: [scope.object_id], **more}
    if not scope.history:
        # Task.is_current's states: a stop-first update's replacement waits as "ready",
        # finished job tasks are "complete" (the engine takes any task state here).
        filters["desired-state"] = ["running", "accepted", "ready", "complete"]
    return filters
