"""The dind machine driver end to end: two workers created, joined to the lab swarm, running a
service's tasks, then retired with nothing left behind (containers, volumes, swarm nodes); a
joined worker stopped and started again, back on a new engine port and Ready."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import docker
import pytest

from swarmtui.adapters.docker.dind_driver import (
    MACHINE_LABEL,
    DindDriver,
    container_name,
    volume_name,
)
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import NODE_IMAGE, WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_down, lab_up
from swarmtui.core.endpoints import Endpoint
from swarmtui.machines.manager import ConnectedMachineService, MachineManager
from swarmtui.machines.model import CreateRequest, MachineError, MachineRecord
from swarmtui.machines.service import MachineService
from swarmtui.machines.store import MachineStore
from swarmtui.session.cluster_access import BackendAccess


@pytest.fixture
def backend(lab_swarm: Lab) -> Iterator[DockerBackend]:
    b = DockerBackend(Endpoint(lab_swarm.manager_url, "test"))
    yield b
    b.close()


def _leftovers(engine: Any, names: list[str]) -> list[str]:
    found = []
    for name in names:
        for c in engine.containers.list(all=True, filters={"label": f"{MACHINE_LABEL}={name}"}):
            found.append(f"container {c.name}")
        for v in engine.volumes.list(filters={"label": f"{MACHINE_LABEL}={name}"}):
            found.append(f"volume {v.name}")
    return found


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _remove_machine(
    engine: Any, manager_client: Any, store: MachineStore, driver: DindDriver, name: str
) -> None:
    """Whatever is left of machine NAME: its record, container, volume and swarm node."""
    left = store.find(name)
    if left is not None:
        driver.remove(left, print)
    with contextlib.suppress(docker.errors.NotFound):
        engine.containers.get(container_name(name)).remove(force=True, v=True)
    with contextlib.suppress(docker.errors.NotFound):
        engine.volumes.get(volume_name(name)).remove(force=True)
    for node in manager_client.nodes.list():
        if node.attrs["Description"].get("Hostname") == name:
            node.remove(force=True)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_dind_workers_join_run_a_service_and_retire(
    engine: Any,
    lab_swarm: Lab,
    manager_client: Any,
    backend: DockerBackend,
    run_id: str,
    data_home: Path,
    tmp_path: Path,
) -> None:
    store = MachineStore(tmp_path / "machines.json")
    driver = DindDriver(node_image=NODE_IMAGE, network=lab_swarm.network)
    manager = MachineManager(store, {"dind": driver})
    service: MachineService = ConnectedMachineService(
        manager, lambda: BackendAccess(lambda: backend)
    )
    names = [f"m{run_id}-w1", f"m{run_id}-w2"]
    lines: list[str] = []
    svc = None
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            records = list(
                pool.map(
                    lambda n: service.create(
                        CreateRequest(name=n, driver="dind", role="worker"), lines.append
                    ),
                    names,
                )
            )
        print(f"created and joined 2 dind workers in {time.monotonic() - started:.1f} s")
        worker_token, _ = backend.mutator().join_tokens()
        assert worker_token and all(worker_token not in line for line in lines)
        assert any("SWMTKN-1-<masked>" in line for line in lines)
        node_ids = [r.extra["node_id"] for r in records]
        for record in records:
            assert record.role == "worker"
            assert record.address == store.get(record.name).address
            node = manager_client.nodes.get(record.extra["node_id"])
            assert node.attrs["Description"].get("Hostname") == record.name
            assert node.attrs["Status"]["Addr"] == record.address
            assert node.attrs["Status"]["State"] == "ready"
        statuses = dict((r.name, s) for r, s in service.list_machines())
        assert {statuses[n].swarm_state for n in names} == {"active"}
        # The workload image was loaded into the machines: a service runs on them offline.
        for node_id in node_ids:
            backend.mutator().set_node_labels(node_id, {"swarmtui.test.machine": run_id}, [])
        svc = manager_client.services.create(
            WORKLOAD_IMAGE,
            ["ping", "127.0.0.1"],
            name=f"t{run_id}-machines",
            mode=docker.types.ServiceMode("global"),
            constraints=[f"node.labels.swarmtui.test.machine=={run_id}"],
        )

        def running_on() -> set[str]:
            return {
                t["NodeID"] for t in svc.tasks() if t.get("Status", {}).get("State") == "running"
            }

        _wait(lambda: running_on() == set(node_ids), 90, "tasks running on both machines")
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda n: service.retire(n, lines.append), names))
        print(f"retired 2 dind workers in {time.monotonic() - started:.1f} s")
        assert store.list() == []
        assert _leftovers(engine, names) == []
        swarm_nodes = {n.id for n in manager_client.nodes.list()}
        assert not swarm_nodes & set(node_ids)
        assert running_on() == set()
    finally:
        if svc is not None:
            svc.remove()
        for name in names:
            _remove_machine(engine, manager_client, store, driver, name)


def test_bad_inputs_leave_nothing(
    engine: Any, lab_swarm: Lab, run_id: str, data_home: Path, tmp_path: Path
) -> None:
    store = MachineStore(tmp_path / "machines.json")
    driver = DindDriver(node_image=NODE_IMAGE, network=lab_swarm.network, load_images=())
    manager = MachineManager(store, {"dind": driver})
    existing = MachineRecord(name=f"m{run_id}-taken", driver="dind", address="10.0.0.1")
    store.add(existing)
    before = store.path.read_bytes()
    with pytest.raises(MachineError, match="already exists"):
        manager.create(CreateRequest(name=existing.name, driver="dind"), print)
    with pytest.raises(MachineError, match="not a valid machine name"):
        manager.create(CreateRequest(name="Bad_Name", driver="dind"), print)
    # Joining needs a manager: refused before anything is made.
    with pytest.raises(MachineError, match="manager"):
        manager.create(CreateRequest(name=f"m{run_id}-x", driver="dind", role="worker"), print)
    assert store.path.read_bytes() == before
    assert _leftovers(engine, [existing.name, f"m{run_id}-x"]) == []


def test_a_machine_failing_after_creation_is_removed(
    engine: Any, lab_swarm: Lab, run_id: str, data_home: Path, tmp_path: Path
) -> None:
    """Create succeeds, the join fails (not a manager): the machine and its record go away."""
    store = MachineStore(tmp_path / "machines.json")
    driver = DindDriver(node_image=NODE_IMAGE, network=lab_swarm.network, load_images=())
    manager = MachineManager(store, {"dind": driver})
    worker_url = lab_swarm.workers[0].api_url
    not_a_manager = DockerBackend(Endpoint(worker_url, "worker"))
    name = f"m{run_id}-fail"
    try:
        with pytest.raises(MachineError, match="not a swarm manager"):
            manager.create(
                CreateRequest(name=name, driver="dind", role="worker"),
                print,
                BackendAccess(lambda: not_a_manager),
            )
    finally:
        not_a_manager.close()
    assert store.list() == []
    assert _leftovers(engine, [name]) == []


def test_stopped_and_started_machine_moves_to_a_new_port_and_rejoins(
    engine: Any,
    lab_swarm: Lab,
    manager_client: Any,
    backend: DockerBackend,
    run_id: str,
    data_home: Path,
    tmp_path: Path,
) -> None:
    store = MachineStore(tmp_path / "machines.json")
    driver = DindDriver(node_image=NODE_IMAGE, network=lab_swarm.network, load_images=())
    manager = MachineManager(store, {"dind": driver})
    name = f"m{run_id}-restart"
    lines: list[str] = []
    try:
        created = manager.create(
            CreateRequest(name=name, driver="dind", role="worker"),
            print,
            BackendAccess(lambda: backend),
        )
        node_id = created.extra["node_id"]

        def node_state() -> str:
            return str(manager_client.nodes.get(node_id).attrs["Status"]["State"])

        started = time.monotonic()
        manager.stop(name, lines.append)
        print(f"stopped in {time.monotonic() - started:.1f} s")
        assert manager.status(name).state == "stopped"
        assert engine.containers.get(container_name(name)).attrs["State"]["Running"] is False
        # The manager marks a silent worker down after ~12 s: else "Ready again" proves nothing.
        _wait(lambda: node_state() == "down", 40, f"node {name} down")

        # Hold the old port: the engine must publish the API on another one.
        started = time.monotonic()
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", _port(created.engine_url)))
            holder.listen()
            restarted = manager.start(name, lines.append)
        print(f"started in {time.monotonic() - started:.1f} s")
        assert restarted.engine_url != created.engine_url
        assert store.get(name) == restarted
        assert restarted.role == "worker" and restarted.extra["node_id"] == node_id
        assert f"{name}: engine moved from {created.engine_url} to {restarted.engine_url}" in lines
        container = engine.containers.get(container_name(name))
        host_port = container.attrs["NetworkSettings"]["Ports"]["2375/tcp"][0]["HostPort"]
        assert restarted.engine_url == f"tcp://127.0.0.1:{host_port}"

        # The stale record still gives the live status: status() reads the port afresh.
        assert driver.status(created).state == "running"
        assert manager.status(name).swarm_state in ("active", "pending")
        node_engine = engine_client(restarted.engine_url, timeout=10)
        try:
            assert node_engine.info()["Name"] == name
        finally:
            node_engine.close()
        version = subprocess.run(
            ["docker", "-H", restarted.engine_url, "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert version.returncode == 0, version.stderr
        assert version.stdout.strip() == manager.status(name).engine_version

        # A restart outside swarmtui (docker restart, a host reboot): the status pass heals it.
        store.update(replace(restarted, engine_url=created.engine_url))
        listed = {record.name: record for record, _ in manager.statuses()}
        assert listed[name].engine_url == store.get(name).engine_url == restarted.engine_url
        _wait(lambda: node_state() == "ready", 60, f"node {name} Ready again")
    finally:
        _remove_machine(engine, manager_client, store, driver, name)
    assert _leftovers(engine, [name]) == []


def test_start_and_stop_explain_an_unknown_or_vanished_machine(
    engine: Any, run_id: str, tmp_path: Path
) -> None:
    store = MachineStore(tmp_path / "machines.json")
    manager = MachineManager(store, {"dind": DindDriver(load_images=())})
    for action in (manager.start, manager.stop):
        with pytest.raises(MachineError, match="There is no machine named 'nosuch'"):
            action("nosuch", print)
    vanished = f"m{run_id}-vanished"
    store.add(MachineRecord(name=vanished, driver="dind", address="", container_id="0" * 64))
    for action in (manager.start, manager.stop):
        with pytest.raises(MachineError, match=f"container of machine {vanished} is gone"):
            action(vanished, print)


def test_a_machine_joins_as_manager_and_retires_without_hurting_quorum(
    engine: Any, run_id: str, data_home: Path, tmp_path: Path
) -> None:
    """On a one-manager lab of its own (raft membership changes stay out of the shared lab):
    the machine joins as a manager (2 managers, both reachable), then retire demotes it
    before it leaves, so the lab's manager keeps quorum and stays the leader."""
    lab_name = f"swarmtui-q{run_id}"
    name = f"m{run_id}-mgr"
    lab = lab_up(lab_name, 1, 0, load_images=())
    store = MachineStore(tmp_path / "machines.json")
    driver = DindDriver(node_image=NODE_IMAGE, network=lab.network, load_images=())
    manager = MachineManager(store, {"dind": driver})
    backend = DockerBackend(Endpoint(lab.manager_url, "test"))
    client = engine_client(lab.manager_url)
    try:
        started = time.monotonic()
        record = manager.create(
            CreateRequest(name=name, driver="dind", role="manager"),
            print,
            BackendAccess(lambda: backend),
        )
        print(f"created and joined as manager in {time.monotonic() - started:.1f} s")
        node = client.nodes.get(record.extra["node_id"])
        assert node.attrs["Spec"]["Role"] == "manager"
        assert record.role == "manager"
        _wait(
            lambda: (
                [n.attrs.get("ManagerStatus", {}).get("Reachability") for n in client.nodes.list()]
                == ["reachable", "reachable"]
            ),
            30,
            "both managers reachable",
        )
        started = time.monotonic()
        manager.retire(name, print, BackendAccess(lambda: backend))
        print(f"retired the manager in {time.monotonic() - started:.1f} s")
        nodes = client.nodes.list()
        assert [n.attrs["Description"].get("Hostname") for n in nodes] == ["manager1"]
        assert nodes[0].attrs["ManagerStatus"]["Leader"] is True
        assert client.info()["Swarm"]["ControlAvailable"] is True
        assert store.list() == []
    finally:
        backend.close()
        try:
            _remove_machine(engine, client, store, driver, name)
        finally:
            client.close()
            lab_down(lab_name)
    assert _leftovers(engine, [name]) == []
