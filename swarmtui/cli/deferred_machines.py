"""The console's machine engine, built when first used: the machine store, the dind and SSH
drivers (paramiko) and the manager are not needed to paint the first screen."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from swarmtui.machines.model import (
    CreateRequest,
    MachineError,
    MachineRecord,
    MachineStatus,
    Role,
    StepLog,
)

if TYPE_CHECKING:
    from swarmtui.machines.manager import ConnectedMachineService


class DeferredMachines:
    """A MachineService over the one BUILD returns on first use (BUILD raises ImportError
    when the drivers cannot load here: every use then says so). `records` gives the machine
    records as MachineManager.machines does."""

    def __init__(self, build: Callable[[], ConnectedMachineService]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._service: ConnectedMachineService | None = None
        self._failure = ""

    def _loaded(self) -> ConnectedMachineService:
        with self._lock:
            if self._service is None and not self._failure:
                try:
                    self._service = self._build()
                except ImportError as exc:
                    self._failure = str(exc)
            service = self._service
        if service is None:
            raise MachineError(f"Machines unavailable: {self._failure}")
        return service

    def records(self) -> list[MachineRecord]:
        return self._loaded().manager.machines()

    def list_machines(self) -> list[tuple[MachineRecord, MachineStatus]]:
        return self._loaded().list_machines()

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        return self._loaded().create(request, log)

    def join(self, name: str, role: Role, log: StepLog) -> None:
        self._loaded().join(name, role, log)

    def leave(self, name: str, log: StepLog) -> None:
        self._loaded().leave(name, log)

    def start(self, name: str, log: StepLog) -> None:
        self._loaded().start(name, log)

    def stop(self, name: str, log: StepLog) -> None:
        self._loaded().stop(name, log)

    def retire(self, name: str, log: StepLog) -> None:
        self._loaded().retire(name, log)

    def remove(self, name: str, log: StepLog) -> None:
        self._loaded().remove(name, log)
