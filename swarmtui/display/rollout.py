"""A service's rollout, from its inspect JSON and its task history: per slot, the task being
replaced and the task replacing it, with the failures on the way. Pure functions, no UI.

Old and new are told apart by the task's spec: a task created from the service's current
spec (same image, same ForceUpdate counter) is new, any other is old. During a rollback the
engine has already swapped Spec and PreviousSpec, so "new" is again what the service goes to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from swarmtui.core.mapping import json_get, parse_time, short_image

Json = dict[str, Any]
FAILED_STATES = frozenset({"failed", "rejected", "orphaned"})


@dataclass(frozen=True)
class RolloutTask:
    id: str
    image: str
    state: str
    desired_state: str
    error: str
    node_id: str
    created_at: datetime | None

    @property
    def failed(self) -> bool:
        return self.state in FAILED_STATES


@dataclass(frozen=True)
class SlotRollout:
    slot: str  # the slot number, or the node id for global services
    old: RolloutTask | None
    new: RolloutTask | None
    failures: tuple[RolloutTask, ...]

    @property
    def updated(self) -> bool:
        return self.new is not None and self.new.state == "running"


@dataclass(frozen=True)
class Rollout:
    service_id: str
    service_name: str
    state: str  # UpdateStatus.State: updating, paused, completed, rollback_started, … or ""
    started_at: datetime | None
    completed_at: datetime | None
    message: str
    old_image: str
    new_image: str
    slots: tuple[SlotRollout, ...]

    @property
    def failures(self) -> tuple[tuple[str, RolloutTask], ...]:
        return tuple((s.slot, task) for s in self.slots for task in s.failures)

    @property
    def progress(self) -> tuple[int, int]:
        """(slots running a new task, slots)."""
        return sum(1 for s in self.slots if s.updated), len(self.slots)


def _image(spec: Any) -> str:
    return str(json_get(spec, "TaskTemplate", "ContainerSpec", "Image") or "")


def _task(data: Json) -> RolloutTask:
    return RolloutTask(
        id=str(data.get("ID", "")),
        image=short_image(str(json_get(data, "Spec", "ContainerSpec", "Image") or "")),
        state=str(json_get(data, "Status", "State") or ""),
        desired_state=str(data.get("DesiredState", "")),
        error=str(json_get(data, "Status", "Err") or ""),
        node_id=str(data.get("NodeID", "")),
        created_at=parse_time(data.get("CreatedAt")),
    )


def _is_new(task: Json, template: Json) -> bool:
    image = str(json_get(task, "Spec", "ContainerSpec", "Image") or "")
    force = int(json_get(task, "Spec", "ForceUpdate") or 0)
    return image == _image({"TaskTemplate": template}) and force == int(
        template.get("ForceUpdate") or 0
    )


def _slot_key(task: Json) -> str:
    slot = task.get("Slot")
    return str(slot) if slot else str(task.get("NodeID", ""))


def _sort_key(slot: str) -> tuple[int, int, str]:
    return (0, int(slot), "") if slot.isdigit() else (1, 0, slot)


def _latest(tasks: list[Json]) -> RolloutTask | None:
    if not tasks:
        return None
    return _task(max(tasks, key=lambda t: str(t.get("CreatedAt", ""))))


def rollout_from_json(service: Json, tasks: list[Json]) -> Rollout:
    """The rollout of SERVICE (inspect JSON) from TASKS (its raw task JSON, with history)."""
    spec = service.get("Spec") or {}
    template = spec.get("TaskTemplate") or {}
    service_id = str(service.get("ID", ""))
    groups: dict[str, list[Json]] = {}
    for task in tasks:
        if task.get("ServiceID", service_id) == service_id:
            groups.setdefault(_slot_key(task), []).append(task)
    slots = []
    for key in sorted(groups, key=_sort_key):
        group = groups[key]
        new = [t for t in group if _is_new(t, template)]
        old = [t for t in group if not _is_new(t, template)]
        failures = sorted(
            (_task(t) for t in group if str(json_get(t, "Status", "State")) in FAILED_STATES),
            key=lambda t: t.created_at.isoformat() if t.created_at else "",
        )
        slots.append(SlotRollout(key, _latest(old), _latest(new), tuple(failures)))
    status = service.get("UpdateStatus") or {}
    previous = service.get("PreviousSpec")
    return Rollout(
        service_id=service_id,
        service_name=str(spec.get("Name", "")),
        state=str(status.get("State", "")),
        started_at=parse_time(status.get("StartedAt")),
        completed_at=parse_time(status.get("CompletedAt")),
        message=str(status.get("Message", "")),
        old_image=short_image(_image(previous)) if previous else "",
        new_image=short_image(_image(spec)),
        slots=tuple(slots),
    )
