"""The session's side of "why": the facts fetched beyond the snapshot (on the demo
backend), and the node's engine time-boxed."""

from __future__ import annotations

import threading

import pytest

from swarmtui.core.mapping import task_from_json
from swarmtui.core.models import Node
from swarmtui.demo.cluster import TASKS_JSON, DemoBackend
from swarmtui.demo.usage import demo_connect
from swarmtui.diagnosis.explanation import Cause
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.ports import NodeConnection
from swarmtui.session import why
from swarmtui.session.why import container_state_of, diagnose

FAILED = "03t4k5q8r2w4z00000000003"


def test_a_failed_demo_task_is_explained_with_its_log_and_container_state() -> None:
    backend = DemoBackend()
    task = task_from_json(next(t for t in TASKS_JSON if t["ID"] == FAILED))
    nodes = tuple(backend.nodes())
    service = next(s for s in backend.services() if s.id == task.service_id)
    found = diagnose(backend, task, service, nodes, NodeAccess(None), demo_connect)
    assert found.explanation is not None and not found.not_known
    assert found.explanation.cause is Cause.EXITED
    evidence = "\n".join(found.explanation.evidence)
    assert "OOM-killed: no (the node's container state)" in evidence
    assert "ping: sendto: Network unreachable" in evidence  # the task's own last log line


def test_without_node_access_the_container_state_is_not_known() -> None:
    backend = DemoBackend()
    task = task_from_json(next(t for t in TASKS_JSON if t["ID"] == FAILED))
    found = diagnose(backend, task, None, tuple(backend.nodes()), None, None)
    assert found.explanation is not None and found.explanation.cause is Cause.EXITED
    assert found.not_known == (
        "container state on worker2: no access to the nodes' engines in this console",
    )
    assert "OOM-killed: not known" in "\n".join(found.explanation.evidence)


def test_a_silent_node_is_given_up_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(why, "NODE_SECONDS", 0.2)
    released = threading.Event()

    def hangs(route: NodeRoute, accept: tuple[str, ...]) -> NodeConnection:
        released.wait(10)
        raise OSError("gone")

    node = next(n for n in DemoBackend().nodes() if n.hostname == "worker2")
    assert isinstance(node, Node)
    try:
        state, problem = container_state_of("c0ffee", node, NodeAccess(None), hangs)
    finally:
        released.set()
    assert state is None and problem == "no answer within 0.2 s"
