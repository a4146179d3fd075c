"""The machine contract shared by the store, the drivers, the CLI and the console.

Records hold key *paths* and host-key fingerprints, never key material or tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

DriverName = Literal["dind", "ssh"]
Role = Literal["manager", "worker"]
StepLog = Callable[[str], None]  # one line per step, shown live in the console and the CLI


class MachineError(Exception):
    """A machine operation failed; `message` is a plain explanation, `hint` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class HostKeyUnknown(MachineError):
    """First contact with an SSH host: show `fingerprint` and ask before trusting it.

    Retry with CreateRequest.accept_fingerprint set to the fingerprint the user confirmed
    (several, comma-separated, when a ProxyJump host is new as well).
    """

    def __init__(
        self, host: str, fingerprint: str, key_type: str = "", confirmed: str = ""
    ) -> None:
        if confirmed:
            message = (
                f"Refusing to connect to {host}: it presented the {key_type or 'key'} "
                f"{fingerprint}, not the fingerprint you confirmed ({confirmed})."
            )
        else:
            message = (
                f"The host key of {host} is not known yet. Its {key_type or 'key'} fingerprint "
                f"is {fingerprint}."
            )
        super().__init__(
            message,
            "Compare it with the fingerprint the host's owner gives you (ssh-keygen -lf "
            "/etc/ssh/ssh_host_*_key.pub on the host) and confirm it to continue.",
        )
        self.host = host
        self.fingerprint = fingerprint
        self.key_type = key_type
        self.confirmed = confirmed


class DockerMissing(MachineError):
    """Docker is not installed on an SSH host that swarmtui can install it on: ask first.

    Nothing was changed on the host. Retry with CreateRequest.install_docker set once the
    user confirmed that `command` may run there.
    """

    def __init__(self, host: str, os_name: str, command: str) -> None:
        super().__init__(
            f"Docker is not installed on {host} ({os_name or 'unknown OS'}).",
            f"swarmtui can install it with `{command}` (the distribution's package). "
            "Nothing was changed on the host yet.",
        )
        self.host = host
        self.os_name = os_name
        self.command = command


def is_question(exc: Exception) -> bool:
    """Whether EXC asks the user something (trust a new host key, install Docker) rather
    than reports a failure."""
    if isinstance(exc, HostKeyUnknown):
        return not exc.confirmed
    return isinstance(exc, DockerMissing)


class HostKeyChanged(MachineError):
    """The host presented a key other than the one swarmtui trusted (or the user confirmed)."""

    def __init__(self, host: str, fingerprint: str, expected: str, known_hosts: str = "") -> None:
        super().__init__(
            f"Refusing to connect to {host}: it presented the key {fingerprint}, not the "
            f"trusted {expected}. Someone may be intercepting the connection, or the host "
            "was reinstalled.",
            "If the host really was reinstalled, remove its line from "
            f"{known_hosts or 'swarmtui known_hosts'} after checking the new fingerprint.",
        )
        self.host = host
        self.fingerprint = fingerprint
        self.expected = expected


@dataclass(frozen=True)
class MachineRecord:
    name: str
    driver: DriverName
    address: str  # where other nodes reach it (swarm advertise address)
    role: Role | None = None  # None until it joined a swarm
    ssh_user: str = ""
    ssh_port: int = 22
    ssh_key_path: str = ""
    ssh_proxy_jump: str = ""
    host_key_fingerprint: str = ""  # SHA256:... as `ssh-keygen -l` prints it
    engine_url: str = ""  # how swarmtui reaches its engine API (tcp://127.0.0.1:PORT, ssh://)
    container_id: str = ""  # dind only
    created_at: str = ""  # ISO 8601 UTC
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CreateRequest:
    name: str
    driver: DriverName
    role: Role | None = None  # join right after creation when set
    # ssh driver
    host: str = ""
    ssh_user: str = "root"
    ssh_port: int = 22
    ssh_key_path: str = ""
    ssh_proxy_jump: str = ""
    accept_fingerprint: str = ""  # the fingerprint the user confirmed; empty = ask
    install_docker: bool = False  # only after the user confirmed
    # dind driver
    node_image: str = ""
    # The local network to attach to; empty: the network of the manager's container when the
    # manager is a container of the local engine (see join_addresses), else swarmtui-machines.
    network: str = ""
    # The swarm addresses of the managers a machine made to join must reach (the connected
    # one first), filled in by MachineManager.create; the driver places the machine near them.
    join_addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class MachineStatus:
    name: str
    state: str  # running | stopped | unreachable | missing
    engine_version: str = ""
    swarm_state: str = ""  # inactive | active | pending | error
    node_id: str = ""
    message: str = ""
    # where a running machine is reached now, when the driver sees it while looking
    engine_url: str = ""
    address: str = ""


def running_status(
    name: str, info: dict[str, Any], *, engine_url: str = "", address: str = ""
) -> MachineStatus:
    """A running machine's status from its engine's `docker info` JSON."""
    swarm = info.get("Swarm") or {}
    return MachineStatus(
        name,
        "running",
        engine_version=str(info.get("ServerVersion", "")),
        swarm_state=str(swarm.get("LocalNodeState", "")),
        node_id=str(swarm.get("NodeID", "")),
        engine_url=engine_url,
        address=address,
    )


class Driver(Protocol):
    name: DriverName

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord: ...

    def status(self, record: MachineRecord) -> MachineStatus: ...

    def start(self, record: MachineRecord, log: StepLog) -> None: ...

    def stop(self, record: MachineRecord, log: StepLog) -> None: ...

    def remove(self, record: MachineRecord, log: StepLog) -> None: ...

    def refreshed(self, record: MachineRecord) -> MachineRecord:
        """RECORD with where its machine is reached now (engine URL, address): a dind machine
        started again publishes its engine API on a new host port. RECORD itself when that
        cannot change (an adopted host) or cannot be read right now (best effort, no error)."""
        ...

    def run(self, record: MachineRecord, command: list[str], log: StepLog) -> str:
        """Run COMMAND on the machine (docker swarm join/leave); returns stdout."""
        ...


LAB_KEY = "lab"  # extra[LAB_KEY]: the lab whose node the machine is (found, never stored)


def lab_of(record: MachineRecord) -> str:
    """The lab the machine is a node of, "" for a machine of the store."""
    return record.extra.get(LAB_KEY, "")


class LabMachines(Protocol):
    """A lab's nodes as dind machines: found on the engine when asked (the lab labels its
    containers), never written to the store, so `lab down` / `lab up` need no bookkeeping.

    Their records carry extra["lab"]; `driver` runs them (status, start, stop, run, remove).
    """

    @property
    def lab(self) -> str:
        """The lab's name."""
        ...

    @property
    def driver(self) -> Driver:
        """The driver that runs the lab's nodes."""
        ...

    def machines(self) -> list[MachineRecord]:
        """The lab's nodes now, stopped ones included; [] when there is no such lab.
        MachineError when the engine cannot be asked."""
        ...
