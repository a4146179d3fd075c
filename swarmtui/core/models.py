"""Frozen, typed models of a swarm: what the backend reads and the UI shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cached_property
from typing import Any, Protocol, TypeVar


class _WithId(Protocol):
    @property
    def id(self) -> str: ...


K = TypeVar("K", bound=_WithId)


class ScopeKind(Enum):
    SERVICE = "service"
    NODE = "node"


@dataclass(frozen=True)
class TaskScope:
    """What the tasks pane shows: the tasks of one service or of one node."""

    kind: ScopeKind
    object_id: str
    label: str
    history: bool = False


@dataclass(frozen=True)
class EngineInfo:
    """What `docker info` tells about the engine we talk to and its swarm."""

    name: str
    server_version: str
    api_version: str
    os: str
    architecture: str
    swarm_state: str  # inactive | pending | active | error | locked
    is_manager: bool
    node_id: str
    node_address: str
    cluster_id: str
    managers: int
    nodes: int
    logging_driver: str = ""  # the engine's default log driver (`docker info`)


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    hostname: str
    role: str  # manager | worker
    status: str  # ready | down | unknown | disconnected
    availability: str  # active | pause | drain
    manager_status: str  # Leader | Reachable | Unreachable | "" for workers
    engine_version: str
    address: str
    labels: tuple[tuple[str, str], ...]
    platform: str
    cpus: float
    memory_bytes: int
    created_at: datetime | None
    updated_at: datetime | None
    is_self: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_leader(self) -> bool:
        return self.manager_status == "Leader"


@dataclass(frozen=True)
class PortSpec:
    published: int
    target: int
    protocol: str
    mode: str  # ingress | host

    def __str__(self) -> str:
        return f"*:{self.published}->{self.target}/{self.protocol}"


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    mode: str  # replicated | global | replicated-job | global-job
    replicas_desired: int | None
    replicas_running: int | None
    image: str
    ports: tuple[PortSpec, ...]
    created_at: datetime | None
    updated_at: datetime | None
    update_state: str
    version: int
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def replicas_text(self) -> str:
        running = "?" if self.replicas_running is None else str(self.replicas_running)
        desired = "?" if self.replicas_desired is None else str(self.replicas_desired)
        return f"{running}/{desired}"

    @property
    def converged(self) -> bool:
        """Jobs count completions, not running tasks: they never wait to converge."""
        return self.mode.endswith("job") or self.replicas_running == self.replicas_desired


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    service_id: str
    slot: int | None
    node_id: str
    desired_state: str
    state: str
    message: str
    error: str
    image: str
    created_at: datetime | None
    state_since: datetime | None
    exit_code: int | None
    container_id: str
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_current(self) -> bool:
        """True for tasks `docker service ps` shows without --all: desired running/ready."""
        return self.desired_state in ("running", "ready", "accepted", "complete")


@dataclass(frozen=True)
class ServiceChanges:
    """Which services (by id) differ between two services lists, BEFORE and AFTER (the
    tuples themselves, told apart by identity): a view that shows BEFORE redoes only the
    rows of KEYS. The other services of AFTER are the same objects as in BEFORE."""

    before: tuple[Service, ...]
    after: tuple[Service, ...]
    keys: frozenset[str]


@dataclass(frozen=True)
class ClusterSnapshot:
    """One consistent view of the cluster, handed from the sync layer to the UI."""

    engine: EngineInfo
    nodes: tuple[Node, ...]
    services: tuple[Service, ...]
    tasks: tuple[Task, ...]
    task_scope: TaskScope | None
    endpoint: str
    fetched_at: datetime
    # From the snapshot made before this one, when the session knows (not part of equality).
    service_changes: ServiceChanges | None = field(default=None, compare=False, repr=False)

    def services_changed_since(self, shown: ClusterSnapshot) -> frozenset[str] | None:
        """The ids of the services that differ from SHOWN's; None when they cannot be
        told cheaply (another list, services added, removed or moved)."""
        if shown.services is self.services:
            return frozenset()
        changes = self.service_changes
        told = changes is not None and changes.before is shown.services
        if changes is not None and told and changes.after is self.services:
            return changes.keys
        return _differing_ids(shown.services, self.services)

    @cached_property
    def _nodes_by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    @cached_property
    def _services_by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}

    def node(self, node_id: str) -> Node | None:
        return self._nodes_by_id.get(node_id)

    def service(self, service_id: str) -> Service | None:
        return self._services_by_id.get(service_id)

    @property
    def leader(self) -> Node | None:
        return next((n for n in self.nodes if n.is_leader), None)


def _differing_ids(
    before: tuple[Service, ...], after: tuple[Service, ...]
) -> frozenset[str] | None:
    pairs = replaced_objects(before, after)
    return None if pairs is None else frozenset(new.id for _, new in pairs)


def replaced_objects(before: Sequence[K], after: Sequence[K]) -> list[tuple[K, K]] | None:
    """The (old, new) objects at the positions where AFTER holds another object than
    BEFORE, if both list the same ids in the same order (a walk by identity: no field is
    compared); None when they do not."""
    if len(before) != len(after):
        return None
    pairs = []
    for old, new in zip(before, after, strict=True):
        if old is not new:
            if old.id != new.id:
                return None
            pairs.append((old, new))
    return pairs


@dataclass(frozen=True)
class SwarmEvent:
    type: str  # service | node | secret | config | network
    action: str  # create | update | remove
    actor_id: str
    attributes: tuple[tuple[str, str], ...]
    time_nano: int

    def attribute(self, key: str) -> str | None:
        return next((v for k, v in self.attributes if k == key), None)
