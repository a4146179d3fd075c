"""The lab swarm itself: nodes, tasks on Docker-in-Docker workers, idempotence, clean-up."""

from __future__ import annotations

import socket
import time
from functools import partial
from typing import Any

import pytest
from helpers.swarm import ping_service, running_tasks
from helpers.waiting import wait_for

from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import LAB_LABEL, Lab, lab_down, lab_status, lab_up


def lab_log(message: str) -> None:
    print(f"[lab] {message}", flush=True)


def pinged(container: Any) -> bool:
    return b"bytes from 127.0.0.1" in container.logs(tail=5)


def test_lab_has_one_manager_and_two_ready_workers(lab_swarm: Lab, manager_client: Any) -> None:
    assert [n.name for n in lab_swarm.managers] == ["manager1"]
    assert [n.name for n in lab_swarm.workers] == ["worker1", "worker2"]
    nodes = {n.attrs["Description"].get("Hostname"): n.attrs for n in manager_client.nodes.list()}
    assert set(nodes) == {"manager1", "worker1", "worker2"}
    assert {h: n["Status"]["State"] for h, n in nodes.items()} == dict.fromkeys(nodes, "ready")
    assert {h: n["Spec"]["Role"] for h, n in nodes.items()} == {
        "manager1": "manager",
        "worker1": "worker",
        "worker2": "worker",
    }


def test_replicated_service_runs_on_every_node(
    lab_swarm: Lab, manager_client: Any, unique_name: str
) -> None:
    service = ping_service(manager_client, unique_name, 3)
    try:
        wait_for(lambda: len(running_tasks(manager_client, service.id)) == 3, 60, "3 running tasks")
        assert len({t["NodeID"] for t in running_tasks(manager_client, service.id)}) == 3
        # The tasks really are containers inside the Docker-in-Docker workers.
        for node in lab_swarm.workers:
            client = engine_client(node.api_url)
            try:
                found = client.containers.list(
                    filters={"label": f"com.docker.swarm.service.name={unique_name}"}
                )
                assert len(found) == 1, node.name
                wait_for(partial(pinged, found[0]), 60, f"ping output on {node.name}")
            finally:
                client.close()
    finally:
        service.remove()


def test_lab_up_again_reuses_the_running_lab(engine: Any, lab_swarm: Lab) -> None:
    def starts() -> dict[str, str]:
        return {
            node.container_id: engine.containers.get(node.container_id).attrs["State"]["StartedAt"]
            for node in lab_swarm.nodes
        }

    before = starts()
    started = time.monotonic()
    again = lab_up(lab_swarm.name, 1, 2, log=lab_log, sshd=True)
    lab_log(f"lab up again in {time.monotonic() - started:.1f} s")
    assert again == lab_swarm  # the same containers
    assert lab_status(lab_swarm.name) == lab_swarm
    assert starts() == before, "a node was restarted"


def test_nodes_run_sshd(lab_swarm: Lab) -> None:
    for node in lab_swarm.nodes:
        with socket.create_connection((node.address, 22), timeout=30) as conn:
            assert conn.recv(64).startswith(b"SSH-2.0-"), node.name


def test_lab_down_leaves_nothing_behind(engine: Any, run_id: str) -> None:
    name = f"swarmtui-t{run_id}-tiny"
    # Named like the lab's objects but not labelled: lab_down must not touch it.
    decoy = engine.volumes.create(name=f"{name}-decoy")
    try:
        lab = lab_up(name, managers=1, workers=0, log=lab_log, load_images=())
        assert [n.name for n in lab.nodes] == ["manager1"]
        assert lab_status(name) == lab
    finally:
        lab_down(name)
    try:
        label = {"label": f"{LAB_LABEL}={name}"}
        assert lab_status(name) is None
        assert engine.containers.list(all=True, filters=label) == []
        assert engine.volumes.list(filters=label) == []
        assert engine.networks.list(filters=label) == []
        assert [v.name for v in engine.volumes.list() if v.name.startswith(name)] == [decoy.name]
        assert [n.name for n in engine.networks.list() if n.name.startswith(name)] == []
        lab_down(name)  # idempotent
    finally:
        decoy.remove()


def test_failed_lab_up_removes_the_new_lab(engine: Any, run_id: str) -> None:
    name = f"swarmtui-t{run_id}-broken"
    try:
        with pytest.raises(Exception, match="swarmtui-no-such-image"):
            lab_up(
                name, managers=1, workers=0, log=lab_log, load_images=["swarmtui-no-such-image:0"]
            )
        assert lab_status(name) is None
        label = {"label": f"{LAB_LABEL}={name}"}
        assert engine.volumes.list(filters=label) == []
        assert engine.networks.list(filters=label) == []
    finally:
        lab_down(name)
