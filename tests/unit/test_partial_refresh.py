"""A refresh in which one list fails still shows the lists that arrived, and the snapshots
name the services that changed (so the services pane redoes only their rows)."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from helpers.fake_clock import FakeClock

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import ClusterSnapshot, Node, ScopeKind, Service, SwarmEvent, TaskScope
from swarmtui.demo.cluster import DEMO_NOW, SERVICES_JSON, DemoBackend
from swarmtui.session.live_model import LiveModel
from swarmtui.session.loops import run_poll_loop
from swarmtui.session.refresher import (
    NODES,
    SERVICES,
    PartialRefresh,
    Refresher,
    RefreshTimings,
)

TIMED_OUT = BackendError(ProblemKind.UNREACHABLE, "The list timed out.")
HELLOWORLD = TaskScope(ScopeKind.SERVICE, SERVICES_JSON[0]["ID"], "helloworld")


class FailingDemo(DemoBackend):
    """The demo cluster, whose lists named in FAILING fail; nodes renamed by RENAME."""

    def __init__(self) -> None:
        super().__init__()
        self.failing: set[str] = set()
        self.rename = ""
        self.replicas = 0

    def nodes(self) -> list[Node]:
        if NODES in self.failing:
            raise TIMED_OUT
        return [replace(n, hostname=n.hostname + self.rename) for n in super().nodes()]

    def services(self) -> list[Service]:
        if SERVICES in self.failing:
            raise TIMED_OUT
        return [self._scaled(s) for s in super().services()]

    def service(self, service_id: str) -> Service | None:
        found = super().service(service_id)
        return None if found is None else self._scaled(found)

    def _scaled(self, service: Service) -> Service:
        if service.id != HELLOWORLD.object_id or not self.replicas:
            return service
        return replace(service, replicas_desired=self.replicas)


def made() -> tuple[Refresher, FailingDemo, FakeClock]:
    backend, clock = FailingDemo(), FakeClock()
    refresher = Refresher(backend, RefreshTimings(), monotonic=clock, wallclock=lambda: DEMO_NOW)
    refresher.set_scope(HELLOWORLD)
    return refresher, backend, clock


def test_a_list_that_fails_keeps_its_last_value_and_the_others_are_shown() -> None:
    refresher, backend, _ = made()
    first = refresher.refresh()
    assert first is not None
    backend.failing, backend.rename = {SERVICES}, "-renamed"
    refresher.request()
    with pytest.raises(PartialRefresh) as raised:
        refresher.refresh()
    partly = raised.value
    assert partly.failed == frozenset({SERVICES})
    assert partly.kind is ProblemKind.UNREACHABLE and partly.message == TIMED_OUT.message
    assert partly.snapshot is not None and partly.snapshot is refresher.last_snapshot
    assert partly.snapshot.nodes[0].hostname.endswith("-renamed")
    assert partly.snapshot.services == first.services  # the previous list, kept
    assert refresher.last_success is not None
    assert refresher.seconds_until_due() == 0.0  # the failed list is fetched again at once
    backend.failing = set()
    assert refresher.refresh() is None  # the services again: nothing else changed


def test_a_refresh_in_which_nothing_arrived_is_a_plain_failure() -> None:
    refresher, backend, _ = made()
    refresher.refresh()
    backend.failing = {SERVICES}
    refresher.request(SERVICES)
    with pytest.raises(BackendError) as raised:
        refresher.refresh()
    assert not isinstance(raised.value, PartialRefresh)


def test_the_poll_loop_publishes_what_arrived_and_reports_the_failure() -> None:
    refresher, backend, _ = made()
    refresher.refresh()
    backend.failing, backend.rename = {SERVICES}, "-renamed"
    refresher.request()
    stop = threading.Event()
    published: list[ClusterSnapshot] = []
    reported: list[BackendError | None] = []

    def report(error: BackendError | None) -> None:
        reported.append(error)
        stop.set()  # one round is enough

    run_poll_loop(refresher, stop, published.append, report)
    assert len(published) == 1
    assert published[0].nodes[0].hostname.endswith("-renamed")
    assert len(reported) == 1 and reported[0] is not None
    assert reported[0].message == TIMED_OUT.message


def test_an_event_snapshot_names_the_one_service_that_changed() -> None:
    refresher, backend, _ = made()
    first = refresher.refresh()
    assert first is not None
    backend.replicas = 7
    event = SwarmEvent("service", "update", HELLOWORLD.object_id, (), 1)
    followed = refresher.follow_event(event)
    assert followed is not None
    assert followed.services_changed_since(first) == frozenset({HELLOWORLD.object_id})
    changes = followed.service_changes
    assert changes is not None and changes.before is first.services
    others = [s for s in followed.services if s.id != HELLOWORLD.object_id]
    assert all(any(s is t for t in first.services) for s in others)  # the same objects


def test_a_listed_service_equal_to_the_held_one_stays_that_object() -> None:
    model = LiveModel()
    services = DemoBackend().services()
    model.list_services(services, model.ticket())
    model.take_service_changes()
    held = model.services
    again = DemoBackend().services()  # equal, other objects
    moved = replace(again[1], replicas_running=(again[1].replicas_running or 0) + 1)
    model.list_services([again[0], moved, *again[2:]], model.ticket())
    assert model.take_service_changes() == frozenset({moved.id})
    assert sum(1 for s in model.services if any(s is h for h in held)) == len(held) - 1
    model.list_services(again[1:], model.ticket())  # the first one removed
    assert again[0].id in model.take_service_changes()


def test_changes_are_told_by_identity_when_the_snapshot_does_not_name_them() -> None:
    services = tuple(DemoBackend().services())
    snapshot = ClusterSnapshot(
        DemoBackend().engine_info(), (), services, (), None, "demo", DEMO_NOW
    )
    moved = replace(services[2], image="other:1")
    after = replace(snapshot, services=(*services[:2], moved, *services[3:]))
    assert after.services_changed_since(snapshot) == frozenset({moved.id})
    assert snapshot.services_changed_since(snapshot) == frozenset()
    fewer = replace(snapshot, services=services[1:])
    assert fewer.services_changed_since(snapshot) is None  # rows come or go: not cheap
