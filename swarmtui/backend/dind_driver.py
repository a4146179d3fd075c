"""Machine driver "dind": a swarm node as a Docker-in-Docker container of the local engine.

Each machine is a container named swarmtui-machine-NAME with hostname NAME, a named volume for
/var/lib/docker (nested overlay2 needs a non-overlay backing filesystem) and a place on a
dedicated bridge network (`swarmtui-machines`, or the one the request names, e.g. a lab's
network so the lab's manager can reach it). Its engine API is published on 127.0.0.1 only.

The node image defaults to the official `docker:dind` when it is present or can be pulled.
Hosts without a registry fall back to swarmtui-node:bookworm, built offline from Debian
packages by swarmtui.backend.images.ensure_node_image (debootstrap of docker.io and
openssh-server, about a minute, once). `--privileged` is used where the host allows it, else
the capability profile of swarmtui.backend.dind_container.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import docker

from swarmtui.backend.dind_container import (
    DindError,
    published_api_url,
    remove_with_retry,
    start_dind_container,
    wait_dind_api,
)
from swarmtui.backend.engine_setup import engine_client
from swarmtui.backend.images import (
    NODE_IMAGE,
    WORKLOAD_IMAGE,
    ensure_node_image,
    ensure_workload_image,
    image_exists,
    load_image_into,
)
from swarmtui.journal import mask_secrets
from swarmtui.machines.model import (
    CreateRequest,
    DriverName,
    MachineError,
    MachineRecord,
    MachineStatus,
    StepLog,
)
from swarmtui.machines.store import validate_name

OFFICIAL_DIND_IMAGE = "docker:dind"
MACHINES_NETWORK = "swarmtui-machines"
MACHINE_LABEL = "swarmtui.machine"
NETWORK_LABEL = "swarmtui.machines"
CONTAINER_PREFIX = "swarmtui-machine-"
API_TIMEOUT = 90.0


def container_name(machine: str) -> str:
    return f"{CONTAINER_PREFIX}{machine}"


def volume_name(machine: str) -> str:
    return f"{CONTAINER_PREFIX}{machine}-docker"


class DindDriver:
    """Driver "dind". `client_factory` gives a docker-py client of the local engine."""

    name: DriverName = "dind"

    def __init__(
        self,
        *,
        node_image: str = "",
        network: str = MACHINES_NETWORK,
        load_images: Sequence[str] = (WORKLOAD_IMAGE,),
        client_factory: Callable[[], Any] = engine_client,
    ) -> None:
        self.node_image = node_image
        self.network = network
        self.load_images = tuple(load_images)
        self._client_factory = client_factory

    # --- create --------------------------------------------------------------------------

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        name = validate_name(request.name)
        network = request.network or self.network
        cname, volume = container_name(name), volume_name(name)
        host = self._client_factory()
        created_volume = False
        container_id = ""
        try:
            self._refuse_clash(host, cname, volume)
            image = self._resolve_image(host, request.node_image or self.node_image, log)
            self._ensure_network(host, network, log)
            labels = {MACHINE_LABEL: name, f"{MACHINE_LABEL}.driver": "dind"}
            log(f"creating volume {volume}")
            host.volumes.create(name=volume, labels=labels)
            created_volume = True
            log(f"creating container {cname} (hostname {name}) from {image} on {network}")
            container_id = start_dind_container(
                host,
                image=image,
                name=cname,
                hostname=name,
                labels=labels,
                volume=volume,
                network=network,
                # docker:dind listens on tcp 2375 without TLS when DOCKER_TLS_CERTDIR is
                # empty; swarmtui-node does so always and starts no sshd for machines.
                environment={"DOCKER_TLS_CERTDIR": "", "SWARMTUI_SSHD": "0"},
                privileged_first=True,
                log=log,
            )
            log(f"waiting for the engine of {name}")
            url = wait_dind_api(host, container_id, name, API_TIMEOUT)
            self._load_images(host, url, name, log)
            attrs = host.containers.get(container_id).attrs
            address = _address(attrs, network)
            log(f"{name} is up: engine {url}, address {address} on {network}")
            return MachineRecord(
                name=name,
                driver="dind",
                address=address,
                engine_url=url,
                container_id=container_id,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                extra={"container": cname, "volume": volume, "network": network, "image": image},
            )
        except BaseException as exc:
            if container_id or created_volume:
                log(f"creating {name} failed: removing what was made")
                self._remove_parts(host, cname, volume if created_volume else "", network)
            if isinstance(exc, DindError | docker.errors.DockerException):
                raise MachineError(f"Creating machine {name} failed: {exc}") from exc
            raise
        finally:
            host.close()

    def _refuse_clash(self, host: Any, cname: str, volume: str) -> None:
        for getter, what, obj in (
            (host.containers.get, "container", cname),
            (host.volumes.get, "volume", volume),
        ):
            try:
                getter(obj)
            except docker.errors.NotFound:
                continue
            raise MachineError(
                f"A {what} named {obj} already exists on the local engine.",
                "Choose another machine name, or remove the leftover with docker rm/volume rm.",
            )

    def _resolve_image(self, host: Any, wanted: str, log: StepLog) -> str:
        if wanted:
            if wanted == NODE_IMAGE:
                ensure_node_image(host, log)
            elif not image_exists(host, wanted):
                log(f"pulling {wanted}")
                try:
                    host.images.pull(wanted)
                except docker.errors.DockerException as exc:
                    raise MachineError(
                        f"The node image {wanted} is not here and cannot be pulled: {exc}",
                        f"Without a registry use {NODE_IMAGE} (built offline).",
                    ) from exc
            return wanted
        if image_exists(host, OFFICIAL_DIND_IMAGE):
            return OFFICIAL_DIND_IMAGE
        log(f"pulling {OFFICIAL_DIND_IMAGE}")
        try:
            host.images.pull(OFFICIAL_DIND_IMAGE)
            return OFFICIAL_DIND_IMAGE
        except docker.errors.DockerException as exc:
            log(f"cannot pull {OFFICIAL_DIND_IMAGE} ({_short(exc)}): using {NODE_IMAGE}")
        ensure_node_image(host, log)
        return NODE_IMAGE

    def _ensure_network(self, host: Any, network: str, log: StepLog) -> None:
        if any(n.name == network for n in host.networks.list(names=[network])):
            return
        if network != self.network and network != MACHINES_NETWORK:
            raise MachineError(f"There is no network named {network} on the local engine.")
        log(f"creating network {network}")
        host.networks.create(network, driver="bridge", labels={NETWORK_LABEL: "1"})

    def _load_images(self, host: Any, url: str, name: str, log: StepLog) -> None:
        if not self.load_images:
            return
        node = engine_client(url, timeout=60)
        try:
            for image in self.load_images:
                if image == WORKLOAD_IMAGE:
                    ensure_workload_image(host, log)
                if not image_exists(node, image):
                    log(f"loading {image} into {name}")
                    load_image_into(node, image, host)
        finally:
            node.close()

    # --- life cycle ----------------------------------------------------------------------

    def status(self, record: MachineRecord) -> MachineStatus:
        host = self._client_factory()
        try:
            container = self._container(host, record)
            if container is None:
                return MachineStatus(record.name, "missing", message="its container is gone")
            if container.status != "running":
                return MachineStatus(record.name, "stopped", message=container.status)
            url = published_api_url(container.attrs)
            address = _address(container.attrs, record.extra.get("network", ""))
        finally:
            host.close()
        if not url:
            return MachineStatus(record.name, "unreachable", message="no published API port")
        try:
            node = engine_client(url, timeout=5)
            try:
                info = node.info()
            finally:
                node.close()
        except (docker.errors.DockerException, OSError) as exc:
            return MachineStatus(record.name, "unreachable", message=_short(exc))
        swarm = info.get("Swarm") or {}
        return MachineStatus(
            record.name,
            "running",
            engine_version=str(info.get("ServerVersion", "")),
            swarm_state=str(swarm.get("LocalNodeState", "")),
            node_id=str(swarm.get("NodeID", "")),
            engine_url=url,
            address=address,
        )

    def start(self, record: MachineRecord, log: StepLog) -> None:
        """Start the container and wait for its engine; a restart publishes the engine API on
        a new host port: `refreshed` gives the record with it."""
        host = self._client_factory()
        try:
            container = self._require(host, record)
            log(f"starting {container.name}")
            container.start()
            url = wait_dind_api(host, container.id, record.name, API_TIMEOUT)
            log(f"{record.name} is up: engine {url}")
        except (DindError, docker.errors.DockerException) as exc:
            raise MachineError(f"Starting machine {record.name} failed: {exc}") from exc
        finally:
            host.close()

    def stop(self, record: MachineRecord, log: StepLog) -> None:
        host = self._client_factory()
        try:
            container = self._require(host, record)
            log(f"stopping {container.name}")
            container.stop(timeout=20)
        except docker.errors.DockerException as exc:
            raise MachineError(f"Stopping machine {record.name} failed: {exc}") from exc
        finally:
            host.close()

    def refreshed(self, record: MachineRecord) -> MachineRecord:
        """RECORD with the engine URL and address its running container has now (both may
        change when it is started again); unchanged while it is stopped or gone."""
        host = self._client_factory()
        try:
            container = self._container(host, record)
            attrs: dict[str, Any] = container.attrs if container is not None else {}
        except docker.errors.DockerException:
            return record  # best effort: the next status pass tries again
        finally:
            host.close()
        url = published_api_url(attrs)
        address = _address(attrs, record.extra.get("network", ""))
        return replace(
            record, engine_url=url or record.engine_url, address=address or record.address
        )

    def remove(self, record: MachineRecord, log: StepLog) -> None:
        host = self._client_factory()
        try:
            cname = record.extra.get("container") or container_name(record.name)
            volume = record.extra.get("volume") or volume_name(record.name)
            log(f"removing container {cname} and volume {volume}")
            self._remove_parts(host, cname, volume, record.extra.get("network", ""))
        finally:
            host.close()

    def run(self, record: MachineRecord, command: list[str], log: StepLog) -> str:
        host = self._client_factory()
        try:
            container = self._require(host, record)
            if container.status != "running":
                raise MachineError(f"Machine {record.name} is not running.", "Start it first.")
            shown = mask_secrets(" ".join(command))
            log(f"{record.name}$ {shown}")
            code, output = container.exec_run(command, demux=True)
        finally:
            host.close()
        out, err = (output or (None, None)) if isinstance(output, tuple) else (output, None)
        stdout = (out or b"").decode(errors="replace")
        stderr = (err or b"").decode(errors="replace")
        if code != 0:
            detail = mask_secrets((stderr or stdout).strip())
            raise MachineError(f"`{shown}` failed on {record.name} (exit {code}): {detail}")
        return stdout

    # --- helpers -------------------------------------------------------------------------

    def _container(self, host: Any, record: MachineRecord) -> Any:
        for ref in (record.container_id, record.extra.get("container", "")):
            if not ref:
                continue
            try:
                container = host.containers.get(ref)
            except docker.errors.NotFound:
                continue
            if container.labels.get(MACHINE_LABEL) == record.name:
                return container
        return None

    def _require(self, host: Any, record: MachineRecord) -> Any:
        container = self._container(host, record)
        if container is None:
            raise MachineError(f"The container of machine {record.name} is gone.")
        return container

    def _remove_parts(self, host: Any, cname: str, volume: str, network: str) -> None:
        try:
            container = host.containers.get(cname)
        except docker.errors.NotFound:
            container = None
        if container is not None and container.labels.get(MACHINE_LABEL):
            container.remove(force=True, v=True)
        if volume:
            _retry(lambda: _remove_volume(host, volume), f"removing volume {volume}")
        if network:
            self._remove_network_if_unused(host, network)

    def _remove_network_if_unused(self, host: Any, network: str) -> None:
        # Only our own network, and only once no container uses it.
        for net in host.networks.list(names=[network]):
            if net.name != network or (net.attrs.get("Labels") or {}).get(NETWORK_LABEL) != "1":
                continue
            net.reload()
            if not net.attrs.get("Containers"):
                with contextlib.suppress(docker.errors.APIError):  # a new machine took it
                    net.remove()


def _remove_volume(host: Any, name: str) -> None:
    volume = host.volumes.get(name)
    if (volume.attrs.get("Labels") or {}).get(MACHINE_LABEL):
        volume.remove()


def _retry(action: Callable[[], object], what: str) -> None:
    remove_with_retry(action, what, MachineError)


def _address(attrs: dict[str, Any], network: str) -> str:
    networks = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    return str((networks.get(network) or {}).get("IPAddress", ""))


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "explanation", "") or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
