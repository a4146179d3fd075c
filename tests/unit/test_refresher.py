"""The Refresher on the demo cluster: what each refresh fetches, and what it costs.

A fake monotonic clock drives the timing, so nothing here sleeps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from helpers.fake_clock import FakeClock

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.mapping import service_from_json
from swarmtui.core.models import EngineInfo, Node, ScopeKind, Service, SwarmEvent, Task, TaskScope
from swarmtui.demo.cluster import DEMO_NOW, NODES_JSON, SERVICES_JSON, DemoBackend
from swarmtui.session.refresher import (
    HOT_PERIOD,
    HOT_POLL_INTERVAL,
    LIST_DUTY,
    Refresher,
    RefreshTimings,
)

TIMINGS = RefreshTimings(poll_interval=2.0, resync_interval=45.0)
HELLOWORLD = TaskScope(ScopeKind.SERVICE, SERVICES_JSON[0]["ID"], "helloworld")
WORKER1 = TaskScope(ScopeKind.NODE, NODES_JSON[1]["ID"], "worker1")
HELLOWORLD_ID, SERVICE2_ID = HELLOWORLD.object_id, SERVICES_JSON[1]["ID"]
MANAGER1_ID, WORKER1_ID, WORKER2_ID = (n["ID"] for n in NODES_JSON[:3])
DEMO_SERVICE_NAMES = sorted(s["Spec"]["Name"] for s in SERVICES_JSON)  # the refresher's order


class RecordingDemo(DemoBackend):
    """The demo cluster plus EXTRA converged services, recording every request it serves."""

    def __init__(self, extra_services: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra_services = extra_services
        self.helloworld_version = 0
        self.calls: list[str] = []

    def bump_helloworld(self) -> None:
        """helloworld's status moves (as when one of its tasks changes state)."""
        self.helloworld_version += 1

    def take_calls(self) -> list[str]:
        calls, self.calls = self.calls, []
        return calls

    def engine_info(self) -> EngineInfo:
        self.calls.append("engine_info")
        return super().engine_info()

    def nodes(self) -> list[Node]:
        self.calls.append("nodes")
        return super().nodes()

    def services(self) -> list[Service]:
        self.calls.append("services")
        return self._services(super().services())

    def _services(self, demo: list[Service]) -> list[Service]:
        extra = [service_from_json(extra_service(i)) for i in range(self.extra_services)]
        bumped = [
            replace(s, version=s.version + self.helloworld_version)
            if s.id == HELLOWORLD.object_id
            else s
            for s in demo
        ]
        return bumped + extra

    def tasks(self, scope: TaskScope) -> list[Task]:
        self.calls.append("tasks")
        return super().tasks(scope)

    def service(self, service_id: str) -> Service | None:
        self.calls.append("service")
        return next((s for s in self._services(super().services()) if s.id == service_id), None)

    def node(self, node_id: str) -> Node | None:
        self.calls.append("node")
        return super().node(node_id)

    def service_tasks(self, scope: TaskScope, service_id: str) -> list[Task]:
        self.calls.append("service_tasks")
        return super().service_tasks(scope, service_id)


def extra_service(index: int) -> dict[str, Any]:
    return {
        "ID": f"x{index:024d}",
        "Version": {"Index": 7},
        "Spec": {
            "Name": f"extra-{index:04d}",
            "Mode": {"Replicated": {"Replicas": 1}},
            "TaskTemplate": {"ContainerSpec": {"Image": "busybox:1.36"}},
        },
        "ServiceStatus": {"RunningTasks": 1, "DesiredTasks": 1},
    }


def until_due(refresher: Refresher, clock: FakeClock) -> None:
    """Move the clock to when the next poll is due (a hair later: float sums round)."""
    clock.advance(refresher.seconds_until_due() + 1e-6)


def make(backend: RecordingDemo, scope: TaskScope | None = None) -> tuple[Refresher, FakeClock]:
    """A refresher on BACKEND, SCOPE in its tasks pane, that has not refreshed yet."""
    clock = FakeClock()
    refresher = Refresher(backend, TIMINGS, monotonic=clock, wallclock=lambda: DEMO_NOW)
    if scope is not None:
        refresher.set_scope(scope)
    return refresher, clock


def started(
    backend: RecordingDemo, scope: TaskScope | None = HELLOWORLD
) -> tuple[Refresher, FakeClock]:
    """A refresher past its first refresh, SCOPE in its tasks pane; the calls so far taken."""
    refresher, clock = make(backend, scope)
    refresher.refresh()
    backend.take_calls()
    return refresher, clock


def poll_until_calm(refresher: Refresher, clock: FakeClock, polls: int = 100) -> None:
    """Polls long enough for any burst of fast polling to end."""
    for _ in range(polls):
        until_due(refresher, clock)
        refresher.refresh()


def event(kind: str, action: str = "update", actor: str = "x1") -> SwarmEvent:
    return SwarmEvent(kind, action, actor, (("name", "x"),), 1_767_268_800_000_000_000)


def test_first_refresh_fetches_everything() -> None:
    backend = RecordingDemo()
    refresher, _ = make(backend, HELLOWORLD)
    snapshot = refresher.refresh()
    assert backend.take_calls() == ["engine_info", "nodes", "services", "tasks"]
    assert backend.request_count == 4
    assert snapshot is not None
    assert snapshot.engine.swarm_state == "active"
    assert [n.hostname for n in snapshot.nodes] == ["manager1", "worker1", "worker2"]
    assert [s.name for s in snapshot.services] == DEMO_SERVICE_NAMES
    assert [t.slot for t in snapshot.tasks] == [1, 2]
    assert snapshot.task_scope == HELLOWORLD
    assert snapshot.endpoint == "tcp://127.0.0.1:2375"
    assert snapshot.fetched_at == DEMO_NOW
    assert refresher.last_snapshot is snapshot


def test_first_refresh_without_scope_fetches_no_tasks() -> None:
    backend = RecordingDemo()
    refresher, _ = make(backend)
    snapshot = refresher.refresh()
    assert backend.take_calls() == ["engine_info", "nodes", "services"]
    assert snapshot is not None and snapshot.tasks == () and snapshot.task_scope is None


def test_nothing_due_costs_nothing() -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    clock.advance(0.1)
    assert refresher.seconds_until_due() > 0
    assert refresher.refresh() is None
    assert backend.take_calls() == []


@pytest.mark.parametrize("extra_services", [0, 40, 400])
def test_steady_poll_costs_at_most_two_requests(extra_services: int) -> None:
    """Services (with their status), plus the scoped tasks when that status moved: whatever
    the cluster size."""
    backend = RecordingDemo(extra_services)
    refresher, clock = make(backend, HELLOWORLD)
    first = refresher.refresh()
    assert first is not None and len(first.services) == len(SERVICES_JSON) + extra_services
    backend.take_calls()
    for poll in range(12):
        moved = poll % 3 == 2
        if moved:
            backend.bump_helloworld()
        until_due(refresher, clock)
        before = backend.request_count
        refresher.refresh()
        assert backend.take_calls() == (["services", "tasks"] if moved else ["services"])
        assert backend.request_count - before == (2 if moved else 1)


def test_another_service_moving_costs_no_tasks_request() -> None:
    backend = RecordingDemo(extra_services=5)
    refresher, clock = started(backend)
    backend.extra_services = 6  # a new service, not the one the tasks pane shows
    until_due(refresher, clock)
    assert refresher.refresh() is not None
    assert backend.take_calls() == ["services"]


def test_node_scope_follows_any_service_move() -> None:
    """A node runs tasks of any service: any service status move refetches its tasks."""
    backend = RecordingDemo(extra_services=5)
    refresher, clock = started(backend, WORKER1)
    until_due(refresher, clock)
    refresher.refresh()
    assert backend.take_calls() == ["services"]
    backend.extra_services = 6
    until_due(refresher, clock)
    refresher.refresh()
    assert backend.take_calls() == ["services", "tasks"]


def test_idle_cluster_polls_at_the_configured_interval() -> None:
    backend = RecordingDemo()
    refresher, clock = make(backend)
    refresher.refresh()
    for _ in range(100):  # long enough for any burst of fast polling to end
        until_due(refresher, clock)
        assert refresher.refresh() is None
    assert refresher.seconds_until_due() == TIMINGS.poll_interval
    clock.advance(0.5)
    assert refresher.seconds_until_due() == pytest.approx(TIMINGS.poll_interval - 0.5)


def test_changes_make_the_poll_faster() -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    poll_until_calm(refresher, clock)
    assert refresher.seconds_until_due() == TIMINGS.poll_interval
    backend.bump_helloworld()
    until_due(refresher, clock)
    assert refresher.refresh() is not None
    assert 0 < refresher.seconds_until_due() < TIMINGS.poll_interval
    poll_until_calm(refresher, clock)  # back to the configured pace
    assert refresher.seconds_until_due() == TIMINGS.poll_interval
    refresher.note_event(event("service", actor=SERVICES_JSON[1]["ID"]))
    refresher.refresh()
    assert 0 < refresher.seconds_until_due() < TIMINGS.poll_interval


def test_resync_fetches_everything_again() -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    start = clock.now
    while clock.now - start + TIMINGS.poll_interval < TIMINGS.resync_interval:
        clock.advance(TIMINGS.poll_interval + 1e-6)  # a poll is due, fast pace or not
        refresher.refresh()
        assert backend.take_calls() == ["services"]
    clock.advance(TIMINGS.poll_interval)
    refresher.refresh()
    assert backend.take_calls() == ["engine_info", "nodes", "services", "tasks"]


def test_service_event_with_a_node_scope_fetches_its_tasks_on_that_node() -> None:
    backend = RecordingDemo()
    refresher, clock = make(backend, WORKER1)
    first = refresher.refresh()
    backend.take_calls()
    clock.advance(0.1)
    refresher.note_event(event("service", actor=HELLOWORLD.object_id))
    assert refresher.refresh() is None  # nothing moved: the same tasks, the same snapshot
    assert backend.take_calls() == ["service", "service_tasks"]
    assert first is not None and refresher.last_snapshot is not None
    assert refresher.last_snapshot.tasks == first.tasks


@pytest.mark.parametrize(
    ("extra_services", "scope", "kind", "actor", "calls"),
    [
        pytest.param(400, HELLOWORLD, "service", HELLOWORLD_ID, ["service", "tasks"], id="scoped"),
        pytest.param(400, HELLOWORLD, "service", SERVICE2_ID, ["service"], id="other-service"),
        pytest.param(0, HELLOWORLD, "node", WORKER1_ID, ["node"], id="node"),
        pytest.param(0, WORKER1, "node", WORKER1_ID, ["tasks", "node"], id="scoped-node"),
        pytest.param(0, WORKER1, "node", WORKER2_ID, ["node"], id="other-node"),
        # the manager the console is connected to
        pytest.param(0, HELLOWORLD, "node", MANAGER1_ID, ["node", "engine_info"], id="manager"),
    ],
)
def test_an_event_fetches_what_it_names(
    extra_services: int, scope: TaskScope, kind: str, actor: str, calls: list[str]
) -> None:
    backend = RecordingDemo(extra_services)
    refresher, clock = started(backend, scope)
    clock.advance(0.1)
    before = backend.request_count
    refresher.note_event(event(kind, actor=actor))
    assert refresher.seconds_until_due() == 0.0
    refresher.refresh()
    assert backend.take_calls() == calls
    assert backend.request_count - before == len(calls)


@pytest.mark.parametrize(
    ("action", "extra_services", "actor_index", "scope"),
    [
        pytest.param("remove", 3, 2, HELLOWORLD, id="a-removed-service-leaves"),
        pytest.param("create", 1, 1, None, id="a-created-service-joins"),
    ],
)
def test_a_service_event_keeps_the_model_in_name_order(
    action: str, extra_services: int, actor_index: int, scope: TaskScope | None
) -> None:
    backend = RecordingDemo(extra_services)
    refresher, clock = started(backend, scope)
    backend.extra_services = 2
    clock.advance(0.1)
    refresher.note_event(event("service", action, actor=extra_service(actor_index)["ID"]))
    snapshot = refresher.refresh()
    assert backend.take_calls()[-1:] == ["service"]
    assert snapshot is not None
    assert [s.name for s in snapshot.services] == ["extra-0000", "extra-0001", *DEMO_SERVICE_NAMES]


def test_patched_model_equals_a_full_refetch() -> None:
    """What events patch in is what a re-list would have given: the safety net's resync
    publishes nothing new."""
    backend = RecordingDemo(extra_services=2)
    refresher, clock = started(backend)
    backend.extra_services = 3
    backend.bump_helloworld()
    clock.advance(0.1)
    for actor in (extra_service(2)["ID"], HELLOWORLD.object_id):
        refresher.note_event(event("service", actor=actor))
    patched = refresher.refresh()
    assert patched is not None
    refresher.request()
    assert refresher.refresh() is None
    assert backend.take_calls()[-4:] == ["engine_info", "nodes", "services", "tasks"]


def test_an_event_watches_its_service_until_the_next_full_poll() -> None:
    """Tasks start without events: the service is fetched again every HOT_POLL_INTERVAL,
    alone; the full poll keeps its own pace."""
    backend = RecordingDemo(extra_services=40)
    refresher, clock = started(backend)
    poll_until_calm(refresher, clock)  # the configured pace
    backend.take_calls()
    refresher.note_event(event("service", actor=SERVICES_JSON[1]["ID"]))
    refresher.refresh()
    assert backend.take_calls() == ["service"]
    assert refresher.seconds_until_due() == pytest.approx(HOT_POLL_INTERVAL)
    calls = []
    for _ in range(3):
        until_due(refresher, clock)
        refresher.refresh()
        calls += backend.take_calls()
    assert calls.count("service") >= 2 and calls.count("services") <= 1
    clock.advance(HOT_PERIOD)
    poll_until_calm(refresher, clock, polls=20)  # the watch ended: full polls only
    assert "service" not in backend.take_calls()
    assert refresher.seconds_until_due() == pytest.approx(TIMINGS.poll_interval)


def test_a_failed_event_fetch_is_retried() -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    clock.advance(0.1)
    refresher.note_event(event("service", actor=HELLOWORLD.object_id))
    backend.fail_with = BackendError(ProblemKind.UNREACHABLE, "gone")
    with pytest.raises(BackendError):
        refresher.refresh()
    backend.fail_with = None
    backend.take_calls()
    assert refresher.seconds_until_due() == 0.0
    refresher.refresh()
    assert backend.take_calls() == ["service", "tasks"]


@pytest.mark.parametrize("kind", ["secret", "config", "network", "container"])
def test_other_events_mark_nothing(kind: str) -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    clock.advance(0.1)
    refresher.note_event(event(kind))
    assert refresher.seconds_until_due() > 0
    assert refresher.refresh() is None
    assert backend.take_calls() == []


def test_scope_change_fetches_only_tasks() -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    clock.advance(0.1)
    refresher.set_scope(HELLOWORLD)  # the same scope: nothing to do
    assert refresher.refresh() is None
    assert backend.take_calls() == []
    refresher.set_scope(WORKER1)
    snapshot = refresher.refresh()
    assert backend.take_calls() == ["tasks"]
    assert snapshot is not None and snapshot.task_scope == WORKER1
    assert {t.node_id for t in snapshot.tasks} == {WORKER1.object_id}


def test_history_scope_includes_finished_tasks() -> None:
    backend = RecordingDemo()
    refresher, _ = make(backend, HELLOWORLD)
    current = refresher.refresh()
    refresher.set_scope(TaskScope(ScopeKind.SERVICE, HELLOWORLD.object_id, "helloworld", True))
    history = refresher.refresh()
    assert current is not None and history is not None
    assert len(current.tasks) == 2
    assert [t.state for t in history.tasks] == ["running", "running", "failed"]


def test_unchanged_data_publishes_no_snapshot() -> None:
    backend = RecordingDemo()
    refresher, clock = make(backend, HELLOWORLD)
    assert refresher.refresh() is not None
    for _ in range(3):
        until_due(refresher, clock)
        assert refresher.refresh() is None  # fetched, but nothing visible changed
    assert backend.take_calls()[-1:] == ["services"]
    clock.advance(TIMINGS.resync_interval)
    assert refresher.refresh() is None  # a full resync of the same cluster changes nothing
    backend.extra_services = 1
    until_due(refresher, clock)
    changed = refresher.refresh()
    assert changed is not None
    assert [s.name for s in changed.services] == ["extra-0000", *DEMO_SERVICE_NAMES]


def test_request_fetches_what_it_names() -> None:
    backend = RecordingDemo()
    refresher, clock = started(backend)
    clock.advance(0.1)
    refresher.request("nodes")
    refresher.refresh()
    assert backend.take_calls() == ["nodes"]
    refresher.request()
    refresher.refresh()
    assert backend.take_calls() == ["engine_info", "nodes", "services", "tasks"]


def test_failed_refresh_keeps_its_parts_dirty() -> None:
    backend = RecordingDemo()
    refresher, clock = make(backend, HELLOWORLD)
    assert refresher.seconds_since_success() == float("inf")
    backend.fail_with = BackendError(ProblemKind.UNREACHABLE, "gone")
    with pytest.raises(BackendError):
        refresher.refresh()
    assert refresher.last_success is None
    assert refresher.seconds_until_due() == 0.0
    backend.fail_with = None
    backend.take_calls()
    assert refresher.refresh() is not None
    assert backend.take_calls() == ["engine_info", "nodes", "services", "tasks"]
    clock.advance(3.0)
    assert refresher.seconds_since_success() == pytest.approx(3.0)


def test_follow_event_fetches_at_once_and_hands_over_the_newest_snapshot_only() -> None:
    """The event pump's path: the fetch on its own thread, the snapshot published unless
    the poll loop made a newer one meanwhile."""
    backend = RecordingDemo(extra_services=1)
    refresher, _ = started(backend)
    backend.bump_helloworld()
    followed = refresher.follow_event(event("service", actor=HELLOWORLD.object_id))
    assert backend.take_calls() == ["service", "tasks"]
    assert followed is not None and refresher.seconds_until_due() > 0  # nothing left to do
    backend.extra_services = 2
    refresher.request("services")
    newer = refresher.refresh()
    assert newer is not None
    published: list[object] = []
    refresher.hand_over(followed, published.append)
    refresher.hand_over(newer, published.append)
    assert published == [newer]


def test_follow_event_leaves_a_failed_fetch_to_the_poll_loop() -> None:
    backend = RecordingDemo()
    refresher, _ = started(backend, scope=None)
    backend.fail_with = BackendError(ProblemKind.UNREACHABLE, "gone")
    assert refresher.follow_event(event("service", actor=HELLOWORLD.object_id)) is None
    backend.fail_with = None
    backend.take_calls()
    assert refresher.seconds_until_due() == 0.0
    refresher.refresh()
    assert backend.take_calls() == ["service"]


class SlowListing(RecordingDemo):
    """Its services list takes LIST_SECONDS on the fake clock (thousands of services)."""

    def __init__(self, clock: FakeClock, list_seconds: float) -> None:
        super().__init__()
        self.clock = clock
        self.list_seconds = list_seconds

    def services(self) -> list[Service]:
        self.clock.advance(self.list_seconds)
        return super().services()


def test_a_slow_services_list_is_polled_less_often_events_still_followed() -> None:
    clock = FakeClock()
    backend = SlowListing(clock, 1.0)
    refresher = Refresher(backend, TIMINGS, monotonic=clock, wallclock=lambda: DEMO_NOW)
    refresher.set_scope(HELLOWORLD)
    refresher.refresh()
    # the list keeps the manager busy LIST_DUTY of the time at most: 1 s per 20 s
    assert refresher.seconds_until_due() == pytest.approx(1.0 / LIST_DUTY - 1.0)
    # the header counts the data live for as long as that pace says (not the configured)
    assert refresher.steady_poll_interval() == pytest.approx(1.0 / LIST_DUTY)
    backend.list_seconds = 0.01  # a small swarm again: the configured pace
    until_due(refresher, clock)
    refresher.refresh()
    assert refresher.seconds_until_due() == pytest.approx(TIMINGS.poll_interval - 0.01)
    assert refresher.steady_poll_interval() == TIMINGS.poll_interval
    backend.list_seconds = 1.0
    until_due(refresher, clock)
    refresher.refresh()
    backend.take_calls()
    refresher.note_event(event("service", actor=SERVICES_JSON[1]["ID"]))
    refresher.refresh()  # an event costs its service only, at once
    assert backend.take_calls() == ["service"]
    assert refresher.seconds_until_due() <= HOT_POLL_INTERVAL  # watched closely meanwhile
