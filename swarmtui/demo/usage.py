"""Deterministic CPU and memory for the demo cluster's running tasks, for snapshots and
screenshots: every node "reached" through this connection; each task has its own level and
a repeating wave, so the n-th round always shows the same figures."""

from __future__ import annotations

import math
from typing import Any

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.usage import ContainerUsage
from swarmtui.demo.cluster import TASKS_JSON, demo_container_id
from swarmtui.ports import ShellStream

MIB = 2**20
NODE_MEMORY = 25_769_803_776  # the demo nodes' MemoryBytes: no limit on the demo tasks
# (CPU %, MiB) of each running task, by service: busy web servers, an idle ping, a database.
_LEVELS = {
    "h3ll0w0rld000000000000001": (0.4, 1.2),
    "w3b000000000000000000002": (38.0, 24.5),
    "sh0pw3b00000000000000004": (12.0, 48.0),
    "sh0pdb000000000000000005": (61.0, 412.0),
    "pr0m3th3us000000000000006": (7.5, 188.0),
    "n0d33xp0rt3r000000000007": (1.8, 14.0),
}
# A slow swell and a faster ripple, one period every 36 rounds (72 s); tasks out of phase.
_WAVE = tuple(
    1 + 0.45 * math.sin(2 * math.pi * k / 36) + 0.12 * math.sin(2 * math.pi * k / 7)
    for k in range(36)
)
_BY_CONTAINER = {
    demo_container_id(t["ID"]): (t["ServiceID"], index)
    for index, t in enumerate(TASKS_JSON)
    if t["Status"]["State"] == "running"
}


def demo_usage(container_id: str, round_number: int) -> ContainerUsage | None:
    """The figures of a demo task's container in round ROUND_NUMBER (0 first)."""
    found = _BY_CONTAINER.get(container_id)
    if found is None:
        return None
    service_id, index = found
    cpu, mib = _LEVELS.get(service_id, (1.0, 8.0))
    wave = _WAVE[(round_number + index * 7) % len(_WAVE)]
    memory = int(mib * MIB * (1 + (wave - 1) / 10))
    return ContainerUsage(container_id, memory, NODE_MEMORY, cpu_percent=round(cpu * wave, 2))


class DemoNodeConnection:
    """A demo node's engine: figures only; no shells in the demo."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.rounds = 0

    @property
    def description(self) -> str:
        return f"demo engine of {self.host}"

    def container_usage(self, container_ids: tuple[str, ...]) -> dict[str, ContainerUsage]:
        found = {cid: u for cid in container_ids if (u := demo_usage(cid, self.rounds))}
        self.rounds += 1
        return found

    def container_running(self, container_id: str) -> bool | None:
        return container_id in _BY_CONTAINER or None

    def container_state(self, container_id: str) -> dict[str, Any] | None:
        """A running task's container runs; the failed ones exited by themselves."""
        if container_id in _BY_CONTAINER:
            return {"Status": "running", "Running": True, "ExitCode": 0, "OOMKilled": False}
        return {"Status": "exited", "Running": False, "ExitCode": 1, "OOMKilled": False}

    def run_in_container(self, container_id: str, argv: tuple[str, ...]) -> tuple[int, str]:
        raise _no_shells()

    def open_container_shell(
        self, container_id: str, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> ShellStream:
        raise _no_shells()

    def open_host_shell(
        self, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> ShellStream:
        raise _no_shells()

    def close(self) -> None:
        return None


def _no_shells() -> BackendError:
    return BackendError(ProblemKind.ENGINE_ERROR, "The demo cluster has no shells.")


def demo_connect(route: object, accept_fingerprints: tuple[str, ...]) -> DemoNodeConnection:
    """Open any route of a demo node (the demo knows no machines: the node's address)."""
    return DemoNodeConnection(str(getattr(route, "target", route)))
