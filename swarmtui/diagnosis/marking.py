"""Which tasks and services the panes mark: checks of one model each, apart from the
explanations (explain.py), which the first screen does not need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swarmtui.core.models import Node, Service, Task

# a service below its replica count for this long after its last change is stalled
STALL_SECONDS = 30.0
ALWAYS = datetime.min.replace(tzinfo=UTC)
FAILED_STATES = frozenset(("rejected", "failed", "orphaned"))
_NODE_GONE = frozenset(("down", "unknown", "disconnected"))
_ON_NODE_STATES = frozenset(("assigned", "accepted", "preparing", "ready", "starting", "running"))


def needs_explanation(task: Task, node: Node | None = None) -> bool:
    """Whether the tasks pane marks TASK: pending with the scheduler's reason, rejected,
    failed or orphaned, shut down with an error, or held by a node that is gone (NODE, when
    the caller knows it)."""
    if task.state in FAILED_STATES:
        return True
    if task.error and task.state in ("pending", "shutdown", "new"):
        return True
    return node is not None and node.status in _NODE_GONE and task.state in _ON_NODE_STATES


def stalled_since(service: Service) -> datetime | None:
    """From when SERVICE counts as stalled (ALWAYS: already); None: it does not. A service
    does not change while it is shown: the pane computes this once per service."""
    if service.update_state in ("paused", "rollback_paused"):
        return ALWAYS
    running, wanted = service.replicas_running, service.replicas_desired
    if service.mode.endswith("job") or running is None or wanted is None or running >= wanted:
        return None
    if service.update_state in ("updating", "rollback_started"):
        return None
    changed = service.updated_at or service.created_at
    return ALWAYS if changed is None else changed + timedelta(seconds=STALL_SECONDS)
