"""Opening a node's engine by the first of its routes that answers."""

from __future__ import annotations

from swarmtui.core.models import Node
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.routes import NodeAccess
from swarmtui.ports import NodeConnection
from swarmtui.session.failures import failure_text
from swarmtui.session.shells import NodeConnector


def open_first_route(
    node: Node, access: NodeAccess, connect: NodeConnector
) -> tuple[NodeConnection | None, str]:
    """The connection of the first route that opens, else why none did (one reason per
    route). A host key not confirmed yet is not trusted here: that is the shell's question."""
    failures: list[str] = []
    for route in access.routes(node):
        try:
            return connect(route, ()), ""
        except HostKeyUnknown:
            failures.append(f"{route.label}: host key not confirmed yet")
        except Exception as exc:
            failures.append(f"{route.label}: {failure_text(exc)}")
    return None, "; ".join(failures) or f"no route to {node.hostname}"
