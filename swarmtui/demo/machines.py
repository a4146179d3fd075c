"""A deterministic MachineService for the snapshot and Pilot tests and demos: two machines,
scripted step logs, a first-contact fingerprint and one scripted failure per plain
explanation (addresses from TEST-NET-3, 203.0.113.0/24, which never answer for real)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from swarmtui.machines.model import (
    CreateRequest,
    DockerMissing,
    HostKeyChanged,
    HostKeyUnknown,
    MachineError,
    MachineRecord,
    MachineStatus,
    Role,
    StepLog,
)

DEMO_CREATED = "2026-01-01T11:00:00Z"
DEMO_ENGINE = "28.3.3"
DEMO_FINGERPRINT = "SHA256:CPXVxglLP8Vs7+IjvBm7o1rUO+CGM5ne6SBXKOATEYE"
OLD_FINGERPRINT = "SHA256:jGNSXV3KhRJTiLH9iIjZj9k3QS9gdg2YTExsX3Zib5A"
NEW_FINGERPRINT = "SHA256:wm8ShWDFlSkLn4XLJOb2cuHiu28YzwokqD96Joni1GI"
DEMO_MANAGER_ADDR = "172.30.0.2:2377"
DEMO_INSTALL = "apt-get install -y docker.io"

UNREACHABLE_HOST = "203.0.113.9"
AUTH_FAILS_HOST = "203.0.113.10"
KEY_CHANGED_HOST = "203.0.113.11"
SUDO_PASSWORD_HOST = "203.0.113.12"
UNSUPPORTED_OS_HOST = "203.0.113.13"
NO_DOCKER_HOST = "203.0.113.14"

DEMO_FAILURES: dict[str, MachineError] = {
    UNREACHABLE_HOST: MachineError(
        f"Cannot reach {UNREACHABLE_HOST} on port 22: no answer within 10 s.",
        "Check the address and the port, that the host is up, and whether it is only "
        "reachable through a jump host (fill in Proxy jump).",
    ),
    AUTH_FAILS_HOST: MachineError(
        f"{AUTH_FAILS_HOST} refused every key offered (the agent's and ~/.ssh/id_ed25519).",
        "Give the key file this host accepts, or add your public key to the user's "
        "~/.ssh/authorized_keys there.",
    ),
    KEY_CHANGED_HOST: HostKeyChanged(
        KEY_CHANGED_HOST, NEW_FINGERPRINT, OLD_FINGERPRINT, "~/.local/share/swarmtui/known_hosts"
    ),
    SUDO_PASSWORD_HOST: MachineError(
        f"sudo on {SUDO_PASSWORD_HOST} wants a password; swarmtui never types one.",
        "Connect as root, or allow this user passwordless sudo "
        "(a NOPASSWD line in /etc/sudoers.d/).",
    ),
    UNSUPPORTED_OS_HOST: MachineError(
        f"{UNSUPPORTED_OS_HOST} runs Alpine Linux 3.19 (aarch64), which swarmtui cannot "
        "install Docker on.",
        "swarmtui installs Docker only on Debian and Ubuntu. Install it there yourself and "
        "create the machine again: an existing Docker is used as is.",
    ),
}


def demo_machines() -> list[tuple[MachineRecord, MachineStatus]]:
    worker = MachineRecord(
        name="lab-w1",
        driver="dind",
        address="172.30.0.5",
        role="worker",
        engine_url="tcp://127.0.0.1:23751",
        container_id="5f0c1d2e3a4b",
        extra={"container": "swarmtui-machine-lab-w1"},
        created_at=DEMO_CREATED,
    )
    edge = MachineRecord(
        name="edge-1",
        driver="ssh",
        address="192.0.2.10",
        ssh_user="admin",
        ssh_key_path="~/.ssh/id_ed25519",
        ssh_proxy_jump="bastion.example.net",
        host_key_fingerprint=DEMO_FINGERPRINT,
        engine_url="ssh://admin@192.0.2.10",
        created_at=DEMO_CREATED,
    )
    return [
        (edge, MachineStatus("edge-1", "running", "27.5.1", "inactive")),
        (worker, MachineStatus("lab-w1", "running", DEMO_ENGINE, "active", "w1node0000001")),
    ]


class DemoMachineService:
    """In memory; `calls` records every call; STEP_DELAY slows the steps down for demos."""

    def __init__(self, step_delay: float = 0.0) -> None:
        self.step_delay = step_delay
        self.calls: list[tuple[str, object]] = []
        self.trusted: set[str] = set()
        self._lock = threading.Lock()
        self._machines = {record.name: (record, status) for record, status in demo_machines()}
        self._stopped: dict[str, MachineStatus] = {}  # the status before a stop, back on start

    def _step(self, log: StepLog, line: str) -> None:
        log(line)
        if self.step_delay:
            time.sleep(self.step_delay)

    def _get(self, name: str) -> tuple[MachineRecord, MachineStatus]:
        with self._lock:
            found = self._machines.get(name)
        if found is None:
            raise MachineError(f"There is no machine named {name}.", "swarmtui machine ls")
        return found

    def _put(self, record: MachineRecord, status: MachineStatus) -> None:
        with self._lock:
            self._machines[record.name] = (record, status)

    def list_machines(self) -> list[tuple[MachineRecord, MachineStatus]]:
        with self._lock:
            self.calls.append(("list", None))
            return [self._machines[name] for name in sorted(self._machines)]

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        with self._lock:
            self.calls.append(("create", request))
            clash = request.name in self._machines
        if clash:
            raise MachineError(
                f"A machine named {request.name} exists already.", "Choose another name."
            )
        make = self._adopt if request.driver == "ssh" else self._dind
        record = make(request, log)
        status = MachineStatus(record.name, "running", DEMO_ENGINE, "inactive")
        self._put(record, status)
        if request.role:
            self._join(record, request.role, log)
        self._step(log, f"✓ {record.name} is ready")
        return self._get(record.name)[0]

    def _dind(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        image = request.node_image or "swarmtui-node:bookworm"
        self._step(log, f"Using node image {image}")
        self._step(log, f"Creating volume swarmtui-machine-{request.name}-docker")
        self._step(log, f"Starting container swarmtui-machine-{request.name}")
        self._step(log, f"Engine of {request.name} is up: Docker {DEMO_ENGINE}")
        return MachineRecord(
            name=request.name,
            driver="dind",
            address="172.30.0.9",
            engine_url="tcp://127.0.0.1:23759",
            container_id="9a8b7c6d5e4f",
            extra={"container": f"swarmtui-machine-{request.name}"},
            created_at=DEMO_CREATED,
        )

    def _adopt(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        host = request.host
        via = f" through {request.ssh_proxy_jump}" if request.ssh_proxy_jump else ""
        self._step(log, f"Connecting to {request.ssh_user}@{host}:{request.ssh_port}{via}")
        failure = DEMO_FAILURES.get(host)
        if failure is not None and host in (UNREACHABLE_HOST, KEY_CHANGED_HOST):
            raise failure
        if host not in self.trusted:
            if DEMO_FINGERPRINT not in request.accept_fingerprint.split(","):
                raise HostKeyUnknown(host, DEMO_FINGERPRINT, "ED25519")
            self.trusted.add(host)
            self._step(log, "Host key trusted, kept in swarmtui's own known_hosts")
        key = request.ssh_key_path or "the SSH agent"
        self._step(log, f"Authenticating as {request.ssh_user} with {key}")
        if failure is not None and host == AUTH_FAILS_HOST:
            raise failure
        self._step(log, "Preflight: Ubuntu 24.04 (x86_64)")
        if failure is not None:
            raise failure
        if host == NO_DOCKER_HOST:
            self._step(log, "Preflight: Docker is not installed")
            if not request.install_docker:
                raise DockerMissing(host, "Ubuntu 24.04 LTS", DEMO_INSTALL)
            self._step(log, f"{host}$ sudo -n env DEBIAN_FRONTEND=noninteractive {DEMO_INSTALL}")
            self._step(log, f"Docker {DEMO_ENGINE} installed and started")
        self._step(log, "Preflight: sudo without password, Docker 27.5.1, live-restore off")
        self._step(log, "Preflight: ports 2377/tcp, 7946/tcp+udp, 4789/udp free")
        return MachineRecord(
            name=request.name,
            driver="ssh",
            address=host,
            ssh_user=request.ssh_user,
            ssh_port=request.ssh_port,
            ssh_key_path=request.ssh_key_path,
            ssh_proxy_jump=request.ssh_proxy_jump,
            host_key_fingerprint=DEMO_FINGERPRINT,
            engine_url=f"ssh://{request.ssh_user}@{host}",
            created_at=DEMO_CREATED,
        )

    def _join(self, record: MachineRecord, role: Role, log: StepLog) -> None:
        self._step(log, f"Fetching the {role} join token from the manager")
        self._step(log, f"docker swarm join --token SWMTKN-1-<masked> {DEMO_MANAGER_ADDR}")
        status = MachineStatus(record.name, "running", DEMO_ENGINE, "active", "newnode000001")
        self._put(replace(record, role=role), status)
        self._step(log, f"{record.name} joined the swarm as a {role}")

    def join(self, name: str, role: Role, log: StepLog) -> None:
        with self._lock:
            self.calls.append(("join", (name, role)))
        record, status = self._get(name)
        if status.swarm_state == "active":
            raise MachineError(f"{name} is in a swarm already.", "Leave it first.")
        self._join(record, role, log)

    def leave(self, name: str, log: StepLog) -> None:
        with self._lock:
            self.calls.append(("leave", name))
        record, status = self._get(name)
        self._step(log, f"docker swarm leave on {name}")
        self._put(replace(record, role=None), replace(status, swarm_state="inactive"))
        self._step(log, f"{name} left the swarm")

    def start(self, name: str, log: StepLog) -> None:
        with self._lock:
            self.calls.append(("start", name))
        record, _ = self._get(name)
        if record.driver == "ssh":
            raise MachineError(f"{name} is an existing host: swarmtui does not start or stop it.")
        self._step(log, f"starting swarmtui-machine-{name}")
        with self._lock:
            before = self._stopped.pop(name, None)
        running = before or MachineStatus(name, "running", DEMO_ENGINE, "inactive")
        self._put(record, running)
        self._step(log, f"{name} is up: engine {record.engine_url}")
        self._step(log, f"{name}: started")

    def stop(self, name: str, log: StepLog) -> None:
        with self._lock:
            self.calls.append(("stop", name))
        record, status = self._get(name)
        if record.driver == "ssh":
            raise MachineError(f"{name} is an existing host: swarmtui does not start or stop it.")
        self._step(log, f"stopping swarmtui-machine-{name}")
        if status.state == "running":
            with self._lock:
                self._stopped[name] = status
        self._put(record, MachineStatus(name, "stopped", message="exited"))
        self._step(log, f"{name}: stopped")

    def retire(self, name: str, log: StepLog) -> None:
        with self._lock:
            self.calls.append(("retire", name))
        self._get(name)
        self._step(log, f"Draining node {name}")
        self._step(log, f"docker swarm leave on {name}")
        self._step(log, f"docker node rm {name}")
        self._drop(name, log)

    def remove(self, name: str, log: StepLog) -> None:
        with self._lock:
            self.calls.append(("remove", name))
        self._get(name)
        self._drop(name, log)

    def _drop(self, name: str, log: StepLog) -> None:
        record, _ = self._get(name)
        if record.driver == "dind":
            self._step(log, f"Removing container swarmtui-machine-{name} and its volume")
        else:
            self._step(log, f"Forgetting {name} (the host itself is left as it is)")
        with self._lock:
            self._machines.pop(name, None)
        self._step(log, f"✓ {name} removed")
