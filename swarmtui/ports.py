"""The contract between the console and a swarm: what the UI and sync layer may ask for.

The real implementation lives in swarmtui.backend (the only place importing docker); a
deterministic demo implementation drives snapshots and screenshots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from swarmtui.core.models import EngineInfo, Node, Service, SwarmEvent, Task, TaskScope
from swarmtui.core.usage import ContainerUsage
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_target import LogKind

ObjectKind = Literal["node", "service", "task"]
# Objects a stack is made of; "network", "secret" and "config" are also found by name.
StackObjectKind = Literal["service", "network", "secret", "config", "task"]
NamedObjectKind = Literal["network", "secret", "config"]


@dataclass(frozen=True)
class ResolvedImage:
    """An image reference pinned to its registry digest, and the platforms it exists for."""

    reference: str
    platforms: tuple[tuple[str, str], ...]  # (architecture, os)


class EventStream(Protocol):
    def __iter__(self) -> Iterator[SwarmEvent]: ...

    def close(self) -> None: ...


class LogSource(Protocol):
    """An open log stream: iterate lines; `close()` from any thread ends the iteration."""

    @property
    def idle(self) -> bool:
        """True when the iteration ended because nothing came for the idle timeout."""
        ...

    def __iter__(self) -> Iterator[LogLine]: ...

    def batches(self) -> Iterator[list[LogLine]]:
        """The same lines, in the groups they arrived in (cheaper under a flood)."""
        ...

    def close(self) -> None: ...


class ClusterLists(Protocol):
    """What a first refresh reads (the engine, the lists): a reader that can do no more,
    to show the first snapshot sooner (Session.connect_early)."""

    @property
    def endpoint_display(self) -> str: ...

    def engine_info(self) -> EngineInfo: ...

    def nodes(self) -> list[Node]: ...

    def services(self) -> list[Service]: ...

    def tasks(self, scope: TaskScope) -> list[Task]: ...

    def close(self) -> None: ...


class ClusterBackend(Protocol):
    @property
    def endpoint_display(self) -> str: ...

    @property
    def request_count(self) -> int:
        """Engine API requests made so far (benchmarks and the constant-cost test read it)."""
        ...

    def alive(self) -> bool:
        """Whether the engine answers at all (not the swarm: that waits for a leader)."""
        ...

    def engine_info(self) -> EngineInfo: ...

    def nodes(self) -> list[Node]: ...

    def services(self) -> list[Service]: ...

    def tasks(self, scope: TaskScope) -> list[Task]: ...

    # One object at a time, for an event about it (one request each).

    def service(self, service_id: str) -> Service | None:
        """The service with its status, as `services()` gives it; None when it is gone."""
        ...

    def node(self, node_id: str) -> Node | None:
        """The node, as `nodes()` gives it; None when it is gone."""
        ...

    def service_tasks(self, scope: TaskScope, service_id: str) -> list[Task]:
        """The tasks of SERVICE_ID among those of SCOPE (on its node, for a node scope)."""
        ...

    def running_tasks(self) -> list[Task]:
        """The tasks of the whole swarm that should run (desired state running), one request:
        what the resource view and the nodes' usage totals sample."""
        ...

    def inspect(self, kind: ObjectKind, object_id: str) -> dict[str, Any]: ...

    def subscribe_events(self, since: str | None = None, until: str | None = None) -> EventStream:
        """Swarm-scoped events; SINCE/UNTIL (engine timestamps, `seconds[.nanos]`) replay
        what the engine still holds; with UNTIL the stream ends once that time is past."""
        ...

    def swarm_objects(self, kind: NamedObjectKind) -> list[dict[str, Any]]:
        """Every secret, config or network, as the engine lists them (one request)."""
        ...

    def inspect_object(self, kind: NamedObjectKind, object_id: str) -> dict[str, Any]: ...

    def open_logs(
        self,
        kind: LogKind,
        object_id: str,
        *,
        tail: int | None = None,
        since_ns: int | None = None,
        follow: bool = True,
        idle_timeout: float | None = None,
    ) -> LogSource:
        """Logs of a service (all its tasks) or of one task: both streams, with timestamps
        and task details; TAIL lines per task (None: all), from SINCE_NS if given."""
        ...

    def init_swarm(self, advertise_addr: str) -> str:
        """Make the engine a single-node swarm manager; returns the new node id."""
        ...

    def mutator(self) -> Mutator: ...

    def close(self) -> None: ...


class Mutator(Protocol):
    """Writes to the swarm. Each call inspects, edits the current spec and posts it."""

    @property
    def retries(self) -> int: ...

    def scale_service(self, service_id: str, replicas: int) -> None: ...

    def update_service_image(self, service_id: str, image: str) -> None: ...

    def force_update_service(self, service_id: str) -> None: ...

    def rollback_service(self, service_id: str) -> None: ...

    def remove_service(self, service_id: str) -> None: ...

    def create_service(self, spec: dict[str, Any]) -> str: ...

    def set_node_availability(self, node_id: str, availability: str) -> None: ...

    def set_node_role(self, node_id: str, role: str) -> None: ...

    def set_node_labels(self, node_id: str, add: dict[str, str], remove: list[str]) -> None: ...

    def remove_node(self, node_id: str, force: bool) -> None: ...

    def join_tokens(self) -> tuple[str, str]: ...

    def rotate_join_token(self, role: str) -> None: ...

    def leave_swarm(self, force: bool) -> None: ...

    # What stack deploy and remove need: the objects of a stack, found by label or name.

    def labelled(self, kind: StackObjectKind, label: str) -> list[dict[str, Any]]:
        """Every KIND carrying LABEL (`key=value`), as the engine lists them."""
        ...

    def listed(self, kind: StackObjectKind) -> list[dict[str, Any]]:
        """Every KIND, as the engine lists them (an export names what is not the stack's)."""
        ...

    def find(self, kind: NamedObjectKind, name: str) -> dict[str, Any] | None:
        """The KIND named exactly NAME, or None."""
        ...

    def create_network(self, name: str, body: dict[str, Any]) -> str: ...

    def create_object(self, kind: Literal["secret", "config"], spec: dict[str, Any]) -> str: ...

    def update_object(
        self, kind: Literal["secret", "config"], object_id: str, version: int, spec: dict[str, Any]
    ) -> None: ...

    def remove_object(self, kind: NamedObjectKind, object_id: str) -> None: ...

    def replace_service(
        self, service_id: str, build: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        """Post BUILD(current service as inspected) as the service's spec, with the current
        version; retried on a fresh inspect when the version went stale."""
        ...

    def resolve_image(self, image: str) -> ResolvedImage | None:
        """IMAGE pinned to its digest by asking its registry (through the engine); None when
        the registry cannot be reached or does not know it."""
        ...


# A node's own engine: a shell in a task needs the engine of the node the task runs on.


class ShellStream(Protocol):
    """A running shell with a terminal: bytes both ways, the window's size, how it ended."""

    def fileno(self) -> int:
        """What `select` waits on for output."""
        ...

    def read(self) -> bytes:
        """What the shell wrote since the last read (without blocking once `select` said
        so); b"" when the shell ended or the connection dropped."""
        ...

    def buffered(self) -> bool:
        """Output already read off the connection (a TLS record) that `select` cannot see."""
        ...

    def write(self, data: bytes) -> None: ...

    def resize(self, columns: int, rows: int) -> None: ...

    def exit_status(self) -> int | None:
        """The shell's exit status once it ended; None when the connection dropped first."""
        ...

    def close(self) -> None: ...


class NodeConnection(Protocol):
    """One node's engine (or host), reached through one route: what a shell needs."""

    @property
    def description(self) -> str:
        """Where it leads, safe to show: "dind engine tcp://127.0.0.1:32771", "ssh root@w1"."""
        ...

    def container_running(self, container_id: str) -> bool | None:
        """Whether the container runs there; None when that engine does not know it."""
        ...

    def run_in_container(self, container_id: str, argv: tuple[str, ...]) -> tuple[int, str]:
        """Run ARGV in the container without a terminal: (exit status, output)."""
        ...

    def open_container_shell(
        self, container_id: str, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> ShellStream: ...

    def open_host_shell(
        self, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> ShellStream:
        """A shell on the node itself (its host over SSH, or in its dind container); an
        empty ARGV: the login shell."""
        ...

    def container_usage(self, container_ids: tuple[str, ...]) -> dict[str, ContainerUsage]:
        """CPU and memory of the CONTAINER_IDS running there, by id; a container that is
        gone or not running is left out. Raises when the node itself does not answer."""
        ...

    def container_state(self, container_id: str) -> dict[str, Any] | None:
        """The container's `State` there (ExitCode, OOMKilled, Health with its probe log);
        None when that engine does not know it."""
        ...

    def close(self) -> None: ...
