"""What one swarm event asks to fetch, and how the answers patch the model in place.

Pure functions over the refresher's tuples: an event about one object costs requests about
that object only (the service and its tasks, the node), never a re-list of the cluster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from swarmtui.core.models import EngineInfo, Node, ScopeKind, Service, SwarmEvent, Task, TaskScope

SERVICE_ID_LABEL = "com.docker.swarm.service.id"  # on task and container events


@dataclass(frozen=True)
class Targets:
    """The objects to fetch one by one: services (with their status), nodes, and the
    services whose tasks the tasks pane shows; SCOPE_TASKS: all of the shown tasks."""

    services: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    task_services: frozenset[str] = frozenset()
    scope_tasks: bool = False

    def __or__(self, other: Targets) -> Targets:
        return Targets(
            self.services | other.services,
            self.nodes | other.nodes,
            self.task_services | other.task_services,
            self.scope_tasks or other.scope_tasks,
        )

    def __bool__(self) -> bool:
        return bool(self.services or self.nodes or self.task_services or self.scope_tasks)


NOTHING = Targets()


def shows_tasks_of(scope: TaskScope | None, service_id: str) -> bool:
    """Whether the tasks pane (SCOPE) may show tasks of SERVICE_ID: a node runs any."""
    if scope is None:
        return False
    return scope.kind is ScopeKind.NODE or scope.object_id == service_id


def event_targets(event: SwarmEvent, scope: TaskScope | None) -> Targets:
    """What EVENT asks to fetch, given what the tasks pane shows (SCOPE).

    A service event: that service, and its tasks if shown. A node event: that node, and
    all shown tasks if they are that node's. A task or container event: the tasks of its
    service, if shown. Secrets, configs and networks are not in the model.
    """
    actor = event.actor_id
    if event.type == "service" and actor:
        shown = frozenset({actor}) if shows_tasks_of(scope, actor) else frozenset()
        return Targets(services=frozenset({actor}), task_services=shown)
    if event.type == "node" and actor:
        on_node = scope is not None and scope.kind is ScopeKind.NODE and scope.object_id == actor
        return Targets(nodes=frozenset({actor}), scope_tasks=on_node)
    if event.type in ("task", "container"):
        service_id = event.attribute(SERVICE_ID_LABEL)
        if service_id and shows_tasks_of(scope, service_id):
            return Targets(task_services=frozenset({service_id}))
    return NOTHING


def patch_services(
    services: tuple[Service, ...], service_id: str, fetched: Service | None
) -> tuple[Service, ...]:
    """SERVICES with SERVICE_ID replaced by FETCHED (added when new, removed when None),
    in name order. The other services stay the same objects."""
    kept = [s for s in services if s.id != service_id]
    if fetched is None:
        return services if len(kept) == len(services) else tuple(kept)
    position = next((i for i, s in enumerate(services) if s.id == service_id), None)
    if position is not None and services[position].name == fetched.name:
        return (*services[:position], fetched, *services[position + 1 :])
    return tuple(sorted((*kept, fetched), key=service_order))


def patch_nodes(nodes: tuple[Node, ...], node_id: str, fetched: Node | None) -> tuple[Node, ...]:
    """NODES with NODE_ID replaced by FETCHED (added when new, removed when None), in the
    nodes pane's order (managers first, then by hostname)."""
    kept = [n for n in nodes if n.id != node_id]
    if fetched is None:
        return nodes if len(kept) == len(nodes) else tuple(kept)
    position = next((i for i, n in enumerate(nodes) if n.id == node_id), None)
    if position is not None and node_order(nodes[position]) == node_order(fetched):
        return (*nodes[:position], fetched, *nodes[position + 1 :])
    return tuple(sorted((*kept, fetched), key=node_order))


def patch_service_tasks(
    tasks: tuple[Task, ...], service_id: str, fetched: Iterable[Task]
) -> tuple[Task, ...]:
    """The shown TASKS with those of SERVICE_ID replaced by FETCHED, in task order."""
    others = (t for t in tasks if t.service_id != service_id)
    return tuple(sorted((*others, *fetched), key=task_order))


def engine_counts(
    engine: EngineInfo, before: tuple[Node, ...], after: tuple[Node, ...]
) -> EngineInfo:
    """ENGINE with its swarm's node and manager counts moved as the nodes list moved (a
    node joined, left, was promoted or demoted), as `docker info` would count them."""
    nodes = engine.nodes + len(after) - len(before)
    managers = engine.managers + _managers(after) - _managers(before)
    if (nodes, managers) == (engine.nodes, engine.managers):
        return engine
    return replace(engine, nodes=nodes, managers=managers)


def _managers(nodes: tuple[Node, ...]) -> int:
    return sum(1 for n in nodes if n.role == "manager")


def service_status(service: Service | None) -> tuple[object, ...] | None:
    """What moves with a service's tasks (task state has no events): its running and
    desired counts, version and update state."""
    if service is None:
        return None
    return (
        service.replicas_running,
        service.replicas_desired,
        service.version,
        service.update_state,
    )


def service_order(service: Service) -> str:
    return service.name


def node_order(node: Node) -> tuple[int, str]:
    return (0 if node.role == "manager" else 1, node.hostname)


def task_order(task: Task) -> tuple[int, float, str]:
    since = task.created_at.timestamp() if task.created_at else 0.0
    return (task.slot if task.slot is not None else 0, -since, task.node_id)
