"""Helpers for tests of Docker-in-Docker machines on a real engine: what a machine left
behind, its networks, and its node becoming a Ready worker."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import docker.errors

from swarmtui.adapters.docker.dind_driver import MACHINE_LABEL, container_name, volume_name
from swarmtui.adapters.docker.engine_setup import engine_client


def leftovers(engine: Any, name: str) -> list[str]:
    found = [
        f"container {c.name}"
        for c in engine.containers.list(all=True, filters={"label": f"{MACHINE_LABEL}={name}"})
    ]
    volumes = engine.volumes.list(filters={"label": f"{MACHINE_LABEL}={name}"})
    found += [f"volume {v.name}" for v in volumes]
    return found


def forget_machine(engine: Any, manager_url: str, name: str) -> None:
    """Whatever is left of machine NAME: container, volume, swarm node."""
    with contextlib.suppress(docker.errors.NotFound):
        engine.containers.get(container_name(name)).remove(force=True, v=True)
    with contextlib.suppress(docker.errors.NotFound):
        engine.volumes.get(volume_name(name)).remove(force=True)
    client = engine_client(manager_url)
    try:
        for node in client.nodes.list():
            if node.attrs["Description"].get("Hostname") == name:
                node.remove(force=True)
    finally:
        client.close()


def ready_worker(manager_url: str, name: str) -> dict[str, Any]:
    """The manager's node entry of NAME once it is a Ready worker."""
    client = engine_client(manager_url)
    try:
        deadline = time.monotonic() + 60
        while True:
            nodes = [
                n.attrs
                for n in client.nodes.list()
                if n.attrs["Description"].get("Hostname") == name
            ]
            if nodes and nodes[0]["Status"]["State"] == "ready":
                node: dict[str, Any] = nodes[0]
                return node
            assert time.monotonic() < deadline, f"{name} not a Ready node: {nodes}"
            time.sleep(0.5)
    finally:
        client.close()


def networks_of(engine: Any, name: str) -> list[str]:
    container = engine.containers.get(container_name(name))
    return sorted(container.attrs["NetworkSettings"]["Networks"])
