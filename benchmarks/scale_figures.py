"""The scale figures: 50 real nodes and 50,000 tasks."""

from __future__ import annotations

from benchmarks.figures import Figure, Log
from swarmtui.adapters.docker.lab import Lab


def measure(lab: Lab, lab_name: str, runs: int, log: Log) -> list[Figure]:
    return []
