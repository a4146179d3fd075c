"""The refresher's copy of the cluster, written from two threads: whole lists from the poll
loop, single objects from the event pump (an event is not kept waiting behind a re-list).

Each request takes a ticket when it starts; a reply older than what the model already holds
about the same object is dropped, so a re-list that began before an event does not undo the
event's newer answer, and the other way round.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable

from swarmtui.core.models import EngineInfo, Node, ScopeKind, Service, Task, TaskScope
from swarmtui.session.patching import (
    engine_counts,
    node_order,
    patch_nodes,
    patch_service_tasks,
    patch_services,
    service_order,
    task_order,
)

NODES, SERVICES, TASKS = "nodes", "services", "tasks"


class LiveModel:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._tickets = itertools.count(1)
        self.engine: EngineInfo | None = None
        self.nodes: tuple[Node, ...] = ()
        self.services: tuple[Service, ...] = ()
        self.tasks: tuple[Task, ...] = ()
        self.tasks_scope: TaskScope | None = None
        # Per part: the ticket of the last whole list merged, and of each single reply since
        # (by object id; by service id for the shown tasks).
        self._listed = {NODES: 0, SERVICES: 0, TASKS: 0}
        self._single: dict[str, dict[str, int]] = {NODES: {}, SERVICES: {}, TASKS: {}}
        # The ids of the services changed since the last snapshot was made of the model.
        self._services_changed: set[str] = set()

    def ticket(self) -> int:
        with self.lock:
            return next(self._tickets)

    def service(self, service_id: str) -> Service | None:
        with self.lock:
            return next((s for s in self.services if s.id == service_id), None)

    # Whole lists (the poll loop) ----------------------------------------------------------

    def list_nodes(self, listed: Iterable[Node], ticket: int) -> None:
        with self.lock:
            keep = self._since(NODES, ticket)
            merged = [n for n in listed if n.id not in keep]
            merged += [n for n in self.nodes if n.id in keep]
            self.nodes = tuple(sorted(merged, key=node_order))

    def list_services(self, listed: Iterable[Service], ticket: int) -> None:
        """The listed services, those answered one by one since kept; a listed service
        equal to the one held stays that object (views redo only what changed)."""
        with self.lock:
            keep = self._since(SERVICES, ticket)
            held = {s.id: s for s in self.services}
            merged = [s for s in self.services if s.id in keep]
            for service in listed:
                if service.id in keep:
                    continue
                before = held.get(service.id)
                if before is service or before == service:
                    merged.append(before)
                else:
                    merged.append(service)
                    self._services_changed.add(service.id)
            listed_ids = {s.id for s in merged}
            self._services_changed.update(key for key in held if key not in listed_ids)
            self.services = tuple(sorted(merged, key=service_order))

    def take_service_changes(self) -> frozenset[str]:
        """The ids of the services changed since the last call (a snapshot was made)."""
        with self.lock:
            changed = frozenset(self._services_changed)
            self._services_changed.clear()
            return changed

    def list_tasks(self, scope: TaskScope | None, listed: Iterable[Task], ticket: int) -> None:
        with self.lock:
            keep = self._since(TASKS, ticket) if scope == self.tasks_scope else set()
            tasks = tuple(sorted(listed, key=task_order))
            for service_id in sorted(keep):
                newer = [t for t in self.tasks if t.service_id == service_id]
                tasks = patch_service_tasks(tasks, service_id, newer)
            self.tasks, self.tasks_scope = tasks, scope

    def _since(self, part: str, ticket: int) -> set[str]:
        """The objects of PART answered one by one after TICKET's list began: they stay."""
        singles = self._single[part]
        keep = {key for key, single in singles.items() if single > ticket}
        self._single[part] = {key: singles[key] for key in keep}
        self._listed[part] = max(self._listed[part], ticket)
        return keep

    # Single objects (events, and the services watched after them) -------------------------

    def one_node(self, node_id: str, fetched: Node | None, ticket: int) -> bool:
        """Whether the reply was merged (it was the newest about the node)."""
        with self.lock:
            if not self._newest(NODES, node_id, ticket):
                return False
            before = self.nodes
            self.nodes = patch_nodes(before, node_id, fetched)
            if self.engine is not None:
                self.engine = engine_counts(self.engine, before, self.nodes)
            return True

    def one_service(self, service_id: str, fetched: Service | None, ticket: int) -> bool:
        with self.lock:
            if not self._newest(SERVICES, service_id, ticket):
                return False
            self.services = patch_services(self.services, service_id, fetched)
            self._services_changed.add(service_id)
            return True

    def service_tasks(
        self, scope: TaskScope, service_id: str, fetched: Iterable[Task], ticket: int
    ) -> bool:
        """The shown tasks of SERVICE_ID (all of them, for its own scope) replaced."""
        with self.lock:
            if scope != self.tasks_scope or not self._newest(TASKS, service_id, ticket):
                return False
            if scope.kind is ScopeKind.SERVICE:
                self.tasks = tuple(sorted(fetched, key=task_order))
            else:
                self.tasks = patch_service_tasks(self.tasks, service_id, fetched)
            return True

    def _newest(self, part: str, key: str, ticket: int) -> bool:
        singles = self._single[part]
        if ticket <= self._listed[part] or ticket <= singles.get(key, 0):
            return False
        singles[key] = ticket
        return True
