"""Decides what to fetch and when, and builds snapshots. No threads of its own.

Steady state costs two requests whatever the cluster size: services with their status, and
the tasks of the one service or node the tasks pane shows. An event costs requests about its
object only (see patching.py): the service and its shown tasks, or the node; the model is
patched in place, and the service is watched closely for a while (its tasks start and stop
without events). A full resync (info, nodes, services, tasks) runs every `resync_interval`
seconds and after the event stream reconnects, as the safety net for anything missed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from swarmtui.core.models import (
    ClusterSnapshot,
    EngineInfo,
    Node,
    ScopeKind,
    Service,
    SwarmEvent,
    Task,
    TaskScope,
)
from swarmtui.ports import ClusterBackend
from swarmtui.session.patching import (
    NOTHING,
    Targets,
    engine_counts,
    event_targets,
    node_order,
    patch_nodes,
    patch_service_tasks,
    patch_services,
    service_order,
    service_status,
    shows_tasks_of,
    task_order,
)

ENGINE, NODES, SERVICES, TASKS = "engine", "nodes", "services", "tasks"
ALL_PARTS = frozenset({ENGINE, NODES, SERVICES, TASKS})
HOT_POLL_INTERVAL = 0.5
HOT_PERIOD = 10.0


@dataclass(frozen=True)
class RefreshTimings:
    poll_interval: float = 2.0
    resync_interval: float = 45.0


class Refresher:
    def __init__(
        self,
        backend: ClusterBackend,
        timings: RefreshTimings | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.backend = backend
        self.timings = timings or RefreshTimings()
        self._monotonic = monotonic
        self._wallclock = wallclock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._dirty: set[str] = set(ALL_PARTS)
        self._scope: TaskScope | None = None
        self._hot_until = 0.0
        self._targets = NOTHING  # what events asked to fetch one by one
        self._watched: dict[str, float] = {}  # service id -> watched closely until then
        self._last_poll = -1e9
        self._last_watch = -1e9
        self._last_resync = -1e9
        self._engine: EngineInfo | None = None
        self._nodes: tuple[Node, ...] = ()
        self._services: tuple[Service, ...] = ()
        self._tasks: tuple[Task, ...] = ()
        self._tasks_scope: TaskScope | None = None
        self.last_success: float | None = None
        self.last_snapshot: ClusterSnapshot | None = None

    # Called from any thread -------------------------------------------------------------

    def set_scope(self, scope: TaskScope | None) -> None:
        with self._lock:
            if scope == self._scope:
                return
            self._scope = scope
            self._dirty.add(TASKS)
        self._wake.set()

    def request(self, *parts: str) -> None:
        """Fetch PARTS (or everything) at once, e.g. for the `r` key or after a mutation."""
        with self._lock:
            self._dirty.update(parts or ALL_PARTS)
        self._wake.set()

    def wake(self) -> None:
        """Cut a wait() short, e.g. so the poll loop sees its stop event at once."""
        self._wake.set()

    def replace_backend(self, backend: ClusterBackend) -> None:
        """Talk to another manager from now on, resyncing everything (failover)."""
        self.backend = backend
        self.request()

    def note_event(self, event: SwarmEvent) -> None:
        with self._lock:
            targets = event_targets(event, self._scope)
            if not targets:
                return
            self._targets |= targets
            until = self._monotonic() + HOT_PERIOD
            for service_id in targets.services:
                self._watched[service_id] = until
            if targets.nodes:
                # A node's change moves tasks of any service, and task moves have no events.
                self._hot_until = until
        self._wake.set()

    def seconds_since_success(self) -> float:
        if self.last_success is None:
            return float("inf")
        return self._monotonic() - self.last_success

    # Called from the sync loop's thread -------------------------------------------------

    def _poll_interval(self, now: float) -> float:
        """Fast while things move (after an event or a change), the configured pace when
        nothing has changed for HOT_PERIOD seconds."""
        if now < self._hot_until:
            return HOT_POLL_INTERVAL
        return self.timings.poll_interval

    def seconds_until_due(self) -> float:
        now = self._monotonic()
        with self._lock:
            if self._dirty or self._targets:
                return 0.0
            watching = any(until > now for until in self._watched.values())
        due = [
            self._last_poll + self._poll_interval(now),
            self._last_resync + self.timings.resync_interval,
        ]
        if watching:
            due.append(self._last_watch + HOT_POLL_INTERVAL)
        return max(0.0, min(due) - now)

    def wait(self, stop: threading.Event) -> None:
        delay = self.seconds_until_due()
        if delay > 0 and not stop.is_set():
            self._wake.wait(delay)
        self._wake.clear()

    def _due_parts(self, now: float) -> tuple[set[str], Targets, TaskScope | None]:
        with self._lock:
            parts = set(self._dirty)
            self._dirty.clear()
            targets, self._targets = self._targets, NOTHING
            self._watched = {s: until for s, until in self._watched.items() if until > now}
            watched = frozenset(self._watched)
            scope = self._scope
        if now - self._last_resync >= self.timings.resync_interval:
            parts |= ALL_PARTS
        elif now - self._last_poll >= self._poll_interval(now):
            parts.add(SERVICES)  # the scope's tasks follow only if its status moved
        if watched and now - self._last_watch >= HOT_POLL_INTERVAL:
            targets |= Targets(services=watched)  # their tasks follow only if status moved
        return parts, targets, scope

    def refresh(self) -> ClusterSnapshot | None:
        """Fetch what is due; return a new snapshot when anything visible changed."""
        now = self._monotonic()
        parts, targets, scope = self._due_parts(now)
        if not parts and not targets:
            return None
        try:
            fetched_one_by_one = self._fetch(parts, targets, scope)
        except Exception:
            with self._lock:
                self._dirty |= parts
                self._targets |= targets
            raise
        if SERVICES in parts:
            self._last_poll = now
        if fetched_one_by_one:
            self._last_watch = now
        if parts >= ALL_PARTS:
            self._last_resync = now
        self.last_success = self._monotonic()
        snapshot = self._publishable()
        if snapshot is not None and SERVICES in parts:
            self._hot_until = now + HOT_PERIOD  # changes come in bursts: keep watching closely
        return snapshot

    def _fetch(self, parts: set[str], targets: Targets, scope: TaskScope | None) -> bool:
        """Fetch PARTS whole and TARGETS one by one (what PARTS does not cover already);
        whether any service was fetched one by one."""
        if ENGINE in parts or self._engine is None:
            self._engine = self.backend.engine_info()
        if NODES in parts:
            self._nodes = tuple(sorted(self.backend.nodes(), key=node_order))
        else:
            self._fetch_nodes(targets.nodes, ENGINE in parts)
        task_services: set[str] = set()
        if SERVICES in parts:
            before = self._services
            self._services = tuple(sorted(self.backend.services(), key=service_order))
            if scope is not None and _scope_moved(scope, before, self._services):
                parts.add(TASKS)
            if any(shows_tasks_of(scope, s) for s in targets.task_services):
                parts.add(TASKS)
        else:
            task_services = self._fetch_services(targets, scope)
        if scope != self._tasks_scope or targets.scope_tasks:
            parts.add(TASKS)
        if TASKS in parts:
            if scope is None:
                self._tasks = ()
            else:
                self._tasks = tuple(sorted(self.backend.tasks(scope), key=task_order))
            self._tasks_scope = scope
        elif scope is not None:
            self._fetch_service_tasks(task_services, scope)
        return SERVICES not in parts and bool(targets.services)

    def _fetch_nodes(self, node_ids: frozenset[str], engine_fetched: bool) -> None:
        for node_id in sorted(node_ids):
            before = self._nodes
            self._nodes = patch_nodes(before, node_id, self.backend.node(node_id))
            assert self._engine is not None
            if engine_fetched:
                continue
            if node_id == self._engine.node_id:
                self._engine = self.backend.engine_info()  # the connected manager's own node
            else:
                self._engine = engine_counts(self._engine, before, self._nodes)

    def _fetch_services(self, targets: Targets, scope: TaskScope | None) -> set[str]:
        """Fetch the TARGETS' services one by one; the shown ones whose tasks to fetch."""
        task_services: set[str] = set()
        for service_id in sorted(targets.services):
            before = next((s for s in self._services if s.id == service_id), None)
            fetched = self.backend.service(service_id)
            self._services = patch_services(self._services, service_id, fetched)
            if fetched is None:
                with self._lock:  # gone: nothing more to watch
                    self._watched.pop(service_id, None)
            if not shows_tasks_of(scope, service_id):
                continue
            if service_status(before) != service_status(fetched):
                task_services.add(service_id)
                with self._lock:  # changes come in bursts: keep watching it closely
                    self._watched[service_id] = self._monotonic() + HOT_PERIOD
        return task_services | {s for s in targets.task_services if shows_tasks_of(scope, s)}

    def _fetch_service_tasks(self, service_ids: set[str], scope: TaskScope) -> None:
        for service_id in sorted(service_ids):
            if scope.kind is ScopeKind.SERVICE:
                self._tasks = tuple(sorted(self.backend.tasks(scope), key=task_order))
            else:
                fetched = self.backend.service_tasks(scope, service_id)
                self._tasks = patch_service_tasks(self._tasks, service_id, fetched)

    def _publishable(self) -> ClusterSnapshot | None:
        assert self._engine is not None
        snapshot = ClusterSnapshot(
            engine=self._engine,
            nodes=self._nodes,
            services=self._services,
            tasks=self._tasks,
            task_scope=self._tasks_scope,
            endpoint=self.backend.endpoint_display,
            fetched_at=self._wallclock(),
        )
        previous = self.last_snapshot
        self.last_snapshot = snapshot
        if previous is not None and replace(previous, fetched_at=snapshot.fetched_at) == snapshot:
            return None
        return snapshot


def _scope_moved(scope: TaskScope, before: tuple[Service, ...], after: tuple[Service, ...]) -> bool:
    """Whether the tasks of SCOPE may have changed, judged from the services' status.

    Task state has no events; a service's running/desired counts, version and update state
    move with its tasks. A node's tasks belong to any service, so any move counts there.
    """
    if scope.kind is ScopeKind.NODE:
        return before != after

    def status(services: tuple[Service, ...]) -> tuple[object, ...] | None:
        return service_status(next((s for s in services if s.id == scope.object_id), None))

    return status(before) != status(after)


__all__ = ["RefreshTimings", "Refresher", "ScopeKind"]
