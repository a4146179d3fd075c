"""Why is this task not running? The entry points: explain, needs_explanation and
service_not_converging. Pure functions of the snapshot's models and the optional facts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from swarmtui.core.models import Node, Service, Task
from swarmtui.diagnosis.constraints import failing, parse_constraints
from swarmtui.diagnosis.explanation import Cause, Explanation, ExtraFacts
from swarmtui.diagnosis.marking import (
    FAILED_STATES,
    needs_explanation,
    stalled_since,
)
from swarmtui.diagnosis.runtime import (
    explain_exit,
    explain_image,
    explain_missing_object,
    explain_node_unavailable,
    explain_port_busy,
    node_name,
)
from swarmtui.diagnosis.scheduler import scheduler_verdict
from swarmtui.diagnosis.scheduling import TRY, explain_scheduling
from swarmtui.diagnosis.task_spec import placement_constraints

# swarmkit orchestrator/constraintenforcer: a label changed under a running task
ENFORCER_ERROR = "assigned node no longer meets constraints"


def explain(
    task: Task,
    service: Service | None,
    nodes: Iterable[Node],
    extra: ExtraFacts | None = None,
) -> Explanation | None:
    """Why TASK does not run, in plain words; None when there is nothing to explain (it
    runs, completed, or is still on its way)."""
    extra = extra or ExtraFacts()
    nodes = tuple(nodes)
    node = next((n for n in nodes if n.id == task.node_id), None) if task.node_id else None
    verdict = scheduler_verdict(task.error)
    if verdict is not None:
        # a global service's task is made for one node: the scheduler looks at that one only
        candidates = (node,) if node is not None else nodes
        return explain_scheduling(task, service, candidates, extra, verdict)
    if ENFORCER_ERROR in task.error:
        return _explain_enforcer(task, node)
    for found in (
        explain_missing_object(task, extra),
        explain_image(task, node),
        explain_port_busy(task, node),
        explain_exit(task, node, extra),
        explain_node_unavailable(task, node),
    ):
        if found is not None:
            return found
    if task.error or task.state in FAILED_STATES:
        return _explain_other(task, node)
    return None


def _explain_enforcer(task: Task, node: Node | None) -> Explanation:
    where = node_name(node, task.node_id)
    evidence = [f"Engine: {task.error}"]
    if node is not None:
        try:
            checks = failing(parse_constraints(placement_constraints(task)), node)
        except ValueError:
            checks = []
        evidence += [f"{c.constraint} fails (node has {c.node_value or 'nothing'})" for c in checks]
        labels = ", ".join(f"{k}={v}" for k, v in node.labels) or "none"
        evidence.append(f"{where} labels: {labels}")
    return Explanation(
        Cause.CONSTRAINTS,
        f"The node {where} no longer satisfies the placement constraints: the swarm "
        "removed the task from it.",
        tuple(evidence),
        TRY[Cause.CONSTRAINTS],
    )


def _explain_other(task: Task, node: Node | None) -> Explanation:
    where = node_name(node, task.node_id)
    said = task.error or task.message or task.state
    return Explanation(
        Cause.OTHER,
        f"The engine on {where} gave up on the task: {said}",
        (f"Engine: {said}", f"Task: {task.state} ({task.message}), desired {task.desired_state}"),
        ("Look at the node engine's log around that time (journalctl -u docker)",),
    )


def service_not_converging(service: Service, tasks: Iterable[Task]) -> bool:
    """Whether the services pane marks SERVICE: fewer tasks run than it wants, and the
    engine has said why for a task of the present spec (a current task, or one that ended
    since the service last changed). A service still rolling out its tasks is not marked;
    jobs never are."""
    if service.mode.endswith("job"):
        return False
    own = [t for t in tasks if t.service_id == service.id]
    running = sum(1 for t in own if t.state == "running" and t.desired_state == "running")
    wanted = service.replicas_desired
    if wanted is None:  # global, without the engine's service status: one per current task
        wanted = sum(1 for t in own if t.desired_state in ("running", "ready"))
    if running >= wanted and service.update_state not in ("paused", "rollback_paused"):
        return False
    return service.update_state in ("paused", "rollback_paused") or any(
        needs_explanation(t) and _of_present_spec(t, service) for t in own
    )


def service_stalled(service: Service, now: datetime) -> bool:
    """The services pane's mark, from the service alone (the pane does not hold every
    service's tasks): fewer tasks run than it wants for longer than STALL_SECONDS since it
    last changed, and no rollout is under way; or its rollout is paused."""
    since = stalled_since(service)
    return since is not None and now > since


def _of_present_spec(task: Task, service: Service) -> bool:
    if task.is_current:
        return True
    if service.updated_at is None or task.state_since is None:
        return False
    return task.state_since >= service.updated_at


__all__ = [
    "Cause",
    "Explanation",
    "ExtraFacts",
    "explain",
    "needs_explanation",
    "service_not_converging",
    "service_stalled",
    "stalled_since",
]
