"""A lab's nodes as dind machines: `M` and `swarmtui machine ls` list manager1, worker1, ... of
the lab as `docker-machine ls` listed the tutorial's machines.

Nothing is written to the machine store: the lab labels its containers (swarmtui.lab=<lab>,
swarmtui.lab.node, swarmtui.lab.role), so every listing finds its nodes afresh. `lab down`
removes them together with their containers, `lab up` brings them back; a node stopped and
started here keeps its fixed address on the lab network, so raft finds a manager where it knew
it. Start, stop, run (join, leave, `machine ssh`) and status are the dind driver's; only how
a node's container is found and what removing one deletes are the lab's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import docker

from swarmtui.adapters.docker.dind_container import published_api_url, remove_with_retry
from swarmtui.adapters.docker.dind_driver import DindDriver
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import (
    LAB_LABEL,
    NODE_LABEL,
    ROLE_LABEL,
    _lab_containers,
    _network_name,
)
from swarmtui.machines.model import (
    LAB_KEY,
    CreateRequest,
    MachineError,
    MachineRecord,
    StepLog,
    lab_of,
)


class LabNodeDriver(DindDriver):
    """The dind driver for the nodes of lab LAB: their containers are the lab's (found by its
    labels, never by the machine label), and `lab up` creates them, not this driver."""

    def __init__(self, lab: str, *, client_factory: Callable[[], Any] = engine_client) -> None:
        super().__init__(network=_network_name(lab), load_images=(), client_factory=client_factory)
        self.lab = lab

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        raise MachineError(
            f"The nodes of lab {self.lab} are made by the lab.",
            f"swarmtui lab up --name {self.lab}",
        )

    def _owns(self, labels: dict[str, str], record: MachineRecord) -> bool:
        return (
            lab_of(record) == self.lab
            and labels.get(LAB_LABEL) == self.lab
            and labels.get(NODE_LABEL) == record.name
        )

    def remove(self, record: MachineRecord, log: StepLog) -> None:
        """The node's container and its /var/lib/docker volume; the lab's network stays
        (`lab up` makes the node again, `lab down` removes the rest)."""
        host = self._client_factory()
        try:
            container = self._container(host, record)
            volume = record.extra.get("volume", "")
            cname = record.extra.get("container", record.name)
            log(f"removing container {cname} and volume {volume} of lab {self.lab}")
            if container is not None:
                container.remove(force=True, v=True)
            if volume:
                remove_with_retry(
                    lambda: self._remove_volume(host, record, volume),
                    f"removing volume {volume}",
                    MachineError,
                )
        except docker.errors.DockerException as exc:
            raise MachineError(f"Removing lab node {record.name} failed: {exc}") from exc
        finally:
            host.close()

    def _remove_volume(self, host: Any, record: MachineRecord, name: str) -> None:
        volume = host.volumes.get(name)
        if self._owns(volume.attrs.get("Labels") or {}, record):
            volume.remove()


class LabNodes:
    """The nodes of lab LAB as machines (swarmtui.machines.model.LabMachines)."""

    def __init__(self, lab: str, *, client_factory: Callable[[], Any] = engine_client) -> None:
        self.lab = lab
        self.driver = LabNodeDriver(lab, client_factory=client_factory)
        self._client_factory = client_factory

    def machines(self) -> list[MachineRecord]:
        try:
            host = self._client_factory()
        except (docker.errors.DockerException, OSError) as exc:
            raise MachineError(
                f"Cannot reach the local engine to list lab {self.lab}: {exc}"
            ) from exc
        try:
            containers = _lab_containers(host, self.lab)
        except (docker.errors.DockerException, OSError) as exc:
            raise MachineError(f"Cannot list the nodes of lab {self.lab}: {exc}") from exc
        finally:
            host.close()
        records = [self._record(c.name, c.attrs) for c in containers]
        return sorted((r for r in records if r is not None), key=lambda r: r.name)

    def _record(self, container: str, attrs: dict[str, Any]) -> MachineRecord | None:
        labels = (attrs.get("Config") or {}).get("Labels") or {}
        name = labels.get(NODE_LABEL, "")
        if not name:
            return None
        network = _network_name(self.lab)
        endpoint = ((attrs.get("NetworkSettings") or {}).get("Networks") or {}).get(network) or {}
        # A stopped node has no address, but the fixed one it gets back when started.
        fixed = (endpoint.get("IPAMConfig") or {}).get("IPv4Address", "")
        role = labels.get(ROLE_LABEL)
        created = str(attrs.get("Created", ""))
        return MachineRecord(
            name=name,
            driver="dind",
            address=str(endpoint.get("IPAddress") or fixed or ""),
            role="manager" if role == "manager" else "worker" if role == "worker" else None,
            engine_url=published_api_url(attrs),
            container_id=str(attrs.get("Id", "")),
            created_at=f"{created[:19]}+00:00" if len(created) >= 19 else "",
            extra={
                LAB_KEY: self.lab,
                "container": container,
                "volume": f"{container}-docker",
                "network": network,
                "image": str((attrs.get("Config") or {}).get("Image", "")),
            },
        )
