"""How the console opens a node's engine for a shell: SSH routes through the SSH adapter,
the others (the manager in use, a dind machine, a docker context) through the engine's."""

from __future__ import annotations

from collections.abc import Callable

from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError
from swarmtui.machines.model import MachineRecord
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.ports import NodeConnection
from swarmtui.session.session import Session
from swarmtui.session.shells import NodeConnector


def open_node(
    route: NodeRoute, accept_fingerprints: tuple[str, ...], connected: Endpoint | None = None
) -> NodeConnection:
    """Open ROUTE; CONNECTED: the manager in use as the console reached it (TLS included)."""
    if route.over_ssh:
        from swarmtui.adapters.ssh.node_login import SshNodeConnection

        return SshNodeConnection(route, accept_fingerprints)
    from swarmtui.adapters.docker.node_engine import EngineNodeConnection

    same = connected is not None and route.kind == "connected"
    return EngineNodeConnection(route, endpoint=connected if same else None)


def console_node_access(
    session: Session, machines: Callable[[], list[MachineRecord]] | None
) -> tuple[NodeAccess, NodeConnector]:
    """The routes to the nodes of SESSION's swarm (MACHINES' records, the config's [nodes],
    the manager in use for its own node) and how to open one."""

    def connected() -> Endpoint | None:
        try:
            backend = session.backend()
        except BackendError:
            return None
        # here, not at the start: docker-py loads once the first snapshot is painted
        from swarmtui.adapters.docker.docker_backend import DockerBackend

        return backend.endpoint if isinstance(backend, DockerBackend) else None

    def connected_url() -> str:
        endpoint = connected()
        return endpoint.url if endpoint is not None else ""

    def connect(route: NodeRoute, accept: tuple[str, ...]) -> NodeConnection:
        return open_node(route, accept, connected())

    return NodeAccess(machines, session.config.nodes, connected_url), connect
