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

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import (
    ClusterSnapshot,
    ScopeKind,
    Service,
    ServiceChanges,
    SwarmEvent,
    TaskScope,
)
from swarmtui.ports import ClusterBackend
from swarmtui.session.live_model import LiveModel
from swarmtui.session.patching import (
    NOTHING,
    Targets,
    event_targets,
    service_status,
    shows_tasks_of,
)

ENGINE, NODES, SERVICES, TASKS = "engine", "nodes", "services", "tasks"
ALL_PARTS = frozenset({ENGINE, NODES, SERVICES, TASKS})
TARGETS = "targets"  # the objects fetched one by one, as a part that may fail
HOT_POLL_INTERVAL = 0.5
HOT_PERIOD = 10.0
# The share of the time the services list may keep the manager busy. Listing 5,000 services
# with their status costs the manager about 260 ms of CPU (its status counts walk every
# task): at 20% that was a list every 2 s, and on a machine the manager shares that load
# starved the console's keys; at 5% it is every 7 s, the changed services kept live by events.
LIST_DUTY = 0.05


@dataclass(frozen=True)
class RefreshTimings:
    poll_interval: float = 2.0
    resync_interval: float = 45.0


class PartialRefresh(BackendError):
    """Some parts of a refresh failed (ERROR: the first failure, whose kind and message
    this error takes; FAILED: which parts), others arrived: SNAPSHOT shows them (None:
    nothing visible changed), the failed parts with their last value. The failed parts are
    fetched again at the next refresh."""

    def __init__(
        self, error: Exception, snapshot: ClusterSnapshot | None, failed: frozenset[str]
    ) -> None:
        if isinstance(error, BackendError):
            super().__init__(error.kind, error.message, error.hint)
        else:
            super().__init__(ProblemKind.ENGINE_ERROR, f"{type(error).__name__}: {error}")
        self.error = error
        self.snapshot = snapshot
        self.failed = failed


def _attempt(part: str, outcomes: dict[str, Exception | None], fetch: Callable[[], None]) -> bool:
    """FETCH PART; whether it worked. OUTCOMES gets its error, or None."""
    try:
        fetch()
    except Exception as exc:
        outcomes[part] = exc
        return False
    outcomes[part] = None
    return True


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
        self._model = LiveModel()
        self._scope_moved = False  # the last services list moved the scope's tasks
        self._list_seconds = 0.0  # what the last services list took
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
        """Have the poll loop fetch what EVENT is about."""
        if self._watch(event_targets(event, self.scope), queue=True):
            self._wake.set()

    def follow_event(self, event: SwarmEvent) -> ClusterSnapshot | None:
        """Fetch what EVENT is about now, on the caller's thread (the event pump's: not
        behind a re-list the poll loop may be waiting for); a new snapshot if anything
        visible changed. On failure the poll loop fetches it again and reports the error."""
        if self._model.engine is None:  # not synced yet: the first sync fetches everything
            self.note_event(event)
            return None
        scope = self.scope
        targets = event_targets(event, scope)
        if not self._watch(targets, queue=False):
            return None
        try:
            self._fetch_targets(targets, scope)
        except Exception:
            with self._lock:
                self._targets |= targets
            self._wake.set()
            return None
        if targets.services:
            self._last_watch = self._monotonic()  # the watch's next look: HOT_POLL_INTERVAL on
        return self._publishable()

    def hand_over(
        self, snapshot: ClusterSnapshot, publish: Callable[[ClusterSnapshot], None]
    ) -> None:
        """PUBLISH SNAPSHOT unless a newer one was made meanwhile (on the other thread)."""
        with self._model.lock:
            if snapshot is self.last_snapshot:
                publish(snapshot)

    @property
    def scope(self) -> TaskScope | None:
        with self._lock:
            return self._scope

    def _watch(self, targets: Targets, queue: bool) -> bool:
        """Watch the services of TARGETS for a while (QUEUE: and have the poll loop fetch
        them); whether there is anything to fetch."""
        if not targets:
            return False
        with self._lock:
            if queue:
                self._targets |= targets
            until = self._monotonic() + HOT_PERIOD
            for service_id in targets.services:
                self._watched[service_id] = until
            if targets.nodes:
                # A node's change moves tasks of any service, and task moves have no events.
                self._hot_until = until
        return True

    def seconds_since_success(self) -> float:
        if self.last_success is None:
            return float("inf")
        return self._monotonic() - self.last_success

    # Called from the sync loop's thread -------------------------------------------------

    def _poll_interval(self, now: float) -> float:
        """Fast while things move (after an event or a change), the configured pace when
        nothing has changed for HOT_PERIOD seconds; never so often that listing the
        services keeps the manager busy more than LIST_DUTY of the time (thousands of
        services take it seconds; events keep the changed ones live meanwhile)."""
        hot = now < self._hot_until
        return self._paced(HOT_POLL_INTERVAL if hot else self.timings.poll_interval)

    def steady_poll_interval(self) -> float:
        """Seconds between two lists of the services once nothing moves: the configured
        pace, or longer for a swarm whose list is slow (see _poll_interval)."""
        return self._paced(self.timings.poll_interval)

    def _paced(self, interval: float) -> float:
        """INTERVAL, or longer where the services list would keep the manager busy more
        than LIST_DUTY of the time."""
        return max(interval, self._list_seconds / LIST_DUTY)

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
        """Fetch what is due; return a new snapshot when anything visible changed.

        A part that fails (a list that timed out) keeps its last value and is fetched again
        next time; the parts that arrived are still shown: PartialRefresh carries their
        snapshot with the first error."""
        now = self._monotonic()
        parts, targets, scope = self._due_parts(now)
        if not parts and not targets:
            return None
        outcomes: dict[str, Exception | None] = {}
        try:
            fetched_one_by_one = self._fetch(parts, targets, scope, outcomes)
            failed = {part: error for part, error in outcomes.items() if error is not None}
            if failed and len(failed) == len(outcomes):
                raise next(iter(failed.values()))  # nothing arrived: a failed refresh
        except Exception:
            with self._lock:
                self._dirty |= parts
                self._targets |= targets
            raise
        if failed:
            with self._lock:
                self._dirty |= failed.keys() & ALL_PARTS
                if TARGETS in failed:
                    self._targets |= targets
        if SERVICES in parts and SERVICES not in failed:
            self._last_poll = now
        if fetched_one_by_one:
            self._last_watch = now
        if parts >= ALL_PARTS and not failed:
            self._last_resync = now
        snapshot = self._publishable()
        if snapshot is not None and SERVICES in parts and SERVICES not in failed:
            self._hot_until = now + HOT_PERIOD  # changes come in bursts: keep watching closely
        if failed:
            raise PartialRefresh(next(iter(failed.values())), snapshot, frozenset(failed))
        self.last_success = self._monotonic()
        return snapshot

    def _fetch(
        self,
        parts: set[str],
        targets: Targets,
        scope: TaskScope | None,
        failed: dict[str, Exception | None],
    ) -> bool:
        """Fetch PARTS whole and TARGETS one by one (what PARTS does not cover already);
        whether any service was fetched one by one. Each part's outcome goes to FAILED (its
        error, or None): one that fails does not keep the others from being fetched. The
        engine's info is the exception: without it nothing can be shown, so its first
        failure is raised."""
        model = self._model
        if ENGINE in parts or model.engine is None:
            if model.engine is None:
                model.engine = self.backend.engine_info()
            else:
                _attempt(ENGINE, failed, self._fetch_engine)
        if NODES in parts and _attempt(NODES, failed, self._list_nodes):
            targets = replace(targets, nodes=frozenset())
        if SERVICES in parts and _attempt(SERVICES, failed, lambda: self._list_services(scope)):
            if self._scope_moved or any(shows_tasks_of(scope, s) for s in targets.task_services):
                parts.add(TASKS)
            targets = replace(targets, services=frozenset(), task_services=frozenset())
        if scope != model.tasks_scope or targets.scope_tasks:
            parts.add(TASKS)
        if TASKS in parts and _attempt(TASKS, failed, lambda: self._list_tasks(scope)):
            targets = replace(targets, task_services=frozenset(), scope_tasks=False)
        engine_fetched = ENGINE in parts and failed.get(ENGINE) is None
        if targets:
            _attempt(TARGETS, failed, lambda: self._fetch_targets(targets, scope, engine_fetched))
        return bool(targets.services) and failed.get(TARGETS) is None

    def _fetch_engine(self) -> None:
        self._model.engine = self.backend.engine_info()

    def _list_nodes(self) -> None:
        model = self._model
        ticket = model.ticket()
        model.list_nodes(self.backend.nodes(), ticket)

    def _list_services(self, scope: TaskScope | None) -> None:
        """The services listed; _scope_moved: whether SCOPE's tasks may have moved."""
        model = self._model
        before = model.services
        ticket = model.ticket()
        started = self._monotonic()
        listed = self.backend.services()
        self._list_seconds = self._monotonic() - started
        model.list_services(listed, ticket)
        self._scope_moved = scope is not None and _scope_moved(scope, before, model.services)

    def _list_tasks(self, scope: TaskScope | None) -> None:
        model = self._model
        ticket = model.ticket()
        listed = [] if scope is None else self.backend.tasks(scope)
        model.list_tasks(scope, listed, ticket)

    def _fetch_targets(
        self, targets: Targets, scope: TaskScope | None, engine_fetched: bool = False
    ) -> None:
        """Fetch TARGETS one by one and patch them in (from either thread)."""
        model = self._model
        for node_id in sorted(targets.nodes):
            ticket = model.ticket()
            model.one_node(node_id, self.backend.node(node_id), ticket)
            engine = model.engine
            if not engine_fetched and engine is not None and node_id == engine.node_id:
                model.engine = self.backend.engine_info()  # the connected manager's own node
        task_services = {s for s in targets.task_services if shows_tasks_of(scope, s)}
        for service_id in sorted(targets.services):
            before = model.service(service_id)
            ticket = model.ticket()
            fetched = self.backend.service(service_id)
            if not model.one_service(service_id, fetched, ticket):
                continue
            moved = service_status(before) != service_status(fetched)
            with self._lock:
                if fetched is None:
                    self._watched.pop(service_id, None)  # gone: nothing more to watch
                elif moved:  # changes come in bursts: keep watching it closely
                    self._watched[service_id] = self._monotonic() + HOT_PERIOD
            if moved and shows_tasks_of(scope, service_id):
                task_services.add(service_id)
        if scope is not None and targets.scope_tasks:
            ticket = model.ticket()
            model.list_tasks(scope, self.backend.tasks(scope), ticket)
            return
        for service_id in sorted(task_services):
            assert scope is not None
            ticket = model.ticket()
            if scope.kind is ScopeKind.SERVICE:
                fetched_tasks = self.backend.tasks(scope)
            else:
                fetched_tasks = self.backend.service_tasks(scope, service_id)
            model.service_tasks(scope, service_id, fetched_tasks, ticket)

    def _publishable(self) -> ClusterSnapshot | None:
        model = self._model
        with model.lock:
            assert model.engine is not None
            snapshot = ClusterSnapshot(
                engine=model.engine,
                nodes=model.nodes,
                services=model.services,
                tasks=model.tasks,
                task_scope=model.tasks_scope,
                endpoint=self.backend.endpoint_display,
                fetched_at=self._wallclock(),
            )
            previous = self.last_snapshot
            if (
                previous is not None
                and replace(previous, fetched_at=snapshot.fetched_at) == snapshot
            ):
                return None
            changed = model.take_service_changes()
            if previous is not None:
                changes = ServiceChanges(previous.services, snapshot.services, changed)
                snapshot = replace(snapshot, service_changes=changes)
            snapshot.service("")  # the lookups by id are made here, not on the UI's thread
            snapshot.node("")
            self.last_snapshot = snapshot
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


__all__ = ["PartialRefresh", "RefreshTimings", "Refresher", "ScopeKind"]
