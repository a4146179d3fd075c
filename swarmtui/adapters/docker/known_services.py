"""Services mapped once per version: a list of 5,000 services in which one changed maps one.

The engine bumps a service's Version.Index on every change to the stored object (its spec,
endpoint, update status); only ServiceStatus (its task counts) is worked out per request. So
a service whose version and counts are the ones seen last is that same Service object: no
parsing of its times again, and the views that compare by identity skip it.
"""

from __future__ import annotations

from typing import Any

from swarmtui.core.mapping import service_from_json
from swarmtui.core.models import Service

Seen = tuple[object, ...]


def _version_and_counts(data: dict[str, Any]) -> Seen:
    status = data.get("ServiceStatus") or {}
    version = (data.get("Version") or {}).get("Index")
    return (
        version,
        status.get("RunningTasks"),
        status.get("DesiredTasks"),
        status.get("CompletedTasks"),
    )


class KnownServices:
    def __init__(self) -> None:
        self._seen: dict[str, tuple[Seen, Service]] = {}

    def one(self, data: dict[str, Any]) -> Service:
        """The Service of DATA: the one mapped before when DATA is at the same version."""
        key = str(data.get("ID", ""))
        seen = _version_and_counts(data)
        known = self._seen.get(key)
        if known is not None and known[0] == seen:
            return known[1]
        service = service_from_json(data)
        self._seen[key] = (seen, service)
        return service

    def listed(self, data: list[dict[str, Any]]) -> list[Service]:
        """The Services of a whole list; those no longer listed are forgotten."""
        services = [self.one(item) for item in data]
        listed = {s.id for s in services}
        self._seen = {k: v for k, v in self._seen.items() if k in listed}
        return services
