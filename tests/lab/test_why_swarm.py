"""Why is this task not running? Each cause on real tasks of the lab made to fail that way,
explained through the session's path (`session.why.diagnose`: the manager's tasks, objects
and logs, the container's state from the node's own engine over the dind route).

The failing services are created together and waited on in one loop; the drained node and
the missing secret need steps of their own. No image is pulled: the workload image is on
every node, and the missing image names a registry on the node's own loopback port 1."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker.errors
import pytest
from helpers.lab_ssh import new_key, remove_key
from helpers.swarm import create_service, post_json
from helpers.waiting import wait_for

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_add_ssh_key
from swarmtui.adapters.docker.lab_machines import LabNodes
from swarmtui.adapters.ssh.node_login import SshNodeConnection
from swarmtui.adapters.ssh.ssh_connection import SshTarget, connect
from swarmtui.cli.node_connector import open_node
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.mapping import task_from_json
from swarmtui.core.models import Task
from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.diagnosis.explain import needs_explanation
from swarmtui.diagnosis.explanation import Cause
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.routes import NodeAccess
from swarmtui.session.why import TaskDiagnosis, diagnose

Spec = dict[str, Any]
WAIT = 240.0  # a loaded machine of 2 cores: starting, failing and probing take their time
MISSING_IMAGE = "127.0.0.1:1/swarmtui-missing:1.0"
HOST_PORT = 18931
NO_RESTART = {"Condition": "none"}


@pytest.fixture
def backend(lab_swarm: Lab) -> Iterator[DockerBackend]:
    backend = DockerBackend(Endpoint(lab_swarm.manager_url, "lab"))
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def access(lab_swarm: Lab) -> NodeAccess:
    return NodeAccess(LabNodes(lab_swarm.name).machines)


def spec(
    name: str,
    command: list[str] | None = None,
    replicas: int = 1,
    image: str = WORKLOAD_IMAGE,
    **template: Any,
) -> Spec:
    container: Spec = {"Image": image, "Command": command or ["sleep", "100000"]}
    container.update(template.pop("container", {}))
    return {
        "Name": name,
        "TaskTemplate": {"ContainerSpec": container, **template},
        "Mode": {"Replicated": {"Replicas": replicas}},
    }


def tasks_of(backend: DockerBackend, service_id: str) -> list[Task]:
    listed = backend.mutator().listed("task")
    return [task_from_json(t) for t in listed if t.get("ServiceID") == service_id]


def explained(
    backend: DockerBackend, access: NodeAccess, service_id: str, wanted: Callable[[Task], bool]
) -> Callable[[], TaskDiagnosis | None]:
    """A probe: the diagnosis of the first task of SERVICE_ID that WANTED picks."""

    def probe() -> TaskDiagnosis | None:
        task = next((t for t in tasks_of(backend, service_id) if wanted(t)), None)
        if task is None:
            return None
        service = next(s for s in backend.services() if s.id == service_id)
        return diagnose(backend, task, service, tuple(backend.nodes()), access, open_node)

    return probe


def pending_with_reason(task: Task) -> bool:
    return task.state == "pending" and bool(task.error)


def ended(task: Task) -> bool:
    return task.state in ("failed", "rejected")


def evidence(diagnosis: TaskDiagnosis) -> str:
    assert diagnosis.explanation is not None
    return "\n".join(diagnosis.explanation.evidence)


def test_each_cause_on_real_tasks(
    backend: DockerBackend, access: NodeAccess, manager_client: Any, prefix: str
) -> None:
    workers = {"Constraints": ["node.role == worker"]}
    limit_8m = {"Limits": {"MemoryBytes": 8 * 2**20}}
    health = {
        "Test": ["CMD-SHELL", "echo probe-says-no; exit 1"],
        "Interval": 1_000_000_000,
        "Timeout": 3_000_000_000,
        "Retries": 1,
    }
    made = {
        cause: create_service(manager_client, body)
        for cause, body in {
            "constraints": spec(
                f"{prefix}-constraint", Placement={"Constraints": ["node.labels.nosuch == yes"]}
            ),
            "resources": spec(
                f"{prefix}-reserve", Resources={"Reservations": {"MemoryBytes": 2**40}}
            ),
            "port": {
                **spec(f"{prefix}-port", replicas=3, Placement=workers),
                "EndpointSpec": {
                    "Ports": [{"TargetPort": 80, "PublishedPort": HOST_PORT, "PublishMode": "host"}]
                },
            },
            "image": spec(f"{prefix}-image", image=MISSING_IMAGE, RestartPolicy=NO_RESTART),
            "max": spec(f"{prefix}-max", replicas=3, Placement={**workers, "MaxReplicas": 1}),
            "exit": spec(
                f"{prefix}-exit",
                ["sh", "-c", "echo starting up; echo boom >&2; exit 3"],
                RestartPolicy=NO_RESTART,
            ),
            "oom": spec(
                f"{prefix}-oom",
                ["sh", "-c", "head -c 64m /dev/zero | tail"],
                Resources=limit_8m,
                RestartPolicy=NO_RESTART,
            ),
            "health": spec(
                f"{prefix}-health", container={"Healthcheck": health}, RestartPolicy=NO_RESTART
            ),
        }.items()
    }
    wanted: dict[str, Callable[[Task], bool]] = {
        "constraints": pending_with_reason,
        "resources": pending_with_reason,
        "port": pending_with_reason,
        "max": pending_with_reason,
        "image": ended,
        "exit": ended,
        "oom": ended,
        "health": ended,
    }

    def all_there() -> dict[str, TaskDiagnosis] | None:
        found = {}
        for cause, service_id in made.items():
            if not any(wanted[cause](t) for t in tasks_of(backend, service_id)):
                return None
        for cause, service_id in made.items():
            diagnosis = explained(backend, access, service_id, wanted[cause])()
            assert diagnosis is not None
            found[cause] = diagnosis
        return found

    found = wait_for(all_there, WAIT, "every service's task to fail its way", step=1.0)
    causes = {k: d.explanation.cause if d.explanation else None for k, d in found.items()}
    assert causes == {
        "constraints": Cause.CONSTRAINTS,
        "resources": Cause.RESOURCES,
        "port": Cause.HOST_PORT,
        "max": Cause.MAX_REPLICAS,
        "image": Cause.IMAGE,
        "exit": Cause.EXITED,
        "oom": Cause.OUT_OF_MEMORY,
        "health": Cause.UNHEALTHY,
    }, {k: (d.explanation, d.not_known) for k, d in found.items()}

    # constraints: every node named with the constraint it fails, and its labels
    said = evidence(found["constraints"])
    for hostname in ("manager1", "worker1", "worker2"):
        assert hostname in said
    assert "node.labels.nosuch == yes" in said or "node.labels.nosuch==yes" in said
    # resources: what each node has free against the 1 TiB asked
    said = evidence(found["resources"])
    assert "memory free" in said and "asked 1.02e+03 GiB" in said
    assert "worker1" in said and "worker2" in said and "manager1" in said
    # host port: the port, held by the service's own tasks on both workers
    said = evidence(found["port"])
    assert str(HOST_PORT) in said and "worker1" in said and "worker2" in said
    # max replicas: the limit and the replica already on each worker
    assert "1" in evidence(found["max"]) and "worker" in evidence(found["max"])
    # image: the node's own message
    said = evidence(found["image"])
    assert f"No such image: {MISSING_IMAGE}" in said
    # exited: the exit code, the last log lines, and the node's container state was read
    said = evidence(found["exit"])
    assert "Exit code 3" in said and "boom" in said and "starting up" in said
    assert "OOM-killed: no (the node's container state)" in said
    assert not found["exit"].not_known
    # out of memory: from the node's engine
    said = evidence(found["oom"])
    assert "OOM-killed: yes" in said and "8 MiB" in said
    # healthcheck: the probe's own output
    said = evidence(found["health"])
    assert "echo probe-says-no; exit 1" in said and "probe-says-no" in said.split("Probe", 1)[-1]
    for cause, service_id in made.items():
        task = next(t for t in tasks_of(backend, service_id) if wanted[cause](t))
        assert needs_explanation(task), cause


def pinned_running(backend: DockerBackend, client: Any, name: str, hostname: str) -> str:
    """A service of one task that may run on HOSTNAME only, once it runs there."""
    pinned = {"Constraints": [f"node.hostname == {hostname}"]}
    service_id = create_service(client, spec(name, Placement=pinned))
    wait_for(
        lambda: any(t.state == "running" for t in tasks_of(backend, service_id)),
        WAIT,
        f"the task pinned to {hostname} to run",
        step=0.5,
    )
    return service_id


def test_a_drained_node(
    backend: DockerBackend, access: NodeAccess, manager_client: Any, prefix: str
) -> None:
    """The only node the constraints allow is drained: the task moved off it says so, and
    its replacement pends for want of an available node."""
    service_id = pinned_running(backend, manager_client, f"{prefix}-pinned", "worker2")
    with node_availability(manager_client, "worker2", "drain"):
        pending = wait_for(
            explained(backend, access, service_id, pending_with_reason),
            WAIT,
            "the replacement task to pend",
            step=0.5,
        )
        moved = explained(backend, access, service_id, lambda t: t.desired_state == "shutdown")()
    assert pending.explanation is not None and moved is not None and moved.explanation
    assert pending.explanation.cause is Cause.NODE_UNAVAILABLE, pending.explanation
    assert "worker2" in evidence(pending) and "drain" in evidence(pending)
    assert moved.explanation.cause is Cause.NODE_UNAVAILABLE, moved.explanation
    assert "drained" in moved.explanation.headline


def test_a_down_node(
    backend: DockerBackend,
    access: NodeAccess,
    engine: Any,
    lab_swarm: Lab,
    manager_client: Any,
    prefix: str,
) -> None:
    """The only node the constraints allow stops answering (its dind container paused):
    the task held there and its replacement both say the node is down; the node's engine
    is given up on after the time box, not waited for."""
    victim = next(n for n in lab_swarm.workers if n.name == "worker1")
    service_id = pinned_running(backend, manager_client, f"{prefix}-pinned", "worker1")
    container = engine.containers.get(victim.container_id)
    container.pause()
    try:
        wait_for(
            lambda: any(n.hostname == "worker1" and n.status == "down" for n in backend.nodes()),
            WAIT,
            "worker1 to be down",
            step=1.0,
        )
        pending = wait_for(
            explained(backend, access, service_id, pending_with_reason),
            WAIT,
            "the replacement task to pend",
            step=1.0,
        )
        held = explained(backend, access, service_id, lambda t: t.container_id != "")()
    finally:
        container.unpause()
    wait_for(
        lambda: any(n.hostname == "worker1" and n.status == "ready" for n in backend.nodes()),
        WAIT,
        "worker1 back",
        step=1.0,
    )
    assert pending.explanation is not None, pending
    assert pending.explanation.cause is Cause.NODE_UNAVAILABLE, pending.explanation
    assert "worker1 (worker, down, active)" in evidence(pending)
    assert held is not None and held.explanation is not None, held
    assert held.explanation.cause is Cause.NODE_UNAVAILABLE, held.explanation
    assert "worker1 is down" in held.explanation.headline
    assert any(line.startswith("container state on worker1") for line in held.not_known)


@contextlib.contextmanager
def node_availability(client: Any, hostname: str, availability: str) -> Iterator[None]:
    node = next(n for n in client.api.nodes() if n["Description"]["Hostname"] == hostname)

    def set_to(value: str) -> None:
        current = client.api.inspect_node(node["ID"])
        body = {**current["Spec"], "Availability": value}
        client.api.update_node(node["ID"], current["Version"]["Index"], body)

    original = node["Spec"]["Availability"]
    set_to(availability)
    try:
        yield
    finally:
        with contextlib.suppress(docker.errors.APIError):
            set_to(original)


def test_a_missing_secret(
    backend: DockerBackend, access: NodeAccess, manager_client: Any, prefix: str
) -> None:
    """The engine refuses to create or update a service naming a secret that does not
    exist; a rollback to a spec naming a removed one is not checked: its task fails."""
    secret = manager_client.secrets.create(name=f"{prefix}-s1", data=b"not telling")
    target = {"Name": "s1", "UID": "0", "GID": "0", "Mode": 0o444}
    reference = {"SecretID": secret.id, "SecretName": f"{prefix}-s1", "File": target}
    body = spec(f"{prefix}-secret", container={"Secrets": [reference]}, RestartPolicy=NO_RESTART)
    service_id = create_service(manager_client, body)
    try:
        running = wait_for(
            lambda: [t for t in tasks_of(backend, service_id) if t.state == "running"],
            WAIT,
            "the task with the secret to run",
            step=0.5,
        )
        current = manager_client.api.inspect_service(service_id)
        without = current["Spec"]
        without["TaskTemplate"]["ContainerSpec"].pop("Secrets")
        post_json(
            manager_client,
            f"/services/{service_id}/update",
            without,
            {"version": current["Version"]["Index"]},
        )
        wait_for(
            lambda: any(
                t.state == "running" and t.id != running[0].id
                for t in tasks_of(backend, service_id)
            ),
            WAIT,
            "the task without the secret to run",
            step=0.5,
        )
        secret.remove()
        current = manager_client.api.inspect_service(service_id)
        post_json(
            manager_client,
            f"/services/{service_id}/update",
            current["Spec"],
            {"version": current["Version"]["Index"], "rollback": "previous"},
        )
        diagnosis = wait_for(
            explained(backend, access, service_id, ended), WAIT, "the rolled back task to fail"
        )
    finally:
        with contextlib.suppress(docker.errors.APIError):
            manager_client.api.remove_service(service_id)
        with contextlib.suppress(docker.errors.APIError):
            secret.remove()
    assert diagnosis.explanation is not None
    assert diagnosis.explanation.cause is Cause.MISSING_OBJECT, diagnosis.explanation
    assert f"secret {prefix}-s1" in diagnosis.explanation.headline


def test_the_ssh_route_reads_the_container_state(
    backend: DockerBackend,
    engine: Any,
    lab_swarm: Lab,
    home: Path,
    manager_client: Any,
    prefix: str,
) -> None:
    """A node reached over SSH (a [nodes] mapping, host key confirmed): `docker inspect` on
    the node gives the container's state, and the explanation has it."""
    public_key = new_key(home / "why_key", "swarmtui-why")
    lab_add_ssh_key(lab_swarm.name, public_key)
    try:
        body = spec(
            f"{prefix}-exit",
            ["sh", "-c", "exit 5"],
            RestartPolicy=NO_RESTART,
            Placement={"Constraints": ["node.hostname == worker1"]},
        )
        service_id = create_service(manager_client, body)
        task = wait_for(
            lambda: next((t for t in tasks_of(backend, service_id) if ended(t)), None),
            WAIT,
            "the task to exit",
            step=0.5,
        )
        node = next(n for n in backend.nodes() if n.id == task.node_id)
        destination = SshDestination(node.address, "root", key_path=str(home / "why_key"))
        access = NodeAccess(None, (NodeMapping("worker1", destination),))
        target = SshTarget(node.address, "root", 22, str(home / "why_key"))
        with pytest.raises(HostKeyUnknown) as unknown:
            connect(target)
        connect(target, accept_fingerprints=[unknown.value.fingerprint]).close()  # the user's yes
        connection = SshNodeConnection(access.routes(node)[0])
        try:
            state = connection.container_state(task.container_id)
            assert state is not None and state["ExitCode"] == 5 and state["OOMKilled"] is False
            assert connection.container_state("no-such-container") is None
        finally:
            connection.close()
        found = diagnose(backend, task, None, tuple(backend.nodes()), access, open_node)
    finally:
        remove_key(engine, lab_swarm, public_key)
    assert found.explanation is not None and not found.not_known, found
    assert "OOM-killed: no (the node's container state)" in evidence(found)
