"""Swarm models for unit tests: a ready worker node and a running task, any field changed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from swarmtui.core.models import Node, Task

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
