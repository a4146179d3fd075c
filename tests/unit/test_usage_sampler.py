"""The usage sampler: only what is shown, no more often than every 2 s, stopped when nothing
asks; one connection per node kept, dropped on error, reopened later; no host-key prompt."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from helpers.models import make_node, make_task
from helpers.waiting import wait_for

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import Node, Task
from swarmtui.core.usage import ContainerUsage, CpuReading
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.session.usage_report import UsageDemand, UsageSampled
from swarmtui.session.usage_sampler import RETRY_AFTER, UsageSampler

NODES = {n.id: n for n in (make_node(id=f"n{i}", hostname=f"w{i}") for i in range(4))}


def task(number: int, node: int = 0, state: str = "running") -> Task:
    return make_task(
        id=f"task{number:04d}",
        node_id=f"n{node}",
        state=state,
        container_id=f"{number:064x}",
    )


# A swarm of 400 running tasks over the 4 nodes.
SWARM = [task(i, i % 4) for i in range(400)]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeConnection:
    """A node's engine: every container at 10 % more CPU time per reading."""

    def __init__(self, host: str, log: list[tuple[str, tuple[str, ...]]]) -> None:
        self.host = host
        self.log = log
        self.readings = 0
        self.fail: Exception | None = None
        self.closed = False

    @property
    def description(self) -> str:
        return f"fake {self.host}"

    def container_usage(self, container_ids: tuple[str, ...]) -> dict[str, ContainerUsage]:
        self.log.append((self.host, container_ids))
        if self.fail is not None:
            raise self.fail
        self.readings += 1
        reading = CpuReading(self.readings * 100, self.readings * 1000, 2)
        return {cid: ContainerUsage(cid, 1024, 4096, reading=reading) for cid in container_ids}

    def container_state(self, container_id: str) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        self.closed = True

    def __getattr__(self, name: str) -> Any:  # what shells need: not used here
        raise AssertionError(name)


class Fixture:
    def __init__(self, running: list[Task] | None = None) -> None:
        self.clock = Clock()
        self.log: list[tuple[str, tuple[str, ...]]] = []
        self.opened: list[FakeConnection] = []
        self.task_lists = 0
        self.unknown_keys: set[str] = set()
        self.refuse: set[str] = set()
        self.running = SWARM if running is None else running
        self.sampler = UsageSampler(
            lambda: NODES, self.list_running, monotonic=self.clock, background=False
        )
        self.sampler.enable(NodeAccess(None), self.connect)
        self.reports: list[UsageSampled] = []
        self.sampler.subscribe(self.reports.append)

    def list_running(self) -> list[Task]:
        self.task_lists += 1
        return list(self.running)

    def connect(self, route: NodeRoute, accept: tuple[str, ...]) -> FakeConnection:
        assert accept == ()  # never a fingerprint accepted behind the user's back
        assert route.ssh is not None
        host = route.ssh.host
        if host in self.unknown_keys:
            raise HostKeyUnknown(host, "SHA256:xyz", "ssh-ed25519")
        if host in self.refuse:
            raise BackendError(ProblemKind.UNREACHABLE, f"{host} refused")
        connection = FakeConnection(host, self.log)
        self.opened.append(connection)
        return connection

    def containers_asked(self) -> int:
        return sum(len(ids) for _, ids in self.log)


def rows(*numbers: int) -> UsageDemand:
    return UsageDemand(tasks=tuple(SWARM[n] for n in numbers))


def test_only_the_rows_shown_are_sampled_one_call_per_node() -> None:
    fixture = Fixture()
    fixture.sampler.want("tasks", rows(0, 1, 4, 5))  # nodes n0, n1, n0, n1
    report = fixture.sampler.tick()
    assert report is not None
    assert sorted(ids for _, ids in fixture.log) == [
        (SWARM[0].container_id, SWARM[4].container_id),
        (SWARM[1].container_id, SWARM[5].container_id),
    ]
    assert fixture.task_lists == 0  # the rows carry their node and container
    assert set(report.tasks) == {SWARM[n].id for n in (0, 1, 4, 5)}


@pytest.mark.parametrize("shown", [5, 20, 50])
def test_requests_grow_with_the_rows_shown_not_with_the_swarm(shown: int) -> None:
    small, large = Fixture(SWARM[:60]), Fixture(SWARM)
    for fixture in (small, large):
        fixture.sampler.want("tasks", rows(*range(shown)))
        fixture.sampler.tick()
    assert small.containers_asked() == large.containers_asked() == shown
    assert len(small.log) == len(large.log) == min(4, shown)  # one call per node


def test_tasks_not_running_are_not_sampled() -> None:
    fixture = Fixture()
    pending = task(900, state="pending")
    gone = make_task(id="nocontainer", container_id="")
    fixture.sampler.want("tasks", UsageDemand(tasks=(pending, gone, SWARM[0])))
    fixture.sampler.tick()
    assert fixture.containers_asked() == 1


def test_no_round_faster_than_every_two_seconds() -> None:
    fixture = Fixture()
    sampler = fixture.sampler
    sampler.want("tasks", rows(0))
    assert sampler.tick() is not None
    fixture.clock.now += 1.0
    sampler.want("tasks", rows(0, 1))  # more rows shown: still not before the 2 s
    assert sampler.seconds_until_due() == pytest.approx(1.0)
    assert sampler.tick() is None
    fixture.clock.now += 1.0
    assert sampler.tick() is not None
    assert sampler.counts.rounds == 2


def test_nothing_is_sampled_when_nothing_is_shown() -> None:
    fixture = Fixture()
    sampler = fixture.sampler
    assert sampler.seconds_until_due() is None
    assert sampler.tick() is None
    sampler.want("tasks", rows(0))
    sampler.want("tasks", None)
    fixture.clock.now += 60
    assert sampler.tick() is None
    assert fixture.log == [] and fixture.task_lists == 0


def test_cpu_needs_two_readings_memory_is_there_at_once() -> None:
    fixture = Fixture()
    fixture.sampler.want("tasks", rows(0))
    first = fixture.sampler.tick()
    assert first is not None
    figures = first.tasks[SWARM[0].id]
    assert figures.cpu_percent is None and figures.memory_used == 1024
    fixture.clock.now += 2
    second = fixture.sampler.tick()
    assert second is not None
    # 100 ns of 1000 ns of system time, 2 CPUs: 20 %
    assert second.tasks[SWARM[0].id].cpu_percent == pytest.approx(20.0)
    assert second.tasks[SWARM[0].id].cpu_history == (20.0,)
    assert second.tasks[SWARM[0].id].memory_history == (1024, 1024)


def test_node_totals_read_the_running_tasks_once_per_round() -> None:
    fixture = Fixture()
    fixture.sampler.want("nodes", UsageDemand(node_ids=frozenset({"n1"})))
    report = fixture.sampler.tick()
    assert report is not None
    assert fixture.task_lists == 1
    assert fixture.containers_asked() == 100  # the 100 tasks of n1, in one call
    totals = report.nodes["n1"]
    assert totals.tasks_running == 100
    assert totals.memory_used == 100 * 1024
    assert not totals.complete  # CPU needs a second reading
    fixture.clock.now += 2
    report = fixture.sampler.tick()
    assert report is not None and report.nodes["n1"].complete
    assert report.nodes["n1"].cpu_percent == pytest.approx(100 * 20.0)


def test_the_top_view_samples_the_whole_swarm() -> None:
    fixture = Fixture()
    fixture.sampler.want("top", UsageDemand(whole_swarm=True))
    report = fixture.sampler.tick()
    assert report is not None
    assert fixture.containers_asked() == 400 and len(fixture.log) == 4
    assert len(report.running) == 400 and set(report.nodes) == set(NODES)
    assert report.listed


def test_demands_of_several_owners_are_merged() -> None:
    fixture = Fixture()
    fixture.sampler.want("tasks", rows(1))
    fixture.sampler.want("nodes", UsageDemand(node_ids=frozenset({"n1"})))
    fixture.sampler.tick()
    assert fixture.containers_asked() == 100  # task 1 is on n1: asked once


def test_the_connection_is_kept_between_rounds() -> None:
    fixture = Fixture()
    fixture.sampler.want("tasks", rows(0))
    for _ in range(3):
        fixture.sampler.tick()
        fixture.clock.now += 2
    assert len(fixture.opened) == 1


def test_a_failing_node_is_dropped_then_reopened_later() -> None:
    fixture = Fixture()
    sampler = fixture.sampler
    sampler.want("tasks", rows(0, 1))
    sampler.tick()
    broken = next(c for c in fixture.opened)
    for connection in fixture.opened:
        connection.fail = BackendError(ProblemKind.UNREACHABLE, "gone")
    fixture.clock.now += 2
    report = sampler.tick()
    assert report is not None
    assert report.tasks == {}
    assert "gone" in report.problems["n0"] and broken.closed
    fixture.clock.now += 2
    sampler.tick()
    assert len(fixture.opened) == 2  # not reopened before RETRY_AFTER
    fixture.clock.now += RETRY_AFTER
    report = sampler.tick()
    assert report is not None and len(fixture.opened) == 4
    assert set(report.tasks) == {SWARM[0].id, SWARM[1].id}


def test_routes_are_tried_best_first() -> None:
    fixture = Fixture()
    calls: list[str] = []

    class TwoRoutes(NodeAccess):
        def routes(self, node: Node) -> tuple[NodeRoute, ...]:
            return tuple(super().routes(node)) + super().routes(
                make_node(address="10.0.0.99", hostname=node.hostname)
            )

    def connect(route: NodeRoute, accept: tuple[str, ...]) -> FakeConnection:
        assert route.ssh is not None
        calls.append(route.ssh.host)
        if route.ssh.host == "10.0.0.21":
            raise OSError("refused")
        return FakeConnection(route.ssh.host, fixture.log)

    fixture.sampler.enable(TwoRoutes(None), connect)
    fixture.sampler.want("tasks", rows(0))
    report = fixture.sampler.tick()
    assert calls == ["10.0.0.21", "10.0.0.99"]
    assert report is not None and SWARM[0].id in report.tasks


def test_an_unknown_host_key_is_no_prompt_just_no_figures() -> None:
    fixture = Fixture()
    fixture.unknown_keys.add("10.0.0.21")
    fixture.sampler.want("tasks", rows(0))
    report = fixture.sampler.tick()
    assert report is not None and report.tasks == {}
    assert "host key not confirmed" in report.problems["n0"]


def test_a_failing_task_list_still_samples_the_rows() -> None:
    fixture = Fixture()

    def broken() -> list[Task]:
        raise BackendError(ProblemKind.UNREACHABLE, "manager gone")

    sampler = UsageSampler(lambda: NODES, broken, monotonic=fixture.clock, background=False)
    sampler.enable(NodeAccess(None), fixture.connect)
    sampler.want("tasks", rows(0))
    sampler.want("nodes", UsageDemand(node_ids=frozenset({"n2"})))
    report = sampler.tick()
    assert report is not None and SWARM[0].id in report.tasks
    assert report.problems[""] == "manager gone"
    assert not report.listed  # the top view keeps its rows


def test_the_thread_samples_while_asked_and_ends_with_its_connections() -> None:
    log: list[tuple[str, tuple[str, ...]]] = []
    opened: list[FakeConnection] = []

    def connect(route: NodeRoute, accept: tuple[str, ...]) -> FakeConnection:
        opened.append(FakeConnection("x", log))
        return opened[-1]

    sampler = UsageSampler(lambda: NODES, lambda: [], interval=0.05)
    sampler.enable(NodeAccess(None), connect)
    rounds = threading.Event()
    sampler.subscribe(lambda report: rounds.set())
    assert not sampler.running
    sampler.want("tasks", rows(0))
    assert rounds.wait(20)
    wait_for(lambda: sampler.counts.rounds >= 3, 20, "three rounds", step=0.01)
    sampler.want("tasks", None)
    wait_for(lambda: not sampler.running, 20, "the sampler to stop", step=0.01)
    calls = len(log)
    assert opened and all(c.closed for c in opened)
    time.sleep(0.2)
    assert len(log) == calls  # stopped: no more requests
    sampler.want("tasks", rows(0))  # asked again: a new thread, a new connection
    wait_for(lambda: len(opened) == 2 and len(log) > calls, 20, "a second connection", step=0.01)
    sampler.close()
    wait_for(lambda: not sampler.running, 20, "the sampler to stop", step=0.01)
