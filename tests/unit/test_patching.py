"""The patching rules: what one event asks to fetch, and how the answers patch the model."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from swarmtui.core.models import EngineInfo, Node, ScopeKind, Service, SwarmEvent, Task, TaskScope
from swarmtui.session.live_model import LiveModel
from swarmtui.session.patching import (
    NOTHING,
    Targets,
    engine_counts,
    event_targets,
    patch_nodes,
    patch_service_tasks,
    patch_services,
)

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
WEB = TaskScope(ScopeKind.SERVICE, "s-web", "web")
WORKER = TaskScope(ScopeKind.NODE, "n-worker", "worker")


def service(service_id: str, name: str, running: int = 1) -> Service:
    return Service(service_id, name, "replicated", 1, running, "busybox", (), WHEN, WHEN, "", 1)


def node(node_id: str, hostname: str, role: str = "worker", status: str = "ready") -> Node:
    return Node(
        node_id, hostname, role, status, "active", "", "20.10", "", (), "", 1, 0, WHEN, WHEN
    )


def task(task_id: str, service_id: str, slot: int) -> Task:
    return Task(
        task_id,
        service_id,
        slot,
        "n-worker",
        "running",
        "running",
        "",
        "",
        "",
        WHEN,
        WHEN,
        None,
        "",
    )


def engine(nodes: int, managers: int) -> EngineInfo:
    return EngineInfo(
        "m1", "20.10", "1.41", "linux", "x86_64", "active", True, "n-m1", "", "c", managers, nodes
    )


def swarm_event(kind: str, actor: str, **attributes: str) -> SwarmEvent:
    return SwarmEvent(kind, "update", actor, tuple(sorted(attributes.items())), 1)


# What an event asks for -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "scope", "targets"),
    [
        (
            swarm_event("service", "s-web"),
            WEB,
            Targets(frozenset({"s-web"}), task_services=frozenset({"s-web"})),
        ),
        (swarm_event("service", "s-db"), WEB, Targets(frozenset({"s-db"}))),
        (
            swarm_event("service", "s-db"),
            WORKER,
            Targets(frozenset({"s-db"}), task_services=frozenset({"s-db"})),
        ),
        (swarm_event("service", "s-db"), None, Targets(frozenset({"s-db"}))),
        (
            swarm_event("node", "n-worker"),
            WORKER,
            Targets(nodes=frozenset({"n-worker"}), scope_tasks=True),
        ),
        (swarm_event("node", "n-other"), WORKER, Targets(nodes=frozenset({"n-other"}))),
        (swarm_event("node", "n-worker"), WEB, Targets(nodes=frozenset({"n-worker"}))),
        (
            swarm_event("container", "c1", **{"com.docker.swarm.service.id": "s-web"}),
            WEB,
            Targets(task_services=frozenset({"s-web"})),
        ),
        (swarm_event("task", "t1", **{"com.docker.swarm.service.id": "s-db"}), WEB, NOTHING),
        (swarm_event("container", "c1"), WEB, NOTHING),
        (swarm_event("secret", "x"), WEB, NOTHING),
        (swarm_event("network", "x"), WORKER, NOTHING),
        (swarm_event("service", ""), WEB, NOTHING),
    ],
)
def test_event_targets(event: SwarmEvent, scope: TaskScope | None, targets: Targets) -> None:
    assert event_targets(event, scope) == targets


def test_targets_add_up() -> None:
    combined = Targets(frozenset({"a"})) | Targets(nodes=frozenset({"n"}), scope_tasks=True)
    assert combined == Targets(frozenset({"a"}), frozenset({"n"}), frozenset(), True)
    assert combined and not NOTHING


# Services ---------------------------------------------------------------------------------


def test_a_changed_service_is_replaced_where_it_stands_and_the_rest_stays() -> None:
    services = (service("1", "api"), service("2", "db"), service("3", "web"))
    changed = service("2", "db", running=0)
    patched = patch_services(services, "2", changed)
    assert patched == (services[0], changed, services[2])
    assert patched[0] is services[0] and patched[2] is services[2]


def test_a_new_service_joins_in_name_order() -> None:
    services = (service("1", "api"), service("3", "web"))
    patched = patch_services(services, "2", service("2", "db"))
    assert [s.name for s in patched] == ["api", "db", "web"]


def test_a_renamed_service_moves_to_its_new_place() -> None:
    services = (service("1", "api"), service("2", "db"), service("3", "web"))
    patched = patch_services(services, "1", service("1", "zoo"))
    assert [s.name for s in patched] == ["db", "web", "zoo"]


def test_a_gone_service_is_removed() -> None:
    services = (service("1", "api"), service("2", "db"))
    assert patch_services(services, "1", None) == (services[1],)
    assert patch_services(services, "9", None) is services


# Nodes ------------------------------------------------------------------------------------


def test_nodes_are_replaced_added_and_removed_in_the_panes_order() -> None:
    nodes = (node("m", "m1", "manager"), node("a", "w1"), node("b", "w2"))
    down = node("a", "w1", status="down")
    assert patch_nodes(nodes, "a", down) == (nodes[0], down, nodes[2])
    promoted = node("b", "w2", "manager")
    assert [n.hostname for n in patch_nodes(nodes, "b", promoted)] == ["m1", "w2", "w1"]
    assert [n.hostname for n in patch_nodes(nodes, "c", node("c", "w0"))] == [
        "m1",
        "w0",
        "w1",
        "w2",
    ]
    assert patch_nodes(nodes, "a", None) == (nodes[0], nodes[2])


def test_engine_counts_follow_the_nodes() -> None:
    nodes = (node("m", "m1", "manager"), node("a", "w1"))
    info = engine(nodes=2, managers=1)
    assert engine_counts(info, nodes, nodes) is info
    joined = patch_nodes(nodes, "b", node("b", "w2"))
    assert (
        engine_counts(info, nodes, joined).nodes,
        engine_counts(info, nodes, joined).managers,
    ) == (3, 1)
    promoted = patch_nodes(nodes, "a", node("a", "w1", "manager"))
    assert engine_counts(info, nodes, promoted) == replace(info, managers=2)
    left = patch_nodes(nodes, "a", None)
    assert engine_counts(info, nodes, left) == replace(info, nodes=1)


# Tasks ------------------------------------------------------------------------------------


def test_the_tasks_of_one_service_are_replaced_among_the_shown_ones() -> None:
    tasks = (task("w1", "s-web", 1), task("d1", "s-db", 1), task("w2", "s-web", 2))
    patched = patch_service_tasks(tasks, "s-db", [task("d1", "s-db", 1), task("d2", "s-db", 2)])
    assert [t.id for t in patched] == ["w1", "d1", "w2", "d2"]
    assert [t.id for t in patch_service_tasks(tasks, "s-web", [])] == ["d1"]


# Two threads: whole lists and single replies -----------------------------------------------


def test_a_list_begun_before_a_single_reply_keeps_the_reply() -> None:
    model = LiveModel()
    old, new = service("2", "db", running=0), service("2", "db", running=1)
    listing = model.ticket()  # the re-list starts, then an event's reply comes first
    assert model.one_service("2", new, model.ticket())
    model.list_services([service("1", "api"), old], listing)
    assert model.services == (service("1", "api"), new)


def test_a_single_reply_older_than_a_list_is_dropped() -> None:
    model = LiveModel()
    reply = model.ticket()  # asked before the re-list, answered after it
    model.list_services([service("1", "api"), service("2", "db", running=1)], model.ticket())
    assert not model.one_service("2", None, reply)
    assert [s.name for s in model.services] == ["api", "db"]
    newer = model.ticket()
    assert model.one_service("2", None, newer)
    assert [s.name for s in model.services] == ["api"]
    assert not model.one_service("2", service("2", "db"), newer)  # not twice the same ticket


def test_shown_tasks_keep_a_newer_reply_of_one_service() -> None:
    model = LiveModel()
    model.list_tasks(WORKER, [task("w1", "s-web", 1), task("d1", "s-db", 1)], model.ticket())
    listing = model.ticket()
    assert model.service_tasks(WORKER, "s-db", [task("d2", "s-db", 2)], model.ticket())
    model.list_tasks(WORKER, [task("w1", "s-web", 1), task("d1", "s-db", 1)], listing)
    assert [t.id for t in model.tasks] == ["w1", "d2"]
    # Another scope's list does not mix with this one's replies.
    model.list_tasks(WEB, [task("w1", "s-web", 1)], model.ticket())
    assert not model.service_tasks(WORKER, "s-db", [], model.ticket())
    assert [t.id for t in model.tasks] == ["w1"]
