"""Manager failover: when the connected manager dies or stops being a manager, switch to
another reachable manager, resubscribe to events and resync.

Candidates are the configured endpoints plus the managers the swarm reports, each mapped
to an API endpoint the way the first one was reached (same scheme, user and TLS; the same
port, then the engine's default port).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
        # The manager we talk to (is_self) is the one that would be gone; the reachable
        # leader and reachable managers are the best bets.
        managers = sorted(
            (n for n in nodes if n.role == "manager" and not n.is_self),
            key=lambda n: (n.manager_status != "Leader", n.manager_status != "Reachable"),
        )
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
        candidates = self._directory.candidates(old.endpoint_display)
        if not candidates:
            return False
        # Probe every candidate at once: a dead one costs a connect timeout, not a queue of
        # them. The first usable one in preference order wins.
        with ThreadPoolExecutor(max_workers=min(8, len(candidates))) as pool:
            opened = list(pool.map(self._probe, candidates))
        chosen = next(((e, b) for e, b in zip(candidates, opened, strict=True) if b), None)
        for _, backend in zip(candidates, opened, strict=True):
            if backend is not None and (chosen is None or backend is not chosen[1]):
                backend.close()
        if chosen is None:
            return False
        endpoint, new_backend = chosen
        assert new_backend is not None
        self._refresher.replace_backend(new_backend)
        self._pump.reconnect()
        old.close()
        self._on_switch(old.endpoint_display, endpoint.display)
        return True

    def _probe(self, endpoint: Endpoint) -> ClusterBackend | None:
        """An open backend on ENDPOINT when its engine answers, else None.

        Only the engine's own answer counts here (the version handshake): anything that
        asks the swarm waits for a raft leader, and after the leader died the election
        takes longer than a switch may. The candidates are managers the swarm listed; the
        polls on the new one report "no leader" until the election is over.
        """
        try:
            return self._open(endpoint)
        except BackendError:
            return None


class FailoverPlan:
    """What the app needs to fail over: the configured managers and how to open one."""

    def __init__(
        self, endpoints: Sequence[Endpoint], open_backend: Callable[[Endpoint], ClusterBackend]
    ) -> None:
        self.endpoints = list(endpoints)
        self.open_backend = open_backend
