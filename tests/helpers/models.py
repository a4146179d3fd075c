"""Swarm models for unit tests: a ready worker node and a running task, any field changed,
and the demo cluster's snapshot."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from swarmtui.core.models import ClusterSnapshot, Node, ScopeKind, Task, TaskScope
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend

NODE = Node(
    id="nodeid-worker1",
    hostname="worker1",
    role="worker",
    status="ready",
    availability="active",
    manager_status="",
    engine_version="27.0.0",
    address="10.0.0.21",
    labels=(),
    platform="linux/x86_64",
    cpus=2.0,
    memory_bytes=2**30,
    created_at=None,
    updated_at=None,
)

TASK = Task(
    id="taskid0123456789",
    service_id="svc",
    slot=1,
    node_id=NODE.id,
    desired_state="running",
    state="running",
    message="",
    error="",
    image="nginx:1.27",
    created_at=None,
    state_since=None,
    exit_code=None,
    container_id="3f2a9c1b7d4e" + "0" * 52,
)


def make_node(**changes: Any) -> Node:
    return replace(NODE, **changes)


def make_task(**changes: Any) -> Task:
    return replace(TASK, **changes)


def demo_snapshot(history: bool = True) -> ClusterSnapshot:
    backend = DemoBackend()
    services = backend.services()
    scope = TaskScope(ScopeKind.SERVICE, services[0].id, services[0].name, history)
    return ClusterSnapshot(
        engine=backend.engine_info(),
        nodes=tuple(backend.nodes()),
        services=tuple(services),
        tasks=tuple(backend.tasks(scope)),
        task_scope=scope,
        endpoint=backend.endpoint_display,
        fetched_at=DEMO_NOW,
    )
