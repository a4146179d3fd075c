"""Names for the tasks in a log view: `helloworld.1@worker1`, and a stable colour slot."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence

from swarmtui.core.models import Node, Task

UNKNOWN_ID = 12


class TaskLabels:
    """An immutable directory built from the service's tasks (with history) and the nodes;
    or from several services' (`merged`), each task named after its own service."""

    def __init__(
        self,
        service_name: str = "",
        tasks: Iterable[Task] = (),
        nodes: Iterable[Node] = (),
        *,
        service_names: Mapping[str, str] | None = None,  # service id -> name, when several
        hostnames: Mapping[str, str] | None = None,  # node id -> hostname, besides NODES
    ) -> None:
        self.service_name = service_name
        self._service_names = dict(service_names or {})
        self._hostnames: dict[str, str] = {**(hostnames or {}), **{n.id: n.hostname for n in nodes}}
        ordered = sorted(
            tasks,
            key=lambda t: (self._service_names.get(t.service_id, ""), t.slot or 0, t.node_id, t.id),
        )
        self._tasks: dict[str, Task] = {t.id: t for t in ordered}
        self._colours = {task_id: index for index, task_id in enumerate(self._tasks)}

    @classmethod
    def merged(cls, parts: Sequence[TaskLabels]) -> TaskLabels:
        """One directory for the logs of several services, from each one's own."""
        if len(parts) == 1:
            return parts[0]
        names = {t.service_id: part.service_name for part in parts for t in part.tasks}
        return cls(
            tasks=[t for part in parts for t in part.tasks],
            service_names=names,
            hostnames={k: v for part in parts for k, v in part.hostnames.items()},
        )

    def knows(self, task_id: str) -> bool:
        return task_id in self._tasks

    def hostname(self, node_id: str) -> str:
        return self._hostnames.get(node_id) or node_id[:UNKNOWN_ID]

    def task_name(self, task_id: str) -> str:
        """`helloworld.1`, or `helloworld.<task id>` for tasks without a slot (global mode)."""
        task = self._tasks.get(task_id)
        service = self._service_names.get(task.service_id) if task is not None else None
        name = service or self.service_name or "task"
        if task is not None and task.slot:
            return f"{name}.{task.slot}"
        return f"{name}.{task_id[:UNKNOWN_ID]}"

    def label(self, task_id: str, node_id: str) -> str:
        task = self._tasks.get(task_id)
        node = task.node_id if task is not None and task.node_id else node_id
        return f"{self.task_name(task_id)}@{self.hostname(node)}"

    def colour(self, task_id: str) -> int:
        """A small number, stable per task, to pick the task's colour from a palette."""
        found = self._colours.get(task_id)
        return found if found is not None else zlib.crc32(task_id.encode())

    @property
    def signature(self) -> tuple[object, ...]:
        """Equal for directories that name every task alike."""
        tasks = tuple((t.id, t.slot, t.node_id) for t in self._tasks.values())
        names = tuple(sorted(self._service_names.items()))
        return (self.service_name, names, tasks, tuple(sorted(self._hostnames.items())))

    @property
    def hostnames(self) -> Mapping[str, str]:
        return self._hostnames

    @property
    def tasks(self) -> Iterable[Task]:
        return self._tasks.values()
