"""The inspect text of a secret, config or network."""

from __future__ import annotations

from collections.abc import Sequence

from swarmtui.core.models import Service
from swarmtui.core.swarm_objects import (
    SwarmObject,
    attached_tasks,
    config_text,
    mount_flag,
    mounts_of,
)


def _when(obj: SwarmObject) -> list[str]:
    lines = []
    if obj.created_at is not None:
        lines.append(f"Created at:\t{obj.created_at:%Y-%m-%d %H:%M:%S} UTC")
    if obj.updated_at is not None:
        lines.append(f"Updated at:\t{obj.updated_at:%Y-%m-%d %H:%M:%S} UTC")
    return lines


def _users(obj: SwarmObject, users: Sequence[Service]) -> list[str]:
    if not users:
        return ["Used by:\tno service"]
    lines = ["Used by:"]
    for service in users:
        if obj.kind == "network":
            lines.append(f" {service.name}\t{service.replicas_text} tasks")
            continue
        id_key = "SecretID" if obj.kind == "secret" else "ConfigID"
        for ref in mounts_of(service, obj.kind):
            if ref.get(id_key) == obj.id:
                lines.append(f" {service.name}\t{mount_flag(ref, obj.kind, obj.name)}")
    return lines


def object_pretty(obj: SwarmObject, users: Sequence[Service]) -> str:
    lines = [f"ID:\t\t{obj.id}", f"Name:\t\t{obj.name}"]
    lines += [f"Labels:\t\t{obj.labels_text or '-'}", *_when(obj)]
    if obj.kind == "network":
        lines += [
            f"Driver:\t\t{obj.driver}",
            f"Scope:\t\t{obj.scope}",
            f"Attachable:\t{'yes' if obj.attachable else 'no'}",
            f"Encrypted:\t{'yes' if obj.encrypted else 'no'}",
            f"Internal:\t{'yes' if obj.internal else 'no'}",
            f"Subnet:\t\t{', '.join(obj.subnets) or '-'}",
            f"Gateway:\t{', '.join(obj.gateways) or '-'}",
            f"Tasks:\t\t{attached_tasks(users)}",
        ]
    lines += _users(obj, users)
    if obj.kind == "secret":
        lines += ["", "The engine never returns a secret's value."]
    elif obj.kind == "config":
        lines += ["", "Content:", config_text(obj)]
    return "\n".join(lines)
