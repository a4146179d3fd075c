"""What machine work may do on the swarm the console is connected to.

The session provides it: reads go to the manager in use (after a failover too), and writes
are Operations the session runs under its rules (read-only mode, the operation's own
refusals such as the last manager). The machine task that uses them is journalled as one
command by the session, so these writes add no journal lines of their own.
"""

from __future__ import annotations

from typing import Protocol

from swarmtui.actions.operations import Operation
from swarmtui.core.models import EngineInfo, Node, Task, TaskScope


class ClusterAccess(Protocol):
    @property
    def endpoint_display(self) -> str: ...

    def engine_info(self) -> EngineInfo: ...

    def nodes(self) -> list[Node]: ...

    def tasks(self, scope: TaskScope) -> list[Task]: ...

    def join_tokens(self) -> tuple[str, str]:
        """(worker token, manager token): secrets, never logged."""
        ...

    def run(self, operation: Operation) -> object:
        """Run OPERATION on the manager in use; raises OperationRefused in read-only mode."""
        ...
