"""The Engine API versions swarmtui speaks (no docker-py: the first look reads them too)."""

from __future__ import annotations

MIN_API_VERSION = "1.41"


def api_version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0,)
