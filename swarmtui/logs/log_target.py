"""What a log view shows: all tasks of a service, one task, or the services of a stack."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from swarmtui.core.models import Service, Task

LogKind = Literal["service", "task"]


@dataclass(frozen=True)
class LogTarget:
    kind: LogKind
    object_id: str  # service id or task id
    service_id: str
    service_name: str
    title: str  # "service helloworld", "task helloworld.1 (x7k2...)"


def service_target(service: Service) -> LogTarget:
    return LogTarget("service", service.id, service.id, service.name, f"service {service.name}")


def task_target(task: Task, service: Service | None) -> LogTarget:
    name = service.name if service is not None else task.service_id[:12]
    slot = f".{task.slot}" if task.slot else ""
    title = f"task {name}{slot} ({task.id[:12]}, {task.state})"
    return LogTarget("task", task.id, task.service_id, name, title)


@dataclass(frozen=True)
class LogSelection:
    """What one log view follows: one target, or several merged (a stack's services)."""

    title: str
    targets: tuple[LogTarget, ...]


def single(target: LogTarget) -> LogSelection:
    return LogSelection(target.title, (target,))


def stack_selection(stack_title: str, services: Iterable[Service]) -> LogSelection:
    return LogSelection(f"stack {stack_title}", tuple(service_target(s) for s in services))
