"""Stacks as the swarm shows them: `stack ls`, `stack services`, `stack ps` tables, and
whether a stack's services converged (what `--no-detach` waits for)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from swarmtui.core.models import ScopeKind, Service, TaskScope
from swarmtui.ports import ClusterBackend
from swarmtui.stacks.naming import NAMESPACE_LABEL


def stack_of(service: Service) -> str:
    """The stack SERVICE belongs to ("" for none)."""
    labels = (service.raw.get("Spec") or {}).get("Labels") or {}
    return str(labels.get(NAMESPACE_LABEL, ""))


def stack_listing(command: str, stack: str, backend: ClusterBackend) -> list[str]:
    rows: list[tuple[str, ...]]
    services = backend.services()
    if command == "ls":
        counts = Counter(stack_of(s) for s in services if stack_of(s))
        rows = [("NAME", "SERVICES")]
        rows += [(name, str(counts[name])) for name in sorted(counts)]
        return _table(rows)
    mine = sorted((s for s in services if stack_of(s) == stack), key=lambda s: s.name)
    if not mine:
        return [f"Nothing found in stack: {stack}"]
    if command == "services":
        rows = [("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS")]
        for s in mine:
            rows.append((s.id[:12], s.name, s.mode, _replicas(s), s.image, _ports(s)))
        return _table(rows)
    nodes = {node.id: node.hostname for node in backend.nodes()}
    rows = [("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR")]
    for s in mine:
        tasks = backend.tasks(TaskScope(ScopeKind.SERVICE, s.id, s.name))
        for task in sorted(tasks, key=lambda t: (t.slot or 0, t.node_id)):
            slot = task.slot if task.slot is not None else nodes.get(task.node_id, task.node_id)
            rows.append(
                (
                    task.id[:12],
                    f"{s.name}.{slot}",
                    task.image.split("@")[0],
                    nodes.get(task.node_id, task.node_id[:12]),
                    task.desired_state,
                    task.state,
                    task.error,
                )
            )
    return _table(rows)


@dataclass(frozen=True)
class Convergence:
    converged: bool
    failed: str = ""


def stack_services_converged(stack: str, services: list[Service]) -> Convergence:
    """Whether STACK's services (among SERVICES, as polled) converged, or why they cannot."""
    mine = [s for s in services if stack_of(s) == stack]
    for service in mine:
        if service.update_state in ("paused", "rollback_completed", "rollback_paused"):
            return Convergence(False, f"the update of {service.name} ended {service.update_state}")
    done = all(
        service.update_state in ("", "completed")
        and (
            service.replicas_desired is None or service.replicas_running == service.replicas_desired
        )
        for service in mine
    )
    return Convergence(done)


def _replicas(service: Service) -> str:
    if service.replicas_desired is None:
        return str(service.replicas_running or 0)
    return f"{service.replicas_running or 0}/{service.replicas_desired}"


def _ports(service: Service) -> str:
    return ", ".join(
        f"*:{p.published}->{p.target}/{p.protocol}" for p in service.ports if p.published
    )


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "   ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
