"""Machine orchestration, free of UI and of docker/paramiko: create, join, leave, retire, remove.

It receives the drivers and, for swarm work, a ClusterAccess connected to a manager. Join
tokens come from that manager (never typed) and never reach a log line unmasked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from swarmtui.actions.operations import OperationRefused, demote, remove_node, set_availability
from swarmtui.core.models import ScopeKind, TaskScope
from swarmtui.core.secrets import mask_secrets
from swarmtui.machines.cluster_access import ClusterAccess
from swarmtui.machines.model import (
    CreateRequest,
    Driver,
    LabMachines,
    MachineError,
    MachineRecord,
    MachineStatus,
    Role,
    StepLog,
    lab_of,
)
from swarmtui.machines.reach import check_reachable, host_only, is_ip, with_manager_addresses
from swarmtui.machines.store import MachineStore, validate_name

SWARM_PORT = 2377
JOIN_READY_TIMEOUT = 60.0
DRAIN_TIMEOUT = 120.0
DOWN_TIMEOUT = 60.0
POLL = 0.5


def _masked(log: StepLog) -> StepLog:
    return lambda line: log(mask_secrets(line))


class MachineManager:
    """The machines of STORE, plus the nodes of LAB (found on the engine, never stored): a
    name of the store hides a lab node of the same name."""

    def __init__(
        self,
        store: MachineStore,
        drivers: Mapping[str, Driver],
        *,
        lab: LabMachines | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.drivers = dict(drivers)
        self.lab = lab
        self._sleep = sleep

    def driver(self, name: str) -> Driver:
        driver = self.drivers.get(name)
        if driver is None:
            raise MachineError(f"No machine driver named {name!r} is available here.")
        return driver

    # --- reading -------------------------------------------------------------------------

    def machines(self) -> list[MachineRecord]:
        return self._records(quiet=False)

    def record(self, name: str) -> MachineRecord:
        """The machine named NAME: the store's record, else the lab's node of that name."""
        stored = self.store.find(name)
        if stored is not None:
            return stored
        found = next((r for r in self._lab_nodes() if r.name == name), None)
        if found is None:
            return self.store.get(name)  # raises the store's "no machine named" error
        return found

    def status(self, name: str) -> MachineStatus:
        return self._status(self.record(name))[1]

    def statuses(self) -> list[tuple[MachineRecord, MachineStatus]]:
        result = []
        for record in self._records(quiet=True):
            try:
                result.append(self._status(record))
            except MachineError as exc:
                result.append(
                    (record, MachineStatus(record.name, "unreachable", message=exc.message))
                )
        return result

    def _records(self, *, quiet: bool) -> list[MachineRecord]:
        """The store's records and the lab's nodes, by name. QUIET: a lab that cannot be
        listed right now (engine down) leaves the store's machines listed alone."""
        records = {r.name: r for r in self.store.list()}
        try:
            nodes = self._lab_nodes()
        except MachineError:
            if not quiet:
                raise
            nodes = []
        for node in nodes:
            records.setdefault(node.name, node)
        return [records[name] for name in sorted(records)]

    def _lab_nodes(self) -> list[MachineRecord]:
        return self.lab.machines() if self.lab is not None else []

    def driver_of(self, record: MachineRecord) -> Driver:
        """The driver that runs RECORD's machine: the lab's for a lab node."""
        if lab_of(record) and self.lab is not None and lab_of(record) == self.lab.lab:
            return self.lab.driver
        return self.driver(record.driver)

    def _save(self, record: MachineRecord) -> None:
        """Store RECORD; a lab node is never stored (its labels and containers say it all)."""
        if not lab_of(record):
            self.store.update(record)

    def _forget(self, record: MachineRecord) -> None:
        if not lab_of(record):
            self.store.remove(record.name)

    def _status(self, record: MachineRecord) -> tuple[MachineRecord, MachineStatus]:
        """The driver's status, and the record kept up to date with where the status saw
        the machine (also after a restart outside swarmtui, e.g. `docker restart`)."""
        status = self.driver_of(record).status(record)
        if lab_of(record):
            # Found afresh on every pass: nothing to keep, but a node that left its swarm
            # has no role any more (its label keeps the role the lab gave it).
            if status.state == "running" and status.swarm_state == "inactive":
                record = replace(record, role=None)
            return record, status
        if status.state == "running":
            seen = replace(
                record,
                engine_url=status.engine_url or record.engine_url,
                address=status.address or record.address,
            )
            record = self._keep(record, seen)
        return record, status

    def _refresh(self, record: MachineRecord) -> MachineRecord:
        """The record with where the machine is reached now (asked of the driver)."""
        return self._keep(record, self.driver_of(record).refreshed(record))

    def _keep(self, record: MachineRecord, live: MachineRecord) -> MachineRecord:
        """LIVE stored when it is reached elsewhere than RECORD says."""
        if (live.engine_url, live.address) == (record.engine_url, record.address):
            return record
        if lab_of(record):
            return live
        try:
            return self.store.update_reachability(record.name, live.engine_url, live.address)
        except MachineError:  # removed meanwhile: nothing to keep up to date
            return live

    # --- start / stop --------------------------------------------------------------------

    def start(self, name: str, log: StepLog) -> MachineRecord:
        """Start a stopped machine; returns its record, updated to where it is reached now."""
        log = _masked(log)
        record = self.record(name)
        self.driver_of(record).start(record, log)
        updated = self._refresh(record)
        if record.engine_url and updated.engine_url != record.engine_url:
            log(f"{name}: engine moved from {record.engine_url} to {updated.engine_url}")
        log(f"{name}: started")
        return updated

    def stop(self, name: str, log: StepLog) -> None:
        log = _masked(log)
        record = self.record(name)
        self.driver_of(record).stop(record, log)
        log(f"{name}: stopped")

    # --- create / remove -----------------------------------------------------------------

    def create(
        self, request: CreateRequest, log: StepLog, cluster: ClusterAccess | None = None
    ) -> MachineRecord:
        """Create (or adopt) a machine, joining it when request.role is set.

        Nothing half-made stays behind: on any failure what was created is removed again
        (the machine, its store record, its swarm membership) before the error is re-raised.
        """
        log = _masked(log)
        validate_name(request.name)
        if request.name in self.store or any(
            node.name == request.name for node in self._lab_nodes()
        ):
            raise MachineError(
                f"A machine named {request.name!r} already exists.",
                "Choose another name, or remove the old machine first.",
            )
        if request.role is not None and cluster is None:
            raise MachineError("Joining needs a connection to a swarm manager.")
        driver = self.driver(request.driver)
        if request.role is not None and cluster is not None:
            request = with_manager_addresses(request, cluster)  # placed where they are reached
        record = driver.create(request, log)
        try:
            self.store.add(record)
            if request.role is not None:
                assert cluster is not None
                record = self.join(request.name, request.role, log, cluster)
        except BaseException:
            log(f"{request.name}: creation failed, removing what was made")
            self._undo(driver, record, log, cluster)
            raise
        log(f"{request.name}: ready")
        return record

    def _undo(
        self,
        driver: Driver,
        record: MachineRecord,
        log: StepLog,
        cluster: ClusterAccess | None,
    ) -> None:
        errors: list[str] = []
        try:
            status = driver.status(record)
            if status.swarm_state not in ("", "inactive"):
                driver.run(record, ["docker", "swarm", "leave", "--force"], log)
            if status.node_id and cluster is not None:
                self._remove_node_when_down(cluster, status.node_id, log, DOWN_TIMEOUT)
        except Exception as exc:
            errors.append(str(exc))
        try:
            driver.remove(record, log)
        except Exception as exc:
            errors.append(str(exc))
        if record.name in self.store:  # it was not before create(): it is this attempt's
            self.store.remove(record.name)
        for error in errors:
            log(f"clean-up: {error}")

    def remove(self, name: str, log: StepLog, *, force: bool = False) -> None:
        """Remove the machine (its container and volume for dind) and forget it.

        A machine still in a swarm is refused unless FORCE: retire it instead.
        """
        log = _masked(log)
        record = self.record(name)
        driver = self.driver_of(record)
        if not force:
            status = driver.status(record)
            if status.swarm_state in ("active", "pending"):
                raise MachineError(
                    f"{name} is still part of a swarm.",
                    "Retire it (drain, leave, remove the node), or remove it with force.",
                )
        driver.remove(record, log)
        self._forget(record)
        log(f"{name}: removed")

    # --- swarm ---------------------------------------------------------------------------

    def join(self, name: str, role: Role, log: StepLog, cluster: ClusterAccess) -> MachineRecord:
        """Join the machine to the swarm CLUSTER manages, as ROLE; returns the updated record."""
        log = _masked(log)
        record = self.record(name)
        driver = self.driver_of(record)
        info = cluster.engine_info()
        if info.swarm_state != "active" or not info.is_manager:
            raise MachineError(
                f"{cluster.endpoint_display} is not a swarm manager (swarm: {info.swarm_state}).",
                "Connect to a manager of the swarm to join.",
            )
        status = driver.status(record)
        if status.state != "running":
            raise MachineError(f"{name} is {status.state}: {status.message}".rstrip(": "))
        if status.swarm_state not in ("", "inactive"):
            raise MachineError(
                f"{name} is already part of a swarm ({status.swarm_state}).",
                "Make it leave its swarm first.",
            )
        manager_addr = host_only(info.node_address)
        if not manager_addr:
            raise MachineError("The manager does not report its swarm address.")
        worker_token, manager_token = cluster.join_tokens()
        token = manager_token if role == "manager" else worker_token
        if not token:
            raise MachineError("The manager gave no join token.")
        advertise = self.advertise_address(record, manager_addr, log)
        check_reachable(driver, record, manager_addr, SWARM_PORT, advertise, log)
        log(f"{name}: joining the swarm of {manager_addr} as {role}, advertising {advertise}")
        command = [
            "docker",
            "swarm",
            "join",
            "--token",
            token,
            "--advertise-addr",
            advertise,
            "--listen-addr",
            f"0.0.0.0:{SWARM_PORT}",
            f"{manager_addr}:{SWARM_PORT}",
        ]
        driver.run(record, command, log)
        node_id = self._wait_joined(driver, record, cluster, log)
        extra = {**record.extra, "node_id": node_id, "advertise_addr": advertise}
        if info.cluster_id:
            extra["cluster_id"] = info.cluster_id
        updated = replace(record, role=role, address=advertise, extra=extra)
        self._save(updated)
        log(f"{name}: joined as {role} (node {node_id[:12]})")
        return updated

    def advertise_address(self, record: MachineRecord, manager_addr: str, log: StepLog) -> str:
        """The machine's own address on the route to the manager (`ip route get`'s src)."""
        driver = self.driver_of(record)
        try:
            out = driver.run(record, ["ip", "-o", "route", "get", manager_addr], log)
        except MachineError as exc:
            log(f"{record.name}: cannot ask for its route to the manager ({exc.message})")
            out = ""
        words = out.split()
        if "src" in words[:-1]:
            candidate = words[words.index("src") + 1]
            if is_ip(candidate):
                return candidate
        if is_ip(record.address):
            return record.address
        raise MachineError(
            f"Cannot tell which address of {record.name} reaches the manager {manager_addr}.",
            "Check that the machine has a route to the manager.",
        )

    def _wait_joined(
        self, driver: Driver, record: MachineRecord, cluster: ClusterAccess, log: StepLog
    ) -> str:
        deadline = time.monotonic() + JOIN_READY_TIMEOUT
        node_id = ""
        while time.monotonic() < deadline:
            if not node_id:
                node_id = driver.status(record).node_id
            if node_id:
                node = next((n for n in cluster.nodes() if n.id == node_id), None)
                if node is not None and node.status == "ready":
                    return node_id
            self._sleep(POLL)
        raise MachineError(
            f"{record.name} joined but is not Ready after {JOIN_READY_TIMEOUT:.0f} s.",
            "Check that ports 2377/tcp, 7946/tcp+udp and 4789/udp are open between the nodes.",
        )

    def leave(
        self, name: str, log: StepLog, cluster: ClusterAccess | None = None, *, force: bool = False
    ) -> MachineRecord:
        """`docker swarm leave` on the machine; with CLUSTER, also remove its node entry."""
        log = _masked(log)
        record = self.record(name)
        driver = self.driver_of(record)
        status = driver.status(record)
        node_id = status.node_id or record.extra.get("node_id", "")
        if status.swarm_state in ("active", "pending", "error"):
            command = ["docker", "swarm", "leave"] + (["--force"] if force else [])
            driver.run(record, command, log)
        else:
            log(f"{name}: not in a swarm")
        if cluster is not None and node_id:
            self._remove_node_when_down(cluster, node_id, log, DOWN_TIMEOUT)
        extra = {k: v for k, v in record.extra.items() if k not in ("node_id", "cluster_id")}
        updated = replace(record, role=None, extra=extra)
        self._save(updated)
        log(f"{name}: left the swarm")
        return updated

    def retire(self, name: str, log: StepLog, cluster: ClusterAccess) -> None:
        """Drain, wait for its tasks to move, leave, remove the node, remove the machine."""
        log = _masked(log)
        record = self.record(name)
        driver = self.driver_of(record)
        status = driver.status(record)
        node_id = status.node_id or record.extra.get("node_id", "")
        if node_id and status.swarm_state == "active":
            nodes = cluster.nodes()
            node = next((n for n in nodes if n.id == node_id), None)
            if node is not None and node.role == "manager":
                try:
                    demotion = demote(node, nodes)  # the quorum rules of `docker node demote`
                except OperationRefused:
                    raise MachineError(
                        f"{name} is the only manager: retiring it ends the swarm."
                    ) from None
                log(f"{name}: demoting to worker first. {demotion.warning}")
                cluster.run(demotion)
            log(f"{name}: draining")
            if node is not None:
                cluster.run(set_availability(node, "drain"))
            self._wait_drained(cluster, node_id, name, log)
            driver.run(record, ["docker", "swarm", "leave"], log)
        elif status.swarm_state in ("pending", "error"):
            driver.run(record, ["docker", "swarm", "leave", "--force"], log)
        if node_id:
            self._remove_node_when_down(cluster, node_id, log, DOWN_TIMEOUT)
        driver.remove(record, log)
        self._forget(record)
        log(f"{name}: retired")

    def _wait_drained(self, cluster: ClusterAccess, node_id: str, name: str, log: StepLog) -> None:
        scope = TaskScope(ScopeKind.NODE, node_id, name)
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while time.monotonic() < deadline:
            running = [
                t
                for t in cluster.tasks(scope)
                if t.node_id == node_id and t.state in ("running", "starting", "preparing")
            ]
            if not running:
                log(f"{name}: no tasks left on it")
                return
            self._sleep(POLL)
        log(f"{name}: tasks still running after {DRAIN_TIMEOUT:.0f} s; leaving anyway")

    def _remove_node_when_down(
        self, cluster: ClusterAccess, node_id: str, log: StepLog, timeout: float
    ) -> None:
        """The manager removes a node entry only once the node is down: wait, then remove."""
        deadline = time.monotonic() + timeout
        while True:
            nodes = cluster.nodes()
            node = next((n for n in nodes if n.id == node_id), None)
            if node is None:
                return
            if node.status in ("down", "unknown", "disconnected"):
                cluster.run(remove_node(node, force=node.status != "down", nodes=nodes))
                log(f"node {node_id[:12]} removed from the swarm")
                return
            if time.monotonic() > deadline:
                log(f"node {node_id[:12]} still {node.status}: removing it with force")
                cluster.run(remove_node(node, force=True, nodes=nodes))
                return
            self._sleep(POLL)


class ConnectedMachineService:
    """The console's MachineService over a MachineManager and the connected manager.

    CLUSTER gives the ClusterAccess of the swarm the console is connected to (None when it
    is not connected to a manager: joining is refused then).
    """

    def __init__(
        self, manager: MachineManager, cluster: Callable[[], ClusterAccess | None]
    ) -> None:
        self.manager = manager
        self._cluster = cluster

    def _require_cluster(self) -> ClusterAccess:
        cluster = self._cluster()
        if cluster is None:
            raise MachineError("Not connected to a swarm manager.", "Connect to a manager first.")
        return cluster

    def list_machines(self) -> list[tuple[MachineRecord, MachineStatus]]:
        return self.manager.statuses()

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        cluster = self._require_cluster() if request.role is not None else self._cluster()
        return self.manager.create(request, log, cluster)

    def join(self, name: str, role: Role, log: StepLog) -> None:
        self.manager.join(name, role, log, self._require_cluster())

    def leave(self, name: str, log: StepLog) -> None:
        self.manager.leave(name, log, self._cluster())

    def start(self, name: str, log: StepLog) -> None:
        self.manager.start(name, log)

    def stop(self, name: str, log: StepLog) -> None:
        self.manager.stop(name, log)

    def retire(self, name: str, log: StepLog) -> None:
        self.manager.retire(name, log, self._require_cluster())

    def remove(self, name: str, log: StepLog) -> None:
        self.manager.remove(name, log)
