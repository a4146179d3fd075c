"""How the console opens a node's engine for a shell: SSH routes through the SSH adapter,
the others (the manager in use, a dind machine, a docker context) through the engine's."""

from __future__ import annotations

from collections.abc import Callable

from swarmtui.core.errors import BackendError
from swarmtui.machines.model import MachineRecord
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.ports import NodeConnection
from swarmtui.session.session import Session


def open_node(route: NodeRoute, accept_fingerprints: tuple[str, ...]) -> NodeConnection:
    if route.over_ssh:
        from swarmtui.adapters.ssh.node_login import SshNodeConnection

        return SshNodeConnection(route, accept_fingerprints)
    from swarmtui.adapters.docker.node_engine import EngineNodeConnection

    return EngineNodeConnection(route)


def console_node_access(
    session: Session, machines: Callable[[], list[MachineRecord]] | None
) -> NodeAccess:
    """The routes to the nodes of SESSION's swarm: MACHINES' records, the config's [nodes],
    and the manager in use for its own node."""
    from swarmtui.adapters.docker.docker_backend import DockerBackend

    def connected_url() -> str:
        try:
            backend = session.backend()
        except BackendError:
            return ""
        return backend.endpoint_url if isinstance(backend, DockerBackend) else ""

    return NodeAccess(machines, session.config.nodes, connected_url)
