"""Manager failover: when the connected manager dies or stops being a manager, switch to
another reachable manager, resubscribe to events and resync.

A manager whose engine answers is kept even when its swarm calls do not: while the managers
elect a new leader, every manager's swarm calls wait for one (or answer "no leader"), so
moving on would only hop between the survivors. That state is reported as an election.

Candidates are the configured endpoints plus the managers the swarm reports, each mapped
to an API endpoint the way the first one was reached (same scheme, user and TLS; the same
port, then the engine's default port).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import Node
from swarmtui.ports import ClusterBackend
from swarmtui.session.loops import EventPump
from swarmtui.session.refresher import Refresher

FAILOVER_KINDS = (ProblemKind.UNREACHABLE, ProblemKind.NOT_A_MANAGER)
DEFAULT_PORTS = {"tcp": (2375, 2376), "ssh": (22,)}
# How long a swarm without an answering leader counts as electing one (an election takes
# 10-20 s), measured from the last good refresh or the switch away from a dead manager.
ELECTION_GRACE = 45.0


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


def electing_error(endpoint: str) -> BackendError:
    """The state while the managers elect a leader, ENDPOINT the manager in use."""
    return BackendError(
        ProblemKind.ELECTING,
        "Electing a leader…",
        f"{endpoint} answers; the swarm does once its managers have elected a leader.",
    )


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
        on_switch: Callable[[str, str, bool], None],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresher = refresher
        self._pump = pump
        self._directory = directory
        self._open = open_backend
        self._on_switch = on_switch
        self._monotonic = monotonic
        self.switches = 0
        self._left_at: float | None = None  # when the console last left a dead manager
        self._majority_left = True  # whether the managers left after it make a quorum

    def handle(self, error: BackendError) -> BackendError | None:
        """What a failed refresh means. None: switched to another manager, poll again at
        once. Otherwise the error to report, restated as an election while one is expected.
        """
        backend = self._refresher.backend
        if error.kind in FAILOVER_KINDS:
            if error.kind is ProblemKind.UNREACHABLE and backend.alive():
                # The engine answers; its swarm call did not (it waits for a raft leader):
                # another manager would wait alike, so stay.
                return self._leaderless(error, backend.endpoint_display)
            if self._switch():
                return None
            return error
        if error.kind is ProblemKind.QUORUM_LOST:
            return self._leaderless(error, backend.endpoint_display)
        return error

    def _leaderless(self, error: BackendError, endpoint: str) -> BackendError:
        if self._election_expected(error):
            return electing_error(endpoint)
        if error.kind is ProblemKind.UNREACHABLE:
            return BackendError(
                ProblemKind.ENGINE_ERROR,
                f"{endpoint} answers, but its swarm calls time out: is there a leader?",
                "Swarm calls wait for the raft leader: a majority of managers must be up.",
            )
        return error

    def _election_expected(self, error: BackendError) -> bool:
        now = self._monotonic()
        last_success = self._refresher.last_success
        left_at = self._left_at
        switched = left_at is not None and (last_success is None or last_success < left_at)
        if switched:
            assert left_at is not None
            return self._majority_left and now - left_at < ELECTION_GRACE
        if error.kind is ProblemKind.QUORUM_LOST:
            return False  # the manager in use says so itself and none was lost: believe it
        return last_success is not None and now - last_success < ELECTION_GRACE

    def _switch(self) -> bool:
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
        lost_leader, self._majority_left = self._loss()
        self._left_at = self._monotonic()
        self.switches += 1
        self._refresher.replace_backend(new_backend)
        self._pump.reconnect()
        old.close()
        self._on_switch(old.endpoint_display, endpoint.display, lost_leader and self._majority_left)
        return True

    def _loss(self) -> tuple[bool, bool]:
        """Per the last snapshot: whether the manager in use (now gone) was the leader, and
        whether the managers left reachable still make a quorum (then one is elected)."""
        snapshot = self._refresher.last_snapshot
        if snapshot is None:
            return True, True
        managers = [n for n in snapshot.nodes if n.role == "manager"]
        if not managers:
            return True, True
        lost_leader = any(n.is_self and n.is_leader for n in managers)
        up = [n for n in managers if n.manager_status in ("Leader", "Reachable") and not n.is_self]
        return lost_leader, len(up) >= len(managers) // 2 + 1

    def _probe(self, endpoint: Endpoint) -> ClusterBackend | None:
        """An open backend on ENDPOINT when its engine answers, else None.

        Only the engine's own answer counts here (the version handshake): anything that
        asks the swarm waits for a raft leader, and after the leader died the election
        takes longer than a switch may. The candidates are managers the swarm listed; the
        polls on the new one report an election until it is over.
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
