"""Shells on the lab, through the session's Shells and the real adapters: what happens when
it cannot work. Each case is a plain message (and a journal line once a shell was planned),
never a traceback or a hung terminal."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import docker
import pytest
from helpers.swarm import create_service, pinned_service, remove_services
from helpers.waiting import wait_for

from swarmtui.actions.journal import Journal
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_load
from swarmtui.adapters.docker.lab_machines import LabNodes
from swarmtui.cli.node_connector import open_node
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import Node, ScopeKind, Task, TaskScope
from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.nodes.exec_plan import ExecRefused
from swarmtui.nodes.routes import NodeAccess
from swarmtui.session.shells import Shells, TerminalSpec

NO_SHELL_IMAGE = "swarmtui-noshell:1"
TERMINAL = TerminalSpec(80, 24, "xterm")


@pytest.fixture
def backend(lab_swarm: Lab) -> Iterator[DockerBackend]:
    opened = DockerBackend(Endpoint(lab_swarm.manager_url, "test"))
    yield opened
    opened.close()


def shells(
    lab: Lab,
    config: Config | None = None,
    *,
    lab_routes: bool = True,
    journal: Journal | None = None,
) -> Shells:
    config = config or Config()
    records = LabNodes(lab.name).machines if lab_routes else None
    access = NodeAccess(records, config.nodes)
    return Shells(config, journal or Journal(), lambda: datetime.now(UTC), access, open_node)


def running_task(backend: DockerBackend, service_id: str) -> tuple[Task, Node]:
    def probe() -> Task | None:
        tasks = backend.tasks(TaskScope(ScopeKind.SERVICE, service_id, ""))
        return next((t for t in tasks if t.state == "running" and t.container_id), None)

    task = wait_for(probe, 120, "a running task")
    node = next(n for n in backend.nodes() if n.id == task.node_id)
    return task, node


def refusal(shells: Shells, task: Task, node: Node | None) -> str:
    with pytest.raises(ExecRefused) as refused:
        shells.in_task(task, node, "the-task", "", TERMINAL)
    return refused.value.message


def test_read_only_refuses_unless_allowed(
    lab_swarm: Lab, backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    task, node = running_task(
        backend, create_service(manager_client, pinned_service(f"{prefix}-ro", "worker1"))
    )
    read_only = shells(lab_swarm, Config(read_only=True))
    assert "Read-only mode" in refusal(read_only, task, node)
    allowed = shells(lab_swarm, Config(read_only=True, allow_exec_in_read_only=True))
    opened = allowed.in_task(task, node, "the-task", "true", TERMINAL)
    opened.close()


def test_a_container_gone_since_the_list_was_read(
    lab_swarm: Lab, backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, pinned_service(f"{prefix}-gone", "worker1"))
    task, node = running_task(backend, service_id)
    manager_client.api.remove_service(service_id)
    worker = next(n for n in lab_swarm.nodes if n.name == "worker1")
    worker_engine = docker.APIClient(base_url=worker.api_url)
    try:
        wait_for(
            lambda: not worker_engine.containers(all=True, filters={"id": task.container_id}),
            120,
            "the container removed",
        )
    finally:
        worker_engine.close()
    journal = Journal()
    message = refusal(shells(lab_swarm, journal=journal), task, node)
    assert "is gone from worker1" in message
    (entry,) = journal.entries
    assert not entry.ok and task.container_id[:12] in entry.command


def test_a_node_that_cannot_be_reached(
    lab_swarm: Lab, backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    task, node = running_task(
        backend, create_service(manager_client, pinned_service(f"{prefix}-far", "worker1"))
    )
    # Not the lab's routes: a [nodes] entry leading nowhere (nothing listens on port 1
    # of loopback) and an address where no sshd listens: both tried, both said.
    mapping = NodeMapping("worker1", SshDestination("127.0.0.1", "root", 1))
    config = Config(nodes=(mapping,))
    far = replace(node, address="127.0.0.3")
    message = refusal(shells(lab_swarm, config, lab_routes=False), task, far)
    assert message.startswith("Cannot reach the engine of worker1: mapped:")
    assert "ssh 127.0.0.3:" in message


def test_an_image_without_a_shell(
    engine: Any, lab_swarm: Lab, backend: DockerBackend, manager_client: Any, prefix: str
) -> None:
    build_no_shell_image(engine)
    lab_load(lab_swarm.name, NO_SHELL_IMAGE)
    try:
        service = pinned_service(f"{prefix}-nosh", "worker2", NO_SHELL_IMAGE)
        task, node = running_task(backend, create_service(manager_client, service))
        tried = shells(lab_swarm)
        message = refusal(tried, task, node)
        assert "no shell" in message and "[exec] command" in message
        # A command typed instead runs: the image's own sleep binary, as a check.
        opened = tried.in_task(task, node, "the-task", "/bin/sleep 0", TERMINAL)
        opened.close()
    finally:
        remove_services(manager_client, prefix)  # before the image they run
        engine.images.remove(NO_SHELL_IMAGE, force=True)  # the lab's nodes go with the lab


def build_no_shell_image(engine: Any) -> None:
    """The workload image without sh (nor any busybox applet link but sleep)."""
    dockerfile = (
        f"FROM {WORKLOAD_IMAGE}\n"
        'RUN ["/bin/busybox", "sh", "-c", '
        '"cd /bin && for f in *; do [ $f = busybox ] || [ $f = sleep ] || rm $f; done"]\n'
    )
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    engine.images.build(
        fileobj=context,
        custom_context=True,
        tag=NO_SHELL_IMAGE,
        pull=False,
        rm=True,  # no build container left behind, also when the build fails
        forcerm=True,
    )
