"""DockerBackend and the Refresher against the real lab swarm (1 manager, 2 workers)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from helpers.swarm import ping_service
from helpers.waiting import wait_for

from swarmtui.adapters.docker.api_version import MIN_API_VERSION, api_version_tuple
from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import ScopeKind, Service, Task, TaskScope
from swarmtui.session.refresher import Refresher, RefreshTimings

CONVERGE_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def backend(lab_swarm: Lab) -> Iterator[DockerBackend]:
    backend = connect([Endpoint(lab_swarm.manager_url, "--host")])
    try:
        yield backend
    finally:
        backend.close()


def service_named(backend: DockerBackend, name: str) -> Service | None:
    return next((s for s in backend.services() if s.name == name), None)


def test_engine_info_of_the_lab_manager(backend: DockerBackend) -> None:
    info = backend.engine_info()
    assert info.swarm_state == "active"
    assert info.is_manager
    assert info.name == "manager1"
    assert (info.managers, info.nodes) == (1, 3)
    assert info.node_id and info.cluster_id
    assert api_version_tuple(info.api_version) >= api_version_tuple(MIN_API_VERSION)


def test_nodes_of_the_lab(backend: DockerBackend) -> None:
    info = backend.engine_info()
    nodes = {n.hostname: n for n in backend.nodes()}
    assert set(nodes) == {"manager1", "worker1", "worker2"}
    assert {h: n.role for h, n in nodes.items()} == {
        "manager1": "manager",
        "worker1": "worker",
        "worker2": "worker",
    }
    assert all(n.status == "ready" and n.availability == "active" for n in nodes.values())
    manager = nodes["manager1"]
    assert manager.is_leader and manager.manager_status == "Leader"
    assert manager.is_self and manager.id == info.node_id
    assert [h for h, n in nodes.items() if n.is_self] == ["manager1"]
    for worker in ("worker1", "worker2"):
        assert nodes[worker].manager_status == ""
        assert not nodes[worker].is_leader
    assert all(n.engine_version and n.address for n in nodes.values())


def test_services_tasks_history_and_inspect(
    backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-web"
    created = ping_service(manager_client, name, 3)

    def converged(replicas: int) -> Service | None:
        service = service_named(backend, name)
        counts = (replicas, replicas)
        if service and (service.replicas_running, service.replicas_desired) == counts:
            return None if service.update_state == "updating" else service
        return None

    service = wait_for(lambda: converged(3), CONVERGE_TIMEOUT, f"{name} at 3/3")
    assert service.id == created.id
    assert service.mode == "replicated"
    assert service.replicas_text == "3/3" and service.converged
    assert service.image == WORKLOAD_IMAGE
    assert service.version > 0

    scope = TaskScope(ScopeKind.SERVICE, service.id, name)
    tasks = backend.tasks(scope)
    assert len(tasks) == 3
    assert {t.service_id for t in tasks} == {service.id}
    assert sorted(t.slot for t in tasks if t.slot is not None) == [1, 2, 3]
    assert {t.state for t in tasks} == {"running"}
    assert all(t.is_current and t.container_id for t in tasks)
    node_ids = {n.id for n in backend.nodes()}
    assert {t.node_id for t in tasks} <= node_ids
    assert len({t.node_id for t in tasks}) >= 2, "tasks should spread over the nodes"

    # Node scope: everything on one node, ours included.
    node_id = tasks[0].node_id
    on_node = backend.tasks(TaskScope(ScopeKind.NODE, node_id, "node"))
    assert on_node and {t.node_id for t in on_node} == {node_id}
    assert {t.id for t in tasks if t.node_id == node_id} <= {t.id for t in on_node}

    # Inspect the three kinds of object.
    assert backend.inspect("service", service.id)["Spec"]["Name"] == name
    assert backend.inspect("node", node_id)["ID"] == node_id
    task_json = backend.inspect("task", tasks[0].id)
    assert task_json["ServiceID"] == service.id and task_json["NodeID"] == tasks[0].node_id

    # Scale down, then force an update: the replaced task stays in the history (desired
    # state shutdown); the default view shows only the current task.
    update_service(manager_client, backend, service.id, mode={"Replicated": {"Replicas": 1}})
    wait_for(lambda: converged(1), CONVERGE_TIMEOUT, f"{name} at 1/1")

    def one_running() -> list[Task] | None:
        current = backend.tasks(scope)
        return current if len(current) == 1 and current[0].state == "running" else None

    before_update = wait_for(one_running, CONVERGE_TIMEOUT, "one running task")[0]
    template = backend.inspect("service", service.id)["Spec"]["TaskTemplate"]
    template["ForceUpdate"] = int(template.get("ForceUpdate", 0)) + 1
    update_service(manager_client, backend, service.id, task_template=template)

    def replaced() -> list[Task] | None:
        current = backend.tasks(scope)
        done = len(current) == 1 and current[0].id != before_update.id
        return current if done and current[0].state == "running" else None

    current = wait_for(replaced, CONVERGE_TIMEOUT, "the force-updated task running")
    assert current[0].desired_state == "running" and current[0].slot == 1
    history = backend.tasks(TaskScope(ScopeKind.SERVICE, service.id, name, history=True))
    by_id = {t.id: t for t in history}
    assert current[0].id in by_id
    assert by_id[before_update.id].desired_state == "shutdown"
    assert not by_id[before_update.id].is_current
    assert before_update.id not in {t.id for t in backend.tasks(scope)}
    assert {t.desired_state for t in history} >= {"running", "shutdown"}


def update_service(client: Any, backend: DockerBackend, service_id: str, **changes: Any) -> None:
    version = backend.inspect("service", service_id)["Version"]["Index"]
    client.api.update_service(service_id, version=version, fetch_current_spec=True, **changes)


def test_inspect_of_a_missing_object_is_an_engine_error(backend: DockerBackend) -> None:
    with pytest.raises(BackendError) as caught:
        backend.inspect("service", "swarmtui-no-such-service")
    assert caught.value.kind is ProblemKind.ENGINE_ERROR
    assert "swarmtui-no-such-service" in caught.value.message


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_steady_state_refresh_cost_does_not_grow_with_services(
    backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    timings = RefreshTimings(poll_interval=2.0, resync_interval=45.0)
    clock = ManualClock()
    refresher = Refresher(backend, timings, monotonic=clock)

    def create_many(names: list[str]) -> list[Any]:
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(lambda n: ping_service(manager_client, n, 0), names))

    first = create_many([f"{prefix}-{i:02d}" for i in range(2)])
    refresher.set_scope(TaskScope(ScopeKind.SERVICE, first[0].id, first[0].name))
    assert refresher.refresh() is not None  # the first, full sync

    def steady_poll(expected_services: int) -> int:
        clock.now += timings.poll_interval
        before = backend.request_count
        refresher.refresh()
        cost = backend.request_count - before
        snapshot = refresher.last_snapshot
        assert snapshot is not None
        ours = [s for s in snapshot.services if s.name.startswith(prefix)]
        assert len(ours) == expected_services
        assert snapshot.task_scope is not None and snapshot.task_scope.object_id == first[0].id
        return cost

    cost_with_2 = steady_poll(2)
    create_many([f"{prefix}-{i:02d}" for i in range(2, 12)])
    cost_with_12 = steady_poll(12)
    print(f"requests per steady-state poll: {cost_with_2} (2 services), {cost_with_12} (12)")
    assert cost_with_2 == cost_with_12
    # Services with their status, plus at most the tasks of the scoped service.
    assert 1 <= cost_with_2 <= 2


def test_finished_job_tasks_are_current(
    backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    """`docker service ps` shows a finished job's tasks as Complete: so does the default view."""
    name = f"{prefix}-job"
    job = manager_client.services.create(
        WORKLOAD_IMAGE,
        command=["echo", "done"],
        name=name,
        mode={"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 2}},
    )
    scope = TaskScope(ScopeKind.SERVICE, job.id, name)

    def completed() -> list[Task] | None:
        tasks = backend.tasks(scope)
        done = len(tasks) == 2 and {t.state for t in tasks} == {"complete"}
        return tasks if done else None

    tasks = wait_for(completed, CONVERGE_TIMEOUT, f"2 completed tasks of {name}")
    assert {t.desired_state for t in tasks} == {"complete"}
    assert all(t.is_current and t.exit_code == 0 for t in tasks)
    service = service_named(backend, name)
    assert service is not None and service.mode == "replicated-job" and service.converged
