"""Fake node connections for the shell tests without Docker: what was asked of them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.usage import ContainerUsage
from swarmtui.nodes.routes import NodeRoute


@dataclass
class FakeStream:
    closed: bool = False

    def fileno(self) -> int:
        return -1

    def read(self) -> bytes:
        return b""

    def buffered(self) -> bool:
        return False

    def write(self, data: bytes) -> None:
        pass

    def resize(self, columns: int, rows: int) -> None:
        pass

    def exit_status(self) -> int | None:
        return 0

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeConnection:
    route: NodeRoute
    running: bool | None = True
    probe: tuple[int, str] = (0, "/bin/bash\n")
    calls: list[tuple[str, object]] = field(default_factory=list)
    closed: bool = False

    @property
    def description(self) -> str:
        return self.route.label

    def container_running(self, container_id: str) -> bool | None:
        self.calls.append(("running", container_id))
        return self.running

    def run_in_container(self, container_id: str, argv: tuple[str, ...]) -> tuple[int, str]:
        self.calls.append(("run", argv))
        return self.probe

    def open_container_shell(
        self, container_id: str, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> FakeStream:
        self.calls.append(("shell", (argv, columns, rows, term)))
        return FakeStream()

    def open_host_shell(
        self, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> FakeStream:
        self.calls.append(("host", argv))
        return FakeStream()

    def container_usage(self, container_ids: tuple[str, ...]) -> dict[str, ContainerUsage]:
        self.calls.append(("usage", container_ids))
        return {}

    def container_state(self, container_id: str) -> dict[str, Any] | None:
        self.calls.append(("state", container_id))
        return {"Running": bool(self.running)}

    def close(self) -> None:
        self.closed = True


class Connector:
    """Opens fake connections; routes whose label is in FAILING do not answer."""

    def __init__(
        self,
        failing: tuple[str, ...] = (),
        release: threading.Event | None = None,
        **connection: object,
    ) -> None:
        self.failing = failing
        self.release = release  # set: connecting may end (a slow node, for typed-ahead keys)
        self.accepted: list[tuple[str, ...]] = []
        self.connection = connection
        self.opened: list[FakeConnection] = []
        self.tried: list[str] = []

    def __call__(self, route: NodeRoute, accept: tuple[str, ...]) -> FakeConnection:
        self.tried.append(route.label)
        self.accepted.append(accept)
        if self.release is not None:
            self.release.wait(30)
        if route.label in self.failing:
            raise BackendError(ProblemKind.UNREACHABLE, f"{route.label} refused the connection")
        opened = FakeConnection(route, **self.connection)  # type: ignore[arg-type]
        self.opened.append(opened)
        return opened
