"""The contract between the console and a swarm: what the UI and sync layer may ask for.

The real implementation lives in swarmtui.backend (the only place importing docker); a
deterministic demo implementation drives snapshots and screenshots.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, Protocol

from swarmtui.models import EngineInfo, Node, Service, SwarmEvent, Task, TaskScope

ObjectKind = Literal["node", "service", "task"]


class EventStream(Protocol):
    def __iter__(self) -> Iterator[SwarmEvent]: ...

    def close(self) -> None: ...


class ClusterBackend(Protocol):
    @property
    def endpoint_display(self) -> str: ...

    @property
    def request_count(self) -> int:
        """Engine API requests made so far (benchmarks and the constant-cost test read it)."""
        ...

    def engine_info(self) -> EngineInfo: ...

    def nodes(self) -> list[Node]: ...

    def services(self) -> list[Service]: ...

    def tasks(self, scope: TaskScope) -> list[Task]: ...

    def inspect(self, kind: ObjectKind, object_id: str) -> dict[str, Any]: ...

    def subscribe_events(self) -> EventStream: ...

    def init_swarm(self, advertise_addr: str) -> str:
        """Make the engine a single-node swarm manager; returns the new node id."""
        ...

    def close(self) -> None: ...
