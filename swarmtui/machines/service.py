"""What the console needs from the machine engine: one protocol, implemented by the real
manager (store + drivers) and by the deterministic demo service of the snapshot tests.

Every method runs on a worker thread and may block; each step is reported through LOG as it
happens. Failures raise MachineError (message: a plain explanation, hint: what to do) and
leave nothing half-made. `create` raises HostKeyUnknown on first contact with an SSH host;
the caller shows the fingerprint and, once the user trusted it, calls `create` again with
`accept_fingerprint` set.
"""

from __future__ import annotations

from typing import Protocol

from swarmtui.machines.model import CreateRequest, MachineRecord, MachineStatus, Role, StepLog


class MachineService(Protocol):
    def list_machines(self) -> list[tuple[MachineRecord, MachineStatus]]:
        """Every known machine with its live status, sorted by name."""
        ...

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        """Create (dind) or adopt (ssh) a machine; join it when `request.role` is set."""
        ...

    def join(self, name: str, role: Role, log: StepLog) -> None:
        """Join the machine to the connected swarm, tokens fetched from the manager."""
        ...

    def leave(self, name: str, log: StepLog) -> None:
        """The machine leaves the swarm; the machine itself stays."""
        ...

    def start(self, name: str, log: StepLog) -> None:
        """Start a stopped machine and wait for its engine; its record follows where it is
        reached now. An adopted (ssh) host is refused: swarmtui never starts or stops it."""
        ...

    def stop(self, name: str, log: StepLog) -> None:
        """Stop the machine (dind: its container); it stays known, its node goes down in the
        swarm. An adopted (ssh) host is refused."""
        ...

    def retire(self, name: str, log: StepLog) -> None:
        """Drain, leave, remove the node from the swarm, then remove the machine."""
        ...

    def remove(self, name: str, log: StepLog) -> None:
        """Remove a machine that is in no swarm (dind: container and volumes)."""
        ...
