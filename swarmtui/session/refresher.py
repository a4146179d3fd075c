"""Decides what to fetch and when, and builds snapshots. No threads of its own.

Steady state costs two requests whatever the cluster size: services with their status, and
the tasks of the one service or node the tasks pane shows. Events mark what they touch as
dirty and wake the loop; a full resync (info, nodes, services, tasks) runs every
`resync_interval` seconds and after the event stream reconnects.
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
        self._last_poll = -1e9
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
            scope = self._scope
            if event.type == "service":
                self._dirty.add(SERVICES)
                if (
                    scope is None
                    or scope.kind is ScopeKind.NODE
                    or (scope.object_id == event.actor_id)
                ):
                    self._dirty.add(TASKS)
            elif event.type == "node":
                self._dirty.update((NODES, ENGINE))
                if scope is not None and scope.kind is ScopeKind.NODE:
                    self._dirty.add(TASKS)
            else:
                return
            self._hot_until = self._monotonic() + HOT_PERIOD
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
            if self._dirty:
                return 0.0
        next_poll = self._last_poll + self._poll_interval(now)
        next_resync = self._last_resync + self.timings.resync_interval
        return max(0.0, min(next_poll, next_resync) - now)

    def wait(self, stop: threading.Event) -> None:
        delay = self.seconds_until_due()
        if delay > 0 and not stop.is_set():
            self._wake.wait(delay)
        self._wake.clear()

    def _due_parts(self, now: float) -> tuple[set[str], TaskScope | None]:
        with self._lock:
            parts = set(self._dirty)
            self._dirty.clear()
            scope = self._scope
        if now - self._last_resync >= self.timings.resync_interval:
            parts |= ALL_PARTS
        elif now - self._last_poll >= self._poll_interval(now):
            parts.add(SERVICES)  # the scope's tasks follow only if its status moved
        return parts, scope

    def refresh(self) -> ClusterSnapshot | None:
        """Fetch what is due; return a new snapshot when anything visible changed."""
        now = self._monotonic()
        parts, scope = self._due_parts(now)
        if not parts:
            return None
        try:
            self._fetch(parts, scope)
        except Exception:
            with self._lock:
                self._dirty |= parts
            raise
        self._last_poll = now
        if parts >= ALL_PARTS:
            self._last_resync = now
        self.last_success = self._monotonic()
        snapshot = self._publishable()
        if snapshot is not None:
            self._hot_until = now + HOT_PERIOD  # changes come in bursts: keep watching closely
        return snapshot

    def _fetch(self, parts: set[str], scope: TaskScope | None) -> None:
        if ENGINE in parts or self._engine is None:
            self._engine = self.backend.engine_info()
        if NODES in parts:
            self._nodes = tuple(sorted(self.backend.nodes(), key=_node_order))
        if SERVICES in parts:
            before = self._services
            self._services = tuple(sorted(self.backend.services(), key=lambda s: s.name))
            if scope is not None and _scope_moved(scope, before, self._services):
                parts.add(TASKS)
        if scope != self._tasks_scope:
            parts.add(TASKS)
        if TASKS in parts:
            if scope is None:
                self._tasks = ()
            else:
                self._tasks = tuple(sorted(self.backend.tasks(scope), key=_task_order))
            self._tasks_scope = scope

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
        service = next((s for s in services if s.id == scope.object_id), None)
        if service is None:
            return None
        return (
            service.replicas_running,
            service.replicas_desired,
            service.version,
            service.update_state,
        )

    return status(before) != status(after)


def _node_order(node: Node) -> tuple[int, str]:
    return (0 if node.role == "manager" else 1, node.hostname)


def _task_order(task: Task) -> tuple[int, float, str]:
    since = task.created_at.timestamp() if task.created_at else 0.0
    return (task.slot if task.slot is not None else 0, -since, task.node_id)


__all__ = ["RefreshTimings", "Refresher", "ScopeKind"]
