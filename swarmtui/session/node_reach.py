"""Whether each node's engine can be reached for a shell, and how: checked lazily (when the
nodes pane first shows a node, and on `r`), on a worker thread, never on the polling path.

A check opens the first route that answers and closes it at once. A new SSH host key is
not confirmed here: the node is marked as asking for it, and `e`/`S` will ask."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from swarmtui.core.errors import BackendError
from swarmtui.core.models import Node
from swarmtui.machines.model import HostKeyUnknown, MachineError
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.session.failures import failure_text
from swarmtui.session.shells import NodeConnector

ReachState = Literal["ok", "key", "failed", "none"]
PARALLEL_CHECKS = 8  # a slow or silent node does not hold up the others


@dataclass(frozen=True)
class NodeReach:
    state: ReachState
    route: str = ""  # the route's label: "dind", "ssh worker1", "mapped", "connected"
    detail: str = ""  # why it failed

    @property
    def text(self) -> str:
        """The nodes pane's cell."""
        if self.state == "ok":
            return self.route
        if self.state == "key":
            return f"{self.route} (new key)"
        if self.state == "failed":
            return f"✗ {self.route}"
        return "none"


class NodeReachability:
    """The last check of each node, by node id; `check` runs one (blocking)."""

    def __init__(
        self,
        access: NodeAccess,
        connect: NodeConnector,
        ready: Callable[[], object] | None = None,
    ) -> None:
        self._access = access
        self._connect = connect
        self._ready = ready  # blocks until the routes can be known (the manager in use)
        self._lock = threading.Lock()
        self._results: dict[str, NodeReach] = {}

    def known(self, node_id: str) -> NodeReach | None:
        with self._lock:
            return self._results.get(node_id)

    def unchecked(self, nodes: Iterable[Node]) -> list[Node]:
        with self._lock:
            return [n for n in nodes if n.id not in self._results]

    def forget(self) -> None:
        """Check every node again when next asked (`r`)."""
        with self._lock:
            self._results.clear()

    def check(self, nodes: Iterable[Node]) -> dict[str, NodeReach]:
        """Try each node's routes, best first, until one opens; the results are kept."""
        wanted = list(nodes)
        if self._ready is not None:
            self._ready()
        routes = self._access.routes_of(wanted)
        with ThreadPoolExecutor(max_workers=PARALLEL_CHECKS) as pool:
            checked = pool.map(lambda n: self._check_one(routes.get(n.id, ())), wanted)
            found = {node.id: reach for node, reach in zip(wanted, checked, strict=True)}
        with self._lock:
            self._results.update(found)
        return found

    def _check_one(self, routes: tuple[NodeRoute, ...]) -> NodeReach:
        last = NodeReach("none")
        for route in routes:
            try:
                connection = self._connect(route, ())
            except HostKeyUnknown as exc:
                return NodeReach("key", route.label, exc.message)
            except (BackendError, MachineError, OSError) as exc:
                last = NodeReach("failed", route.label, failure_text(exc))
                continue
            connection.close()
            return NodeReach("ok", route.label)
        return last
