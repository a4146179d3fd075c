"""The answer to "why is this task not running?" and the facts a caller may add to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from swarmtui.core.models import Task


class Cause(Enum):
    CONSTRAINTS = "placement constraints"
    RESOURCES = "not enough CPU or memory"
    HOST_PORT = "host-mode port taken"
    IMAGE = "image not available"
    MISSING_OBJECT = "missing network, secret or config"
    MAX_REPLICAS = "max replicas per node"
    EXITED = "container exited"
    OUT_OF_MEMORY = "killed: out of memory"
    UNHEALTHY = "failing healthcheck"
    NODE_UNAVAILABLE = "node down or drained"
    PLATFORM = "unsupported platform"
    PLUGIN = "missing plugin"
    OTHER = "other"


@dataclass(frozen=True)
class Explanation:
    cause: Cause
    headline: str  # one plain sentence
    evidence: tuple[str, ...]  # what was seen, the engine's own words first
    try_next: tuple[str, ...]  # what to try
    also: tuple[Cause, ...] = ()  # further causes the same message names


@dataclass(frozen=True)
class ExtraFacts:
    """What the caller may fetch beyond the snapshot; each is optional.

    swarm_tasks: every task of the swarm (manager `GET /tasks`), for the free resources,
        used host ports and replicas per node; without them those are not judged.
    log_lines: the last lines of the task's own log (manager `GET /tasks/{id}/logs`).
    container_state: `State` of the task's container from the node's own engine
        (`GET /containers/{id}/json`), for OOMKilled and Health.Log.
    networks, secrets, configs: the names and ids of those that exist (manager).
    """

    swarm_tasks: tuple[Task, ...] | None = None
    log_lines: tuple[str, ...] = ()
    container_state: Mapping[str, Any] | None = None
    networks: frozenset[str] | None = None
    secrets: frozenset[str] | None = None
    configs: frozenset[str] | None = None


def size_text(amount: int) -> str:
    value = float(amount)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.3g} {unit}"
        value /= 1024
    return f"{value:.3g} GiB"  # pragma: no cover - the loop returns at GiB


def cpus_text(nano_cpus: int) -> str:
    cpus = nano_cpus / 1e9
    return f"{cpus:g} CPU" if cpus == 1 else f"{cpus:.3g} CPUs"
