"""A local lab swarm: Docker-in-Docker nodes as containers of the local engine.

Every container, volume and network of a lab carries the label swarmtui.lab=<name>
and a name starting with <name>-; clean-up only ever selects by both.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import docker

from swarmtui.adapters.docker.dind_container import (
    CAPABILITY_FIRST,
    NODE_API_PORT,
    DindError,
    remove_with_retry,
    start_dind_container,
)
from swarmtui.adapters.docker.engine_setup import engine_client, engine_reachable, ensure_engine
from swarmtui.adapters.docker.images import (
    NODE_IMAGE,
    WORKLOAD_IMAGE,
    ensure_node_image,
    ensure_workload_image,
    image_exists,
    load_image_into,
)
from swarmtui.adapters.docker.neighbour_table import make_room

LAB_LABEL = "swarmtui.lab"
NODE_LABEL = "swarmtui.lab.node"
ROLE_LABEL = "swarmtui.lab.role"
API_TIMEOUT = 60.0
READY_TIMEOUT = 60.0
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,40}$")

Log = Callable[[str], None]


class LabError(RuntimeError):
    """The lab could not be brought into the requested state."""


@dataclass(frozen=True)
class LabNode:
    name: str  # manager1, worker1, ...: also the node's hostname
    container_id: str
    role: str  # "manager" | "worker"
    api_url: str  # tcp://127.0.0.1:PORT, "" while the container is not running
    address: str  # the container's IP on the lab network, "" while not running


@dataclass(frozen=True)
class Lab:
    name: str
    network: str
    nodes: tuple[LabNode, ...]

    @property
    def managers(self) -> tuple[LabNode, ...]:
        return tuple(n for n in self.nodes if n.role == "manager")

    @property
    def workers(self) -> tuple[LabNode, ...]:
        return tuple(n for n in self.nodes if n.role == "worker")

    @property
    def manager_url(self) -> str:
        if not self.managers:
            raise LabError(f"lab {self.name} has no manager")
        return self.managers[0].api_url


def _ignore(_: str) -> None:
    pass


def lab_up(
    name: str = "swarmtui-lab",
    managers: int = 1,
    workers: int = 2,
    *,
    log: Log = _ignore,
    sshd: bool = False,
    load_images: Sequence[str] = (WORKLOAD_IMAGE,),
) -> Lab:
    """Bring up (or reuse) a lab swarm and return it once every node is Ready.

    A lab that did not exist before is removed again if anything fails.
    """
    _check_name(name)
    if managers < 1 or workers < 0:
        raise ValueError("a lab needs at least one manager and no negative worker count")
    ensure_engine(log)
    with _host_client() as host:
        ensure_node_image(host, log)
        if WORKLOAD_IMAGE in load_images:
            ensure_workload_image(host, log)
        fresh = not _lab_containers(host, name)
        try:
            return _converge(host, name, managers, workers, sshd, load_images, log)
        except BaseException:
            if fresh:
                log(f"lab {name} failed to come up: removing it")
                lab_down(name)
            raise


def lab_status(name: str) -> Lab | None:
    """The lab's nodes as they are now, or None when no container of it exists."""
    with _host_client() as host:
        containers = _lab_containers(host, name)
        if not containers:
            return None
        network = _network_name(name)
        nodes = [_lab_node(c.attrs, network) for c in containers]
    return Lab(name, network, tuple(sorted(nodes, key=_node_order)))


def lab_down(name: str) -> None:
    """Remove the lab's containers, volumes and network. Removing nothing is fine.

    Refused, before anything is removed, while containers that are not the lab's (dind
    machines placed next to its manager) are on its network.
    """
    _check_name(name)
    with _host_client() as host:
        _refuse_foreign_containers(host, name)
        for container in _lab_containers(host, name):
            container.remove(force=True, v=True)
        for volume in host.volumes.list(filters={"label": f"{LAB_LABEL}={name}"}):
            if volume.name.startswith(f"{name}-"):
                _retry(volume.remove, f"removing volume {volume.name}")
        for network in host.networks.list(filters={"label": f"{LAB_LABEL}={name}"}):
            if network.name == _network_name(name):
                _retry(network.remove, f"removing network {network.name}")


def _refuse_foreign_containers(host: Any, lab: str) -> None:
    ours = {c.id for c in _lab_containers(host, lab)}
    for network in host.networks.list(filters={"label": f"{LAB_LABEL}={lab}"}):
        if network.name != _network_name(lab):
            continue
        network.reload()
        attached = network.attrs.get("Containers") or {}
        others = sorted(str(c.get("Name", cid)) for cid, c in attached.items() if cid not in ours)
        if others:
            raise LabError(
                f"lab {lab}: its network {network.name} is still used by {', '.join(others)}; "
                "remove those first (a machine: swarmtui machine rm --force NAME)"
            )


def lab_load(name: str, image: str) -> None:
    """Copy an image of the local engine into every running node of the lab."""
    lab = lab_status(name)
    if lab is None:
        raise LabError(f"no lab named {name}")
    _load_images([n for n in lab.nodes if n.api_url], [image], force=True)


def lab_node_host_keys(address: str, timeout: float = 60.0) -> str:
    """A node's SSH host keys as known_hosts lines, by ssh-keyscan (for sshd=True labs; sshd
    may still be starting)."""
    deadline = time.monotonic() + timeout
    while True:
        done = subprocess.run(
            ["ssh-keyscan", "-T", "5", address],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        lines = [line for line in done.stdout.splitlines() if line and not line.startswith("#")]
        if lines:
            return "\n".join(lines) + "\n"
        if time.monotonic() > deadline:
            raise LabError(f"ssh-keyscan {address} found no host key: {done.stderr.strip()}")
        time.sleep(0.5)


def lab_add_ssh_key(name: str, public_key: str) -> None:
    """Append a public key to root's authorized_keys on every running node (for sshd=True labs)."""
    key = public_key.strip()
    script = (
        'mkdir -p /root/.ssh && touch "$f" && chmod 600 "$f" '
        '&& { grep -qxF "$1" "$f" || echo "$1" >> "$f"; }'
    )
    with _host_client() as host:
        for container in _lab_containers(host, name):
            if container.status != "running":
                continue
            code, out = container.exec_run(
                ["sh", "-c", f"f=/root/.ssh/authorized_keys; {script}", "sh", key]
            )
            if code != 0:
                raise LabError(f"adding the key on {container.name} failed: {out!r}")


# --- bringing a lab up ---------------------------------------------------------------------


def _converge(
    host: Any,
    name: str,
    managers: int,
    workers: int,
    sshd: bool,
    load_images: Sequence[str],
    log: Log,
) -> Lab:
    started = time.monotonic()
    make_room(managers + workers, log)
    network = _ensure_network(host, name)
    wanted = [("manager", i) for i in range(1, managers + 1)]
    wanted += [("worker", i) for i in range(1, workers + 1)]
    extra = {c.name for c in _lab_containers(host, name)} - {f"{name}-{r}{i}" for r, i in wanted}
    if extra:
        log(f"lab {name}: leaving extra nodes alone: {', '.join(sorted(extra))}")
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        nodes = list(pool.map(lambda spec: _start_node(host, name, spec, sshd, log), wanted))
    log(f"lab {name}: {len(nodes)} node engines answer ({time.monotonic() - started:.1f} s)")
    _form_swarm(nodes, log)
    _load_images(nodes, load_images, force=False)
    wait_ready(nodes)
    log(f"lab {name}: swarm of {len(nodes)} nodes ready ({time.monotonic() - started:.1f} s)")
    return Lab(name, network, tuple(nodes))


def _start_node(host: Any, lab: str, spec: tuple[str, int], sshd: bool, log: Log) -> LabNode:
    role, index = spec
    node = f"{role}{index}"
    cname = f"{lab}-{node}"
    try:
        container = host.containers.get(cname)
    except docker.errors.NotFound:
        container = None
    if container is not None:
        if container.labels.get(LAB_LABEL) != lab:
            raise LabError(f"a container named {cname} exists but does not belong to lab {lab}")
        if container.status != "running":
            log(f"starting {cname}")
            container.start()
    else:
        log(f"creating {cname}")
        container = host.containers.get(_create_node(host, lab, node, role, sshd, log))
    container.reload()
    lab_node = _lab_node(container.attrs, _network_name(lab))
    _wait_api(host, container.id, lab_node)
    return lab_node


def _create_node(host: Any, lab: str, node: str, role: str, sshd: bool, log: Log) -> str:
    labels = {LAB_LABEL: lab, NODE_LABEL: node, ROLE_LABEL: role}
    volume = f"{lab}-{node}-docker"
    _ensure_volume(host, volume, labels)
    # --privileged is refused on these machines (the bounding set lacks CAP_SYS_RESOURCE);
    # the capability profile is what works instead (docs/test-infrastructure.md), so it is
    # tried first; privileged is the fallback for hosts where the profile does not start.
    try:
        container_id, _ = start_dind_container(
            host,
            CAPABILITY_FIRST,
            image=NODE_IMAGE,
            name=f"{lab}-{node}",
            hostname=node,
            labels=labels,
            volume=volume,
            network=_network_name(lab),
            address=_node_address(host, lab, role, int(node.removeprefix(role))),
            environment={"SWARMTUI_SSHD": "1" if sshd else "0"},
            log=log,
        )
        return container_id
    except DindError as exc:
        raise LabError(f"cannot start node {lab}-{node}: {exc}") from exc


def _wait_api(host: Any, container_id: str, node: LabNode) -> None:
    deadline = time.monotonic() + API_TIMEOUT
    while time.monotonic() < deadline:
        if node.api_url and engine_reachable(node.api_url, timeout=2):
            return
        container = host.containers.get(container_id)
        if container.status not in ("running", "created"):
            tail = container.logs(tail=20).decode(errors="replace")
            raise LabError(f"node {node.name} stopped ({container.status}):\n{tail}")
        time.sleep(0.5)
    raise LabError(f"the engine of node {node.name} did not answer within {API_TIMEOUT:.0f} s")


def _form_swarm(nodes: list[LabNode], log: Log) -> None:
    leader = nodes[0]
    with _node_client(leader) as manager:
        if _swarm_state(manager) == "inactive":
            log(f"swarm init on {leader.name}")
            manager.swarm.init(advertise_addr=leader.address, listen_addr="0.0.0.0:2377")
        tokens = _join_tokens(manager)

    def join(node: LabNode) -> None:
        with _node_client(node) as client:
            if _swarm_state(client) != "inactive":
                return
            log(f"{node.name} joins as {node.role}")
            try:
                client.swarm.join(
                    remote_addrs=[f"{leader.address}:2377"],
                    join_token=tokens["Manager" if node.role == "manager" else "Worker"],
                    advertise_addr=node.address,
                    listen_addr="0.0.0.0:2377",
                )
            except docker.errors.APIError as exc:
                if not _join_goes_on(exc):
                    raise
                _wait_joined(client, node)

    # Managers one at a time (each join is a raft membership change); workers all at once.
    for node in nodes[1:]:
        if node.role == "manager":
            join(node)
    workers = [n for n in nodes if n.role == "worker"]
    if workers:
        with ThreadPoolExecutor(max_workers=len(workers)) as pool:
            list(pool.map(join, workers))


def _join_goes_on(error: docker.errors.APIError) -> bool:
    """Whether a join answered 503 only because it took longer than the engine waits (a busy
    machine): the engine goes on joining in the background."""
    return error.status_code == 503 and "continue in the background" in str(error.explanation)


def _wait_joined(client: Any, node: LabNode) -> None:
    deadline = time.monotonic() + API_TIMEOUT
    while (state := _swarm_state(client)) != "active":
        if state in ("inactive", "error") or time.monotonic() > deadline:
            raise LabError(f"node {node.name} did not join the swarm (its state: {state})")
        time.sleep(0.5)


def _join_tokens(manager: Any) -> dict[str, str]:
    """The swarm's join tokens, once the new manager serves them: right after `swarm init`
    on a busy machine it answers 503 "Manager is being prepared" for a while."""
    deadline = time.monotonic() + API_TIMEOUT
    while True:
        try:
            manager.swarm.reload()
            tokens: dict[str, str] = manager.swarm.attrs["JoinTokens"]
            return tokens
        except docker.errors.APIError as exc:
            if exc.status_code != 503 or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def _swarm_state(client: Any) -> str:
    return str(client.info()["Swarm"]["LocalNodeState"])


def _load_images(nodes: Sequence[LabNode], images: Sequence[str], *, force: bool) -> None:
    if not images or not nodes:
        return

    def load(node: LabNode) -> None:
        with _host_client() as host, _node_client(node) as client:
            for image in images:
                if force or not image_exists(client, image):
                    load_image_into(client, image, host)

    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        list(pool.map(load, nodes))


def wait_ready(nodes: Sequence[LabNode], timeout: float = READY_TIMEOUT) -> None:
    """Until the first of NODES (a manager) lists every one of them Ready."""
    wanted = {n.name for n in nodes}
    deadline = time.monotonic() + timeout
    ready: set[str] = set()
    with _node_client(nodes[0]) as manager:
        while time.monotonic() < deadline:
            ready = {
                n.attrs["Description"]["Hostname"]
                for n in manager.nodes.list()
                if n.attrs["Status"]["State"] == "ready"
            }
            if wanted <= ready:
                return
            time.sleep(0.5)
    missing = ", ".join(sorted(wanted - ready))
    raise LabError(f"swarm nodes not Ready after {timeout:.0f} s: {missing}")


# --- helpers -------------------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise ValueError(f"invalid lab name {name!r}: use lowercase letters, digits, . _ -")


def _network_name(lab: str) -> str:
    return f"{lab}-net"


def _host_client() -> closing[Any]:
    return closing(engine_client())


def _node_client(node: LabNode) -> closing[Any]:
    return closing(engine_client(node.api_url, timeout=30))


def _lab_containers(host: Any, lab: str) -> list[Any]:
    found = host.containers.list(all=True, filters={"label": f"{LAB_LABEL}={lab}"})
    return [c for c in found if c.name.startswith(f"{lab}-")]


def _lab_node(attrs: dict[str, Any], network: str) -> LabNode:
    labels = attrs["Config"]["Labels"]
    settings = attrs["NetworkSettings"]
    bindings = (settings.get("Ports") or {}).get(f"{NODE_API_PORT}/tcp") or []
    port = next((b["HostPort"] for b in bindings if b["HostIp"] == "127.0.0.1"), "")
    address = (settings.get("Networks") or {}).get(network, {}).get("IPAddress", "")
    running = attrs["State"]["Running"]
    return LabNode(
        name=labels[NODE_LABEL],
        container_id=attrs["Id"],
        role=labels[ROLE_LABEL],
        api_url=f"tcp://127.0.0.1:{port}" if running and port else "",
        address=address if running else "",
    )


def _node_order(node: LabNode) -> tuple[bool, int, str]:
    digits = re.sub(r"\D", "", node.name)
    return (node.role != "manager", int(digits or 0), node.name)


def _ensure_network(host: Any, lab: str) -> str:
    name = _network_name(lab)
    for network in host.networks.list(names=[name]):
        if network.name != name:
            continue
        if (network.attrs.get("Labels") or {}).get(LAB_LABEL) != lab:
            raise LabError(f"a network named {name} exists but does not belong to lab {lab}")
        return name
    # Nodes get fixed addresses (a node stopped and started again must come back where the
    # swarm knows it), which needs a subnet of our own. It must overlap no network of the host
    # engine, no local route, and nothing the engines inside the nodes create for themselves:
    # they take 172.17/16 and 172.18/16 for docker0 and docker_gwbridge, and a node joined to
    # a second network with one of those fails. So pick from the top of 172.16/12 down.
    taken = _subnets_in_use(host)
    for candidate in _LAB_SUBNET_CANDIDATES:
        if any(candidate.overlaps(other) for other in taken):
            continue
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=str(candidate))])
        try:
            host.networks.create(name, driver="bridge", labels={LAB_LABEL: lab}, ipam=ipam)
        except docker.errors.APIError as error:
            if "overlap" in str(error).lower():
                continue  # another network took it meanwhile
            raise
        return name
    raise LabError("no free private subnet for the lab network (172.20.0.0/16 to 172.31.0.0/16)")
    return name


_LAB_SUBNET_CANDIDATES = tuple(
    ipaddress.ip_network(f"172.{second}.0.0/16") for second in range(31, 19, -1)
)


def _subnets_in_use(host: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    subnets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for network in host.networks.list():
        for config in (network.attrs.get("IPAM") or {}).get("Config") or []:
            try:
                subnets.append(ipaddress.ip_network(config.get("Subnet", ""), strict=False))
            except ValueError:
                continue
    return subnets + _local_routes()


def _local_routes() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """This host's IPv4 route destinations, default excluded (the lab engine is local)."""
    try:
        with open("/proc/net/route", encoding="ascii") as table:
            rows = table.read().splitlines()[1:]
    except OSError:
        return []
    routes: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for row in rows:
        fields = row.split()
        if len(fields) < 8 or fields[1] == "00000000":
            continue
        destination = ipaddress.IPv4Address(int(fields[1], 16).to_bytes(4, "little"))
        mask = ipaddress.IPv4Address(int(fields[7], 16).to_bytes(4, "little"))
        try:
            routes.append(ipaddress.ip_network(f"{destination}/{mask}", strict=False))
        except ValueError:
            continue
    return routes


def _node_address(host: Any, lab: str, role: str, index: int) -> str | None:
    """The fixed address of a node: managers from .10, workers from .100 of the lab subnet."""
    network = host.networks.get(_network_name(lab))
    configs = network.attrs.get("IPAM", {}).get("Config") or []
    if not configs or not configs[0].get("Subnet"):
        return None
    subnet = ipaddress.ip_network(configs[0]["Subnet"])
    offset = (10 if role == "manager" else 100) + index
    return str(subnet.network_address + offset) if offset < subnet.num_addresses - 1 else None


def _ensure_volume(host: Any, name: str, labels: dict[str, str]) -> None:
    try:
        volume = host.volumes.get(name)
    except docker.errors.NotFound:
        host.volumes.create(name=name, labels=labels)
        return
    if (volume.attrs.get("Labels") or {}).get(LAB_LABEL) != labels[LAB_LABEL]:
        raise LabError(f"a volume named {name} exists but does not belong to this lab")


def _retry(action: Callable[[], object], what: str) -> None:
    remove_with_retry(action, what, LabError)


def main(argv: Sequence[str] | None = None) -> None:
    """python -m swarmtui.adapters.docker.lab up|status|down|load ...: manage labs by hand."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m swarmtui.adapters.docker.lab")
    parser.add_argument("command", choices=["up", "status", "down", "load"])
    parser.add_argument("--name", default="swarmtui-lab")
    parser.add_argument("--managers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sshd", action="store_true")
    parser.add_argument("--image", help="for load: an image of the local engine")
    args = parser.parse_args(argv)
    lab: Lab | None = None
    if args.command == "up":
        lab = lab_up(args.name, args.managers, args.workers, log=print, sshd=args.sshd)
    elif args.command == "down":
        lab_down(args.name)
    elif args.command == "load":
        if not args.image:
            parser.error("load needs --image")
        lab_load(args.name, args.image)
    else:
        lab = lab_status(args.name)
        if lab is None:
            raise SystemExit(f"no lab named {args.name}")
    if lab is not None:
        print(f"lab {lab.name} on network {lab.network}; manager API: {lab.manager_url}")
        for node in lab.nodes:
            print(f"  {node.name:10} {node.role:8} {node.api_url or '(stopped)':26} {node.address}")


if __name__ == "__main__":
    main()
