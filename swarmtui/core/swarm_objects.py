"""Secrets, configs and networks: typed from the engine's JSON, and the services using each,
found in the service specs already fetched (no request per object)."""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from swarmtui.core.mapping import json_get, parse_time
from swarmtui.core.models import Service

ObjectType = Literal["secret", "config", "network"]
MountedType = Literal["secret", "config"]
Json = dict[str, Any]


@dataclass(frozen=True)
class SwarmObject:
    """A secret, config or network; the network fields stay empty for the other two."""

    kind: ObjectType
    id: str
    name: str
    created_at: datetime | None
    updated_at: datetime | None
    labels: tuple[tuple[str, str], ...]
    driver: str = ""
    scope: str = ""
    attachable: bool = False
    encrypted: bool = False
    internal: bool = False
    subnets: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def labels_text(self) -> str:
        return ",".join(f"{k}={v}" if v else k for k, v in self.labels)


def _labels(value: object) -> tuple[tuple[str, str], ...]:
    labels = value if isinstance(value, dict) else {}
    return tuple(sorted((str(k), str(v)) for k, v in labels.items()))


def object_from_json(kind: ObjectType, data: Json) -> SwarmObject:
    if kind == "network":
        return network_from_json(data)
    return SwarmObject(
        kind=kind,
        id=str(data.get("ID", "")),
        name=str(json_get(data, "Spec", "Name", default="")),
        created_at=parse_time(data.get("CreatedAt")),
        updated_at=parse_time(data.get("UpdatedAt")),
        labels=_labels(json_get(data, "Spec", "Labels")),
        raw=data,
    )


def network_from_json(data: Json) -> SwarmObject:
    ipam = json_get(data, "IPAM", "Config", default=None) or []
    options = data.get("Options") or {}
    return SwarmObject(
        kind="network",
        id=str(data.get("Id") or data.get("ID") or ""),
        name=str(data.get("Name", "")),
        created_at=parse_time(data.get("Created")),
        updated_at=None,
        labels=_labels(data.get("Labels")),
        driver=str(data.get("Driver", "")),
        scope=str(data.get("Scope", "")),
        attachable=bool(data.get("Attachable")),
        encrypted="encrypted" in options,
        internal=bool(data.get("Internal")),
        subnets=tuple(str(c["Subnet"]) for c in ipam if c.get("Subnet")),
        gateways=tuple(str(c["Gateway"]) for c in ipam if c.get("Gateway")),
        raw=data,
    )


# Who uses what ------------------------------------------------------------------------


def mounts_of(service: Service, kind: MountedType) -> list[Json]:
    """The secret or config references of SERVICE's container spec, as the engine keeps them."""
    key = "Secrets" if kind == "secret" else "Configs"
    refs = json_get(service.raw, "Spec", "TaskTemplate", "ContainerSpec", key, default=None)
    return [r for r in refs or [] if isinstance(r, dict)]


def _mounts(service: Service, obj: SwarmObject) -> bool:
    key = "SecretID" if obj.kind == "secret" else "ConfigID"
    name_key = "SecretName" if obj.kind == "secret" else "ConfigName"
    assert obj.kind != "network"
    return any(
        r.get(key) == obj.id or (not r.get(key) and r.get(name_key) == obj.name)
        for r in mounts_of(service, obj.kind)
    )


def network_ids_of(service: Service) -> set[str]:
    """The networks SERVICE's tasks attach to (ids or names as its spec names them), and the
    ones its endpoint has a virtual IP on (the ingress network of published ports)."""
    raw = service.raw
    attached = json_get(raw, "Spec", "TaskTemplate", "Networks", default=None) or json_get(
        raw, "Spec", "Networks", default=None
    )
    ids = {str(n.get("Target", "")) for n in attached or [] if isinstance(n, dict)}
    vips = json_get(raw, "Endpoint", "VirtualIPs", default=None) or []
    ids |= {str(v.get("NetworkID", "")) for v in vips if isinstance(v, dict)}
    ids.discard("")
    return ids


def users_of(obj: SwarmObject, services: Iterable[Service]) -> list[Service]:
    """The services that use OBJ, by name order."""
    if obj.kind == "network":
        found = [s for s in services if network_ids_of(s) & {obj.id, obj.name}]
    else:
        found = [s for s in services if _mounts(s, obj)]
    return sorted(found, key=lambda s: s.name)


def used_by_text(users: Sequence[Service]) -> str:
    return ",".join(s.name for s in users) if users else "-"


def attached_tasks(users: Sequence[Service]) -> int:
    """The running tasks of the services on a network (what `docker network inspect` would
    list across nodes as containers)."""
    return sum(s.replicas_running or 0 for s in users)


# Names and versions ---------------------------------------------------------------------

NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$")
VERSION_RE = re.compile(r"^(?P<base>.+)\.v(?P<number>\d+)$")


def base_name(name: str) -> tuple[str, int]:
    """NAME without its `.vN` suffix, and N (1 when there is none)."""
    match = VERSION_RE.match(name)
    if match is None:
        return name, 1
    return match["base"], int(match["number"])


def next_version_name(name: str, taken: Iterable[str]) -> str:
    """`db_password` -> `db_password.v2`; `x.v2` -> `x.v3`; past every version already taken."""
    base, number = base_name(name)
    versions = [number]
    for other in taken:
        other_base, other_number = base_name(other)
        if other_base == base:
            versions.append(other_number)
    return f"{base}.v{max(versions) + 1}"


# Rotation --------------------------------------------------------------------------------


def swap_mounts(spec: Json, kind: MountedType, old_id: str, new_id: str, new_name: str) -> Json:
    """A copy of the service SPEC with every mount of OLD_ID pointing at NEW_ID instead: same
    target, uid, gid and mode; nothing else changes."""
    result = copy.deepcopy(spec)
    key, id_key, name_key = (
        ("Secrets", "SecretID", "SecretName")
        if kind == "secret"
        else ("Configs", "ConfigID", "ConfigName")
    )
    container = json_get(result, "TaskTemplate", "ContainerSpec", default={})
    for ref in container.get(key) or []:
        if ref.get(id_key) == old_id:
            ref[id_key] = new_id
            ref[name_key] = new_name
    return result


def mount_flag(ref: Json, kind: MountedType, source: str) -> str:
    """`source=NAME,target=...,uid=,gid=,mode=` as `docker service update --secret-add` takes."""
    file = ref.get("File") or {}
    parts = [f"source={source}"]
    if file.get("Name"):
        parts.append(f"target={file['Name']}")
    for key in ("UID", "GID"):
        if file.get(key) not in (None, ""):
            parts.append(f"{key.lower()}={file[key]}")
    if file.get("Mode") is not None:
        parts.append(f"mode={int(file['Mode']):04o}")
    if kind == "config" and ref.get("Runtime") is not None:
        parts.append("runtime")  # never for secrets
    return ",".join(parts)


def tasks_settled(
    tasks: Iterable[Json], kind: MountedType, new_id: str, wants_tasks: bool = True
) -> bool:
    """Whether a service's rollout to NEW_ID is done (raw task JSON): every task meant to run
    (desired running, or ready: a start-first replacement) mounts it and runs, and there is
    one unless the service wants no task (scaled to zero)."""
    key, id_key = ("Secrets", "SecretID") if kind == "secret" else ("Configs", "ConfigID")
    wanted = [t for t in tasks if t.get("DesiredState") in ("running", "ready")]
    for task in wanted:
        refs = json_get(task, "Spec", "ContainerSpec", key, default=None) or []
        if not any(r.get(id_key) == new_id for r in refs):
            return False
        if json_get(task, "Status", "State") != "running":
            return False
    return bool(wanted) or not wants_tasks


def config_text(obj: SwarmObject) -> str:
    """A config's content, decoded (configs are not secret); binary content is said so."""
    data = json_get(obj.raw, "Spec", "Data", default="") or ""
    try:
        content = base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError):
        return "(content not readable)"
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return f"(binary, {len(content)} bytes)"
