"""The ways to reach a swarm node's engine, in the order they are tried.

A manager's Engine API cannot exec into a container of another node, so a shell in a task
needs that node's own engine. For a node, in order:

1. the engine the console is connected to, when it is that node's (Node.is_self);
2. a machine of swarmtui's store (or of a lab) that is that node: by the node id it
   joined as, else by name = hostname, else by address. dind: its published engine API;
   ssh: the stored host, user, port, key and ProxyJump (docker run there, with sudo -n
   when the stored user needs it);
3. the first `[nodes]` entry of the config matching the hostname: an SSH destination or a
   docker context;
4. the node's own address over SSH: user, port, keys and ProxyJump from ~/.ssh/config, else
   the current user (the SSH adapter applies them, as `ssh` itself would).

Pure: the caller hands the machine records (read from the store) and the config's table.
Whether a route answers is found out later, lazily, by whoever tries it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from swarmtui.core.models import Node
from swarmtui.core.node_access import (
    ContextDestination,
    NodeMapping,
    SshDestination,
    mapping_for,
)
from swarmtui.core.secrets import mask_secrets
from swarmtui.machines.model import MachineError, MachineRecord, lab_of
from swarmtui.machines.reach import host_only

RouteKind = Literal["connected", "dind", "ssh", "context", "address-ssh"]
_NO_ADDRESS = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class NodeRoute:
    """One way to reach a node's engine.

    kind connected and dind: the engine API at ENGINE_URL; ssh and address-ssh: `docker` run
    over SSH at SSH; context: the docker context CONTEXT.
    """

    kind: RouteKind
    label: str  # short, for the nodes pane: "dind", "ssh worker1", "mapped"
    source: str  # why this way: "machine worker1", "[nodes] 'worker-*'", "node address"
    engine_url: str = ""
    ssh: SshDestination | None = None
    context: str = ""
    sudo: bool = False  # the SSH user runs docker through `sudo -n`
    machine_container: str = ""  # dind: the node's own container on the local engine

    @property
    def target(self) -> str:
        """Where it leads, safe to show (no password)."""
        if self.ssh is not None:
            return str(self.ssh)
        if self.context:
            return f"context {self.context}"
        return mask_secrets(self.engine_url)

    @property
    def over_ssh(self) -> bool:
        return self.kind in ("ssh", "address-ssh")


# Where the machine records come from: MachineStore.list, or MachineManager.machines (the
# store's records and a lab's nodes).
MachineSource = Callable[[], list[MachineRecord]]


def node_routes(
    node: Node,
    machines: Iterable[MachineRecord] = (),
    mappings: tuple[NodeMapping, ...] = (),
    connected_endpoint: str = "",
) -> tuple[NodeRoute, ...]:
    """Every way to reach NODE's engine, best first; () when there is none."""
    routes: list[NodeRoute] = []
    if node.is_self and connected_endpoint:
        routes.append(
            NodeRoute("connected", "connected", "the manager in use", engine_url=connected_endpoint)
        )
    routes += [r for m in machines_of(node, machines) if (r := machine_route(m)) is not None]
    mapping = mapping_for(mappings, node.hostname)
    if mapping is not None:
        routes.append(mapped_route(mapping))
    address = host_only(node.address)
    if address not in _NO_ADDRESS:
        routes.append(
            NodeRoute("address-ssh", f"ssh {address}", "node address", ssh=SshDestination(address))
        )
    return tuple(_unique(routes))


def machines_of(node: Node, machines: Iterable[MachineRecord]) -> list[MachineRecord]:
    """The machine records that are NODE: by node id, then by name, then by address.

    A record holding another node id (a machine now in another swarm, or another node of
    this one) is not NODE, whatever its name or address.
    """
    records = [r for r in machines if r.extra.get("node_id", node.id) == node.id]
    hostname = node.hostname.lower()
    address = host_only(node.address)
    by_id = [r for r in records if node.id and "node_id" in r.extra]
    by_name = [r for r in records if hostname and r.name.lower() == hostname]
    by_address = [
        r for r in records if address not in _NO_ADDRESS and host_only(r.address) == address
    ]
    unique: dict[tuple[str, str], MachineRecord] = {}
    for record in [*by_id, *by_name, *by_address]:
        unique.setdefault((record.name, lab_of(record)), record)
    return list(unique.values())


def machine_route(record: MachineRecord) -> NodeRoute | None:
    """How RECORD's engine is reached; None for a dind machine that publishes no engine
    (stopped, or not refreshed since it started again)."""
    source = f"machine {record.name}"
    if record.driver == "dind":
        if not record.engine_url:
            return None
        return NodeRoute(
            "dind",
            "dind",
            source,
            engine_url=record.engine_url,
            machine_container=record.extra.get("container") or record.container_id,
        )
    destination = SshDestination(
        host=_ssh_host(record),
        user=record.ssh_user,
        port=record.ssh_port,
        key_path=record.ssh_key_path,
        proxy_jump=record.ssh_proxy_jump,
    )
    return NodeRoute(
        "ssh", f"ssh {record.name}", source, ssh=destination, sudo=bool(record.extra.get("sudo"))
    )


def _ssh_host(record: MachineRecord) -> str:
    """The host the machine was created with (it may be a ~/.ssh/config alias); the address
    may have become its swarm advertise address since."""
    typed = record.extra.get("ssh_host", "")
    if typed:
        return typed
    if record.engine_url.startswith("ssh://"):
        host = urlsplit(record.engine_url).hostname
        if host:
            return host
    return host_only(record.address)


def mapped_route(mapping: NodeMapping) -> NodeRoute:
    source = f"[nodes] {mapping.pattern!r}"
    destination = mapping.destination
    if isinstance(destination, ContextDestination):
        return NodeRoute("context", "context", source, context=destination.name)
    return NodeRoute("ssh", "mapped", source, ssh=destination)


def _unique(routes: list[NodeRoute]) -> list[NodeRoute]:
    """The first route of each destination: a [nodes] entry naming a machine's own login, or
    a dind machine that is the manager in use, adds nothing after it."""
    seen: set[tuple[bool, SshDestination | None, str, str]] = set()
    kept: list[NodeRoute] = []
    for route in routes:
        key = (route.over_ssh, route.ssh, route.context, route.engine_url)
        if key not in seen:
            seen.add(key)
            kept.append(route)
    return kept


class NodeAccess:
    """The routes of any node, the machine records read afresh at each call (a dind machine
    started again publishes its engine on another port).

    A store that cannot be read leaves the machines out; STORE_PROBLEM then says why.
    """

    def __init__(
        self,
        machines: MachineSource | None,
        mappings: tuple[NodeMapping, ...] = (),
        connected_endpoint: Callable[[], str] = lambda: "",
    ) -> None:
        self._machines = machines
        self._mappings = mappings
        self._connected_endpoint = connected_endpoint
        self.store_problem = ""

    def routes(self, node: Node) -> tuple[NodeRoute, ...]:
        return node_routes(node, self._records(), self._mappings, self._connected_endpoint())

    def routes_of(self, nodes: Iterable[Node]) -> dict[str, tuple[NodeRoute, ...]]:
        """The routes of every node by node id, the records read once (the nodes pane)."""
        records = self._records()
        endpoint = self._connected_endpoint()
        return {n.id: node_routes(n, records, self._mappings, endpoint) for n in nodes}

    def _records(self) -> list[MachineRecord]:
        if self._machines is None:
            return []
        try:
            records = self._machines()
        except MachineError as exc:
            self.store_problem = exc.message
            return []
        self.store_problem = ""
        return records
