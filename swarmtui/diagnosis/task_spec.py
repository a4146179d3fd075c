"""What a task asks for, read from its engine JSON (`GET /tasks`): its own copy of the spec."""

from __future__ import annotations

from dataclasses import dataclass

from swarmtui.core.mapping import json_get
from swarmtui.core.models import Task


@dataclass(frozen=True)
class Reference:
    """A network, secret or config the task's spec names."""

    kind: str  # network | secret | config
    object_id: str
    name: str


def placement_constraints(task: Task) -> list[str]:
    return [str(c) for c in json_get(task.raw, "Spec", "Placement", "Constraints", default=[])]


def max_replicas(task: Task) -> int:
    return int(json_get(task.raw, "Spec", "Placement", "MaxReplicas", default=0))


def reservations(task: Task) -> tuple[int, int]:
    """NanoCPUs and memory bytes the task reserves."""
    reserved = json_get(task.raw, "Spec", "Resources", "Reservations", default={})
    return int(reserved.get("NanoCPUs") or 0), int(reserved.get("MemoryBytes") or 0)


def memory_limit(task: Task) -> int:
    return int(json_get(task.raw, "Spec", "Resources", "Limits", "MemoryBytes", default=0))


def host_ports(task: Task) -> list[tuple[int, str]]:
    """The host-mode ports the task publishes: from its port status once it runs, else from
    its service's endpoint (which the task JSON does not carry: see `service_host_ports`)."""
    ports = json_get(task.raw, "Status", "PortStatus", "Ports", default=[])
    return [
        (int(p["PublishedPort"]), str(p.get("Protocol", "tcp")))
        for p in ports
        if p.get("PublishMode") == "host" and p.get("PublishedPort")
    ]


def service_host_ports(service_raw: dict[str, object]) -> list[tuple[int, str]]:
    ports = json_get(service_raw, "Spec", "EndpointSpec", "Ports", default=[])
    return [
        (int(p["PublishedPort"]), str(p.get("Protocol", "tcp")))
        for p in ports
        if p.get("PublishMode") == "host" and p.get("PublishedPort")
    ]


def healthcheck_test(task: Task) -> list[str]:
    test = json_get(task.raw, "Spec", "ContainerSpec", "Healthcheck", "Test", default=[])
    return [str(part) for part in test]


def references(task: Task) -> list[Reference]:
    container = json_get(task.raw, "Spec", "ContainerSpec", default={})
    found = [
        Reference("secret", str(s.get("SecretID", "")), str(s.get("SecretName", "")))
        for s in container.get("Secrets") or []
    ]
    found += [
        Reference("config", str(c.get("ConfigID", "")), str(c.get("ConfigName", "")))
        for c in container.get("Configs") or []
    ]
    names = _attached_network_names(task)
    found += [
        Reference("network", str(n.get("Target", "")), names.get(str(n.get("Target", "")), ""))
        for n in json_get(task.raw, "Spec", "Networks", default=[])
    ]
    return found


def _attached_network_names(task: Task) -> dict[str, str]:
    attachments = json_get(task.raw, "NetworksAttachments", default=[])
    return {
        str(json_get(a, "Network", "ID", default="")): str(
            json_get(a, "Network", "Spec", "Name", default="")
        )
        for a in attachments
    }
