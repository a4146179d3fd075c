"""Machine driver "dind": a swarm node as a Docker-in-Docker container of the local engine.

Each machine is a container named swarmtui-machine-NAME with hostname NAME, a named volume for
/var/lib/docker (nested overlay2 needs a non-overlay backing filesystem) and a place on a
bridge network: the one the request names; else, for a machine that joins a swarm whose
manager is a container of this engine (the lab), that container's network, where the manager
is reachable (docker isolates bridge networks from each other); else `swarmtui-machines`.
Its engine API is published on 127.0.0.1 only.

The node image defaults to swarmtui-node:bookworm, the lab's image, built offline from Debian
packages by images.ensure_node_image (debootstrap, about a minute, once): no registry is
asked for anything unless the user names an image this engine does not have.
`--privileged` is tried where the host allows it, else the capability profile of
dind_container; which one this engine runs is found once and remembered (per engine id,
in memory and in swarmtui's data folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import docker

from swarmtui.adapters.docker.dind_container import (
    CAPABILITY_PROFILE,
    PRIVILEGED,
    DindError,
    published_api_url,
    remove_with_retry,
    start_dind_container,
    wait_dind_api,
)
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import (
    NODE_IMAGE,
    WORKLOAD_IMAGE,
    ensure_node_image,
    ensure_workload_image,
    image_exists,
    load_image_into,
)
from swarmtui.core.secrets import mask_secrets
from swarmtui.machines.model import (
    CreateRequest,
    DriverName,
    MachineError,
    MachineRecord,
    MachineStatus,
    StepLog,
    running_status,
)
from swarmtui.machines.store import data_dir, validate_name

PROFILES = (PRIVILEGED, CAPABILITY_PROFILE)  # the order tried on an engine not seen yet
PROFILES_FILE = "dind-profiles.json"  # in swarmtui's data folder: {engine id: profile}
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
        self._profiles: dict[str, str] = {}  # engine id -> the profile it runs

    # --- create --------------------------------------------------------------------------

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        name = validate_name(request.name)
        cname, volume = container_name(name), volume_name(name)
        host = self._client_factory()
        created_volume = False
        container_id = ""
        network = request.network or self.network
        try:
            self._refuse_clash(host, cname, volume)
            if not request.network:
                network = self._network_near(host, request.join_addresses, name, log)
            image = self._resolve_image(host, request.node_image or self.node_image, log)
            self._ensure_network(host, network, log)
            labels = {MACHINE_LABEL: name, f"{MACHINE_LABEL}.driver": "dind"}
            log(f"creating volume {volume}")
            host.volumes.create(name=volume, labels=labels)
            created_volume = True
            log(f"creating container {cname} (hostname {name}) from {image} on {network}")
            container_id = self._start(
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
        """The node image: swarmtui-node (built here when missing, as for the lab) unless the
        user named another; only a named image this engine lacks is pulled."""
        if not wanted or wanted == NODE_IMAGE:
            ensure_node_image(host, log)
            return NODE_IMAGE
        if image_exists(host, wanted):
            return wanted
        log(f"{wanted} is not on this engine: pulling it")
        try:
            host.images.pull(wanted)
        except docker.errors.DockerException as exc:
            raise MachineError(
                f"The node image {wanted} is not here and cannot be pulled: {_short(exc)}",
                f"Leave the image empty to use {NODE_IMAGE} (built offline).",
            ) from exc
        return wanted

    # --- placement -----------------------------------------------------------------------

    def _network_near(self, host: Any, managers: Sequence[str], name: str, log: StepLog) -> str:
        """The network of the container of this engine that holds one of the MANAGERS'
        addresses (first match in their order); the driver's network when none does."""
        wanted = [address for address in managers if address]
        if not wanted:
            return self.network
        found: list[tuple[int, str, str]] = []
        for summary in host.api.containers():  # running ones; the list carries addresses
            networks = (summary.get("NetworkSettings") or {}).get("Networks") or {}
            for network, settings in networks.items():
                address = (settings or {}).get("IPAddress") or ""
                if address in wanted:
                    cname = ((summary.get("Names") or [""])[0]).lstrip("/")
                    found.append((wanted.index(address), network, cname))
        if not found:
            log(
                f"the manager ({', '.join(wanted)}) is no container of this engine: "
                f"{name} goes on network {self.network}"
            )
            return self.network
        index, network, cname = min(found)
        log(
            f"placing {name} on network {network}, where the manager {wanted[index]} is "
            f"(container {cname})"
        )
        return network

    # --- container profile ---------------------------------------------------------------

    def _start(self, host: Any, *, log: StepLog, **options: Any) -> str:
        """Start the container with the profile this engine is known to run (found once per
        engine: the first machine tries --privileged, then the capability profile)."""
        engine_id = _engine_id(host)
        known = self._profiles.get(engine_id) or _stored_profiles().get(engine_id, "")
        if known in PROFILES:
            order = [known, *(p for p in PROFILES if p != known)]
        else:
            order = list(PROFILES)
        container_id, used = start_dind_container(host, order, log=log, **options)
        if engine_id:
            self._profiles[engine_id] = used
            if used != known:
                _store_profile(engine_id, used)
        return container_id

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
        return running_status(record.name, info, engine_url=url, address=address)

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
            if self._owns(container.labels, record):
                return container
        return None

    def _owns(self, labels: dict[str, str], record: MachineRecord) -> bool:
        """Whether a container or volume with LABELS belongs to RECORD's machine."""
        return labels.get(MACHINE_LABEL) == record.name

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


def _engine_id(host: Any) -> str:
    try:
        return str(host.info().get("ID") or "")
    except docker.errors.DockerException:
        return ""


def _profiles_path() -> str:
    return str(data_dir() / PROFILES_FILE)


def _stored_profiles() -> dict[str, str]:
    try:
        with open(_profiles_path(), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if v in PROFILES}


def _store_profile(engine_id: str, profile: str) -> None:
    """Remember ENGINE_ID's profile for later processes (best effort: memory suffices)."""
    profiles = {**_stored_profiles(), engine_id: profile}
    folder = os.path.dirname(_profiles_path())
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".dind-profiles-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(profiles, f, indent=1, sort_keys=True)
        os.replace(tmp, _profiles_path())
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "explanation", "") or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
