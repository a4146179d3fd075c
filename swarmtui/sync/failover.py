"""Manager failover: when the connected manager dies or stops being a manager, switch to
another reachable manager, resubscribe to events and resync.

Candidates are the configured endpoints plus the managers the swarm reports, each mapped
to an API endpoint the way the first one was reached (same scheme, user and TLS; the same
port, then the engine's default port).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from swarmtui.cluster import ClusterBackend
from swarmtui.endpoints import Endpoint
from swarmtui.models import Node
from swarmtui.problems import BackendError, ProblemKind
from swarmtui.sync.loops import EventPump
from swarmtui.sync.refresher import Refresher

FAILOVER_KINDS = (ProblemKind.UNREACHABLE, ProblemKind.NOT_A_MANAGER)
DEFAULT_PORTS = {"tcp": (2375, 2376), "ssh": (22,)}


def derived_endpoints(reached: Endpoint, managers: Sequence[Node]) -> list[Endpoint]:
    """API endpoints for MANAGERS, built the way REACHED was reached."""
    if reached.scheme not in DEFAULT_PORTS:
        return []
    parts = urlsplit(reached.url)
    user = f"{parts.username}@" if parts.username else ""
    ports = [parts.port] if parts.port else []
    tls_port = 2376 if reached.tls is not None else 2375
    defaults = (tls_port,) if reached.scheme == "tcp" else DEFAULT_PORTS[reached.scheme]
    ports += [p for p in defaults if p not in ports]
    found = []
    for node in managers:
        address = node.address.split(":")[0]
        if not address or address in ("0.0.0.0", "127.0.0.1"):
            continue
        for port in ports:
            url = f"{reached.scheme}://{user}{address}:{port}"
            found.append(Endpoint(url, f"manager {node.hostname}", reached.tls))
    return found


class ManagerDirectory:
    """The endpoints to try, learnt from the configuration and from the swarm itself."""

    def __init__(self, configured: Sequence[Endpoint]) -> None:
        self._configured = list(configured)
        self._learnt: list[Endpoint] = []
        self._lock = threading.Lock()

    def learn(self, nodes: Sequence[Node]) -> None:
        managers = [n for n in nodes if n.role == "manager"]
        reached = self._configured[0] if self._configured else None
        if reached is None:
            return
        learnt = derived_endpoints(reached, managers)
        with self._lock:
            self._learnt = learnt

    def candidates(self, current: str) -> list[Endpoint]:
        with self._lock:
            every = self._configured + self._learnt
        seen: set[str] = {current}
        ordered = []
        for endpoint in every:
            if endpoint.url not in seen:
                seen.add(endpoint.url)
                ordered.append(endpoint)
        return ordered


class Failover:
    def __init__(
        self,
        refresher: Refresher,
        pump: EventPump,
        directory: ManagerDirectory,
        open_backend: Callable[[Endpoint], ClusterBackend],
        on_switch: Callable[[str, str], None],
    ) -> None:
        self._refresher = refresher
        self._pump = pump
        self._directory = directory
        self._open = open_backend
        self._on_switch = on_switch

    def try_switch(self, error: BackendError) -> bool:
        """Switch to another reachable manager; False when there is none (or no need)."""
        if error.kind not in FAILOVER_KINDS:
            return False
        old = self._refresher.backend
        for endpoint in self._directory.candidates(old.endpoint_display):
            try:
                backend = self._open(endpoint)
            except BackendError:
                continue
            try:
                info = backend.engine_info()
            except BackendError:
                backend.close()
                continue
            if info.swarm_state != "active" or not info.is_manager:
                backend.close()
                continue
            self._refresher.replace_backend(backend)
            self._pump.reconnect()
            old.close()
            self._on_switch(old.endpoint_display, endpoint.display)
            return True
        return False


class FailoverPlan:
    """What the app needs to fail over: the configured managers and how to open one."""

    def __init__(
        self, endpoints: Sequence[Endpoint], open_backend: Callable[[Endpoint], ClusterBackend]
    ) -> None:
        self.endpoints = list(endpoints)
        self.open_backend = open_backend
