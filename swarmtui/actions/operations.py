"""Every write the console can make, as an Operation: what it does, the equivalent docker
command (shown in its modal and kept in the journal) and how to run it on a Mutator."""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from swarmtui.core.errors import BackendError
from swarmtui.core.models import Node, Service
from swarmtui.ports import Mutator

if TYPE_CHECKING:  # imported where used: the first screen creates no service
    from swarmtui.actions.service_form import ServiceDefinition


class OperationRefused(ValueError):
    """The operation is not allowed for this object (the message says why)."""


@dataclass(frozen=True)
class Operation:
    title: str
    command: str
    run: Callable[[Mutator], object]
    destructive: bool = False
    warning: str = ""


def _q(word: str) -> str:
    return shlex.quote(word)


# Services -----------------------------------------------------------------------------


def scale_refusal(service: Service) -> str | None:
    """Why SERVICE cannot be scaled (global services and jobs); None when it can."""
    if service.mode == "replicated":
        return None
    kind = "jobs" if service.mode.endswith("job") else "global services"
    return (
        f"{service.name} is a {service.mode} service: {kind} run one task per node "
        "or per completion and cannot be scaled."
    )


def scale_service(service: Service, replicas: int) -> Operation:
    refusal = scale_refusal(service)
    if refusal is not None:
        raise OperationRefused(refusal)
    return Operation(
        f"Scale {service.name}",
        f"docker service scale {_q(service.name)}={replicas}",
        lambda m: m.scale_service(service.id, replicas),
    )


def update_image(service: Service, image: str) -> Operation:
    return Operation(
        f"Update {service.name}",
        f"docker service update --image {_q(image)} {_q(service.name)}",
        lambda m: m.update_service_image(service.id, image),
    )


def force_redeploy(service: Service) -> Operation:
    return Operation(
        f"Redeploy {service.name}",
        f"docker service update --force {_q(service.name)}",
        lambda m: m.force_update_service(service.id),
        warning="Every task of the service is replaced, following its update config.",
    )


def rollback(service: Service) -> Operation:
    return Operation(
        f"Roll back {service.name}",
        f"docker service rollback {_q(service.name)}",
        lambda m: m.rollback_service(service.id),
        warning="The service returns to its previous spec.",
    )


def remove_service(service: Service) -> Operation:
    return Operation(
        f"Remove service {service.name}",
        f"docker service rm {_q(service.name)}",
        lambda m: m.remove_service(service.id),
        destructive=True,
        warning=f"All tasks of {service.name} ({service.replicas_text}) stop and are removed.",
    )


def create_service(definition: ServiceDefinition) -> Operation:
    from swarmtui.actions.service_form import create_command, service_spec

    spec = service_spec(definition)
    return Operation(
        f"Create service {definition.name}",
        create_command(definition),
        lambda m: m.create_service(spec),
    )


# Nodes ---------------------------------------------------------------------------------


def _managers(nodes: Sequence[Node]) -> list[Node]:
    return [n for n in nodes if n.role == "manager"]


def set_availability(node: Node, availability: str) -> Operation:
    if availability not in ("active", "pause", "drain"):
        from swarmtui.actions.validation import InputError

        raise InputError("availability", f"{availability!r}: active, pause or drain.")
    warning = ""
    if availability == "drain":
        warning = f"Tasks on {node.hostname} are stopped and rescheduled on other nodes."
    return Operation(
        f"{availability.capitalize()} {node.hostname}",
        f"docker node update --availability {availability} {_q(node.hostname)}",
        lambda m: m.set_node_availability(node.id, availability),
        destructive=availability == "drain",
        warning=warning,
    )


def promote(node: Node, nodes: Sequence[Node]) -> Operation:
    if node.role == "manager":
        raise OperationRefused(f"{node.hostname} is already a manager.")
    managers = len(_managers(nodes)) + 1
    warning = ""
    if managers % 2 == 0:
        warning = (
            f"{managers} managers tolerate no more failures than {managers - 1}: "
            "an odd number of managers is recommended."
        )
    return Operation(
        f"Promote {node.hostname}",
        f"docker node promote {_q(node.hostname)}",
        lambda m: m.set_node_role(node.id, "manager"),
        warning=warning,
    )


def demote(node: Node, nodes: Sequence[Node]) -> Operation:
    if node.role != "manager":
        raise OperationRefused(f"{node.hostname} is not a manager.")
    managers = _managers(nodes)
    if len(managers) <= 1:
        raise OperationRefused(
            f"{node.hostname} is the last manager: demoting it would leave the swarm "
            "without managers. Promote another node first."
        )
    reachable_after = sum(1 for n in managers if n.id != node.id and n.status == "ready")
    remaining = len(managers) - 1
    quorum = remaining // 2 + 1
    warning = f"{remaining} managers remain; quorum needs {quorum}."
    if reachable_after < quorum:
        warning = (
            f"Quorum at risk: only {reachable_after} of the remaining {remaining} managers "
            f"are ready and quorum needs {quorum}."
        )
    return Operation(
        f"Demote {node.hostname}",
        f"docker node demote {_q(node.hostname)}",
        lambda m: m.set_node_role(node.id, "worker"),
        destructive=True,
        warning=warning,
    )


def edit_labels(node: Node, add: dict[str, str], remove: list[str]) -> Operation:
    words = ["docker", "node", "update"]
    for key, value in add.items():
        words += ["--label-add", f"{key}={value}" if value else key]
    for key in remove:
        words += ["--label-rm", key]
    words.append(node.hostname)
    return Operation(
        f"Labels of {node.hostname}",
        shlex.join(words),
        lambda m: m.set_node_labels(node.id, add, remove),
    )


def remove_node(node: Node, force: bool, nodes: Sequence[Node] = ()) -> Operation:
    """Remove NODE: down nodes as they are, others only forced; managers are demoted first."""
    if node.status != "down" and not force:
        raise OperationRefused(
            f"{node.hostname} is {node.status}: only down nodes can be removed without force."
        )
    flag = " --force" if force else ""
    remove = f"docker node rm{flag} {_q(node.hostname)}"
    warning = f"{node.hostname} leaves the node list; its tasks are rescheduled."
    if node.role != "manager":
        return Operation(
            f"Remove node {node.hostname}",
            remove,
            lambda m: m.remove_node(node.id, force),
            destructive=True,
            warning=warning,
        )
    try:
        demotion = demote(node, nodes)
    except OperationRefused as exc:
        raise OperationRefused(
            f"{node.hostname} is a manager and cannot be demoted ({exc}) — promote another "
            "node, then demote it first."
        ) from None

    def demote_then_remove(mutator: Mutator) -> None:
        mutator.set_node_role(node.id, "worker")
        _retry_while_manager(lambda: mutator.remove_node(node.id, force))

    return Operation(
        f"Demote and remove node {node.hostname}",
        f"docker node demote {_q(node.hostname)} && {remove}",
        demote_then_remove,
        destructive=True,
        warning=f"{demotion.warning} {warning}",
    )


def _retry_while_manager(remove: Callable[[], object], timeout: float = 30.0) -> None:
    """The engine refuses to remove a node until its demotion has gone through raft."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            remove()
            return
        except BackendError as exc:
            if "manager" not in exc.message.lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


# Swarm ---------------------------------------------------------------------------------


def init_swarm_command(advertise_address: str) -> str:
    address = advertise_address.strip()
    return "docker swarm init" + (f" --advertise-addr {_q(address)}" if address else "")


def join_command(token: str, manager_address: str) -> str:
    address = manager_address if ":" in manager_address else f"{manager_address}:2377"
    return f"docker swarm join --token {token} {address}"


def rotate_token(role: str) -> Operation:
    return Operation(
        f"Rotate the {role} join token",
        f"docker swarm join-token --rotate {role}",
        lambda m: m.rotate_join_token(role),
        destructive=True,
        warning=f"The current {role} token stops working; nodes already joined stay.",
    )


def leave_swarm(force: bool) -> Operation:
    flag = " --force" if force else ""
    return Operation(
        "Leave the swarm",
        f"docker swarm leave{flag}",
        lambda m: m.leave_swarm(force),
        destructive=True,
        warning="This engine leaves the swarm. A last manager leaving destroys the swarm.",
    )
