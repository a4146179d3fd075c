"""Objects mapped once per version: a list of 5,000 services (or 45,000 tasks) in which one
changed maps one, and the others stay the very objects the views already show.

The engine bumps an object's Version.Index on every change to the stored object (a
service's spec, endpoint and update status; a task's status, node and desired state). A
service's ServiceStatus (its task counts) is worked out per request instead, so it is part
of what tells a service apart. An object whose version (and counts) are the ones seen last
is that same object: no parsing of its times again, and views comparing by identity skip it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from swarmtui.core.mapping import service_from_json, task_from_json
from swarmtui.core.models import Service, Task

T = TypeVar("T")
Seen = tuple[object, ...]
SLACK = 4  # objects remembered per object listed, before those not listed are forgotten


def _version(data: dict[str, Any]) -> object:
    return (data.get("Version") or {}).get("Index")


def _service_seen(data: dict[str, Any]) -> Seen:
    status = data.get("ServiceStatus") or {}
    counts = ("RunningTasks", "DesiredTasks", "CompletedTasks")
    return (_version(data), *(status.get(count) for count in counts))


def _task_seen(data: dict[str, Any]) -> object:
    return _version(data)  # no tuple of its own: 45,000 tasks are remembered


class KnownObjects(Generic[T]):
    def __init__(self, mapper: Callable[[dict[str, Any]], T], seen: Callable[..., object]) -> None:
        self._mapper = mapper
        self._seen_of = seen
        self._seen: dict[str, tuple[object, T]] = {}

    def one(self, data: dict[str, Any]) -> T:
        """The object of DATA: the one mapped before when DATA is at the same version."""
        key = str(data.get("ID", ""))
        seen = self._seen_of(data)
        known = self._seen.get(key)
        if known is not None and known[0] == seen:
            return known[1]
        mapped = self._mapper(data)
        self._seen[key] = (seen, mapped)
        return mapped

    def listed(self, data: Iterable[dict[str, Any]]) -> list[T]:
        """The objects of a list (read once: each item is dropped once mapped, see
        chunked_json); when many more are remembered, only these are kept."""
        keys: list[str] = []
        mapped = []
        for item in data:
            keys.append(str(item.get("ID", "")))
            mapped.append(self.one(item))
        if len(self._seen) > SLACK * len(keys) + 1000:
            listed = set(keys)
            self._seen = {k: v for k, v in self._seen.items() if k in listed}
        return mapped


def known_services() -> KnownObjects[Service]:
    return KnownObjects(service_from_json, _service_seen)


def known_tasks() -> KnownObjects[Task]:
    return KnownObjects(task_from_json, _task_seen)
