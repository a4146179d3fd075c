"""Why is this task not running? The facts beyond the snapshot, fetched when asked (`w`,
inspect), on the caller's worker thread: every task of the swarm, the networks, secrets and
configs (manager), the task's last log lines (the logs layer), and its container's state
from the node's own engine, time-boxed: a node that does not answer gives "not known"."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from swarmtui.core.errors import BackendError
from swarmtui.core.mapping import task_from_json
from swarmtui.core.models import Node, Service, Task
from swarmtui.diagnosis.explain import explain
from swarmtui.diagnosis.explanation import Explanation, ExtraFacts
from swarmtui.nodes.routes import NodeAccess
from swarmtui.ports import ClusterBackend, NamedObjectKind
from swarmtui.session.failures import failure_text
from swarmtui.session.first_route import open_first_route
from swarmtui.session.shells import NodeConnector

LOG_TAIL = 20
LOG_IDLE_SECONDS = 5.0
NODE_SECONDS = 10.0  # the node's engine answers within this long, or its facts are not known


@dataclass(frozen=True)
class TaskDiagnosis:
    """The explanation (None: nothing to explain) and what could not be looked at."""

    explanation: Explanation | None
    not_known: tuple[str, ...] = ()


def diagnose(
    backend: ClusterBackend,
    task: Task,
    service: Service | None,
    nodes: tuple[Node, ...],
    access: NodeAccess | None,
    connect: NodeConnector | None,
) -> TaskDiagnosis:
    """Fetch what TASK's explanation needs and explain it (blocking: a worker thread)."""
    not_known: list[str] = []
    fresh = _fresh_task(backend, task)
    node = next((n for n in nodes if n.id == fresh.node_id), None)
    state: Mapping[str, Any] | None = None
    if fresh.container_id and node is not None:
        state, problem = container_state_of(fresh.container_id, node, access, connect)
        if problem:
            not_known.append(f"container state on {node.hostname}: {problem}")
    try:
        mutator = backend.mutator()
        swarm_tasks: tuple[Task, ...] | None = tuple(
            task_from_json(t) for t in mutator.listed("task")
        )
        names = {kind: _names(mutator.listed(kind)) for kind in _OBJECT_KINDS}
    except BackendError as exc:
        not_known.append(f"the swarm's tasks and objects: {exc.message}")
        swarm_tasks, names = None, {}
    extra = ExtraFacts(
        swarm_tasks=swarm_tasks,
        log_lines=_last_log_lines(backend, fresh, not_known),
        container_state=state,
        networks=names.get("network"),
        secrets=names.get("secret"),
        configs=names.get("config"),
    )
    return TaskDiagnosis(explain(fresh, service, nodes, extra), tuple(not_known))


_OBJECT_KINDS: tuple[NamedObjectKind, ...] = ("network", "secret", "config")


def _fresh_task(backend: ClusterBackend, task: Task) -> Task:
    """The task as the engine has it now (the snapshot may be seconds old)."""
    try:
        return task_from_json(backend.inspect("task", task.id))
    except BackendError:
        return task


def _names(listed: list[dict[str, Any]]) -> frozenset[str]:
    found: set[str] = set()
    for entry in listed:
        found.add(str(entry.get("ID", "")))
        found.add(str(entry.get("Name") or entry.get("Spec", {}).get("Name", "")))
    return frozenset(found - {""})


def _last_log_lines(backend: ClusterBackend, task: Task, not_known: list[str]) -> tuple[str, ...]:
    if not task.container_id:
        return ()  # never started: nothing logged
    try:
        source = backend.open_logs(
            "task", task.id, tail=LOG_TAIL, follow=False, idle_timeout=LOG_IDLE_SECONDS
        )
        try:
            lines = [line.text for line in source if not line.is_notice]
        finally:
            source.close()
    except BackendError as exc:
        not_known.append(f"the task's log: {exc.message}")
        return ()
    return tuple(lines[-LOG_TAIL:])


def container_state_of(
    container_id: str,
    node: Node,
    access: NodeAccess | None,
    connect: NodeConnector | None,
) -> tuple[Mapping[str, Any] | None, str]:
    """The container's `State` from its node's engine, or None and why not (given up after
    NODE_SECONDS: a silent node does not hold the explanation)."""
    if access is None or connect is None:
        return None, "no access to the nodes' engines in this console"
    pool = ThreadPoolExecutor(1, thread_name_prefix="why-node")
    future = pool.submit(_ask_node, container_id, node, access, connect)
    try:
        return future.result(timeout=NODE_SECONDS)
    except FutureTimeout:
        return None, f"no answer within {NODE_SECONDS:g} s"
    finally:
        pool.shutdown(wait=False)


def _ask_node(
    container_id: str, node: Node, access: NodeAccess, connect: NodeConnector
) -> tuple[Mapping[str, Any] | None, str]:
    connection, problem = open_first_route(node, access, connect)
    if connection is None:
        return None, problem
    try:
        state = connection.container_state(container_id)
    except Exception as exc:
        return None, failure_text(exc)
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    if state is None:
        return None, "the engine does not know the container"
    return state, ""
