"""ClusterAccess over a backend: how machine work reads and writes the swarm."""

from __future__ import annotations

from collections.abc import Callable

from swarmtui.actions.operations import Operation
from swarmtui.actions.read_only import refuse_when_read_only
from swarmtui.core.models import EngineInfo, Node, Task, TaskScope
from swarmtui.ports import ClusterBackend


class BackendAccess:
    """Reads and writes on the backend BACKEND returns at each call (the manager in use,
    after a failover too); writes are refused while READ_ONLY() is true."""

    def __init__(
        self,
        backend: Callable[[], ClusterBackend],
        read_only: Callable[[], bool] = lambda: False,
    ) -> None:
        self._backend = backend
        self._read_only = read_only

    @property
    def endpoint_display(self) -> str:
        return self._backend().endpoint_display

    def engine_info(self) -> EngineInfo:
        return self._backend().engine_info()

    def nodes(self) -> list[Node]:
        return self._backend().nodes()

    def tasks(self, scope: TaskScope) -> list[Task]:
        return self._backend().tasks(scope)

    def join_tokens(self) -> tuple[str, str]:
        refuse_when_read_only(self._read_only())
        return self._backend().mutator().join_tokens()

    def run(self, operation: Operation) -> object:
        refuse_when_read_only(self._read_only())
        return operation.run(self._backend().mutator())
