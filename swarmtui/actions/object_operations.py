"""Secrets, configs and networks as Operations: create, remove, rotate.

A secret's value lives only in the Operation's closure: the command shown and journalled
names the file it came from, or `-` for typed input, never the value.
"""

from __future__ import annotations

import base64
import ipaddress
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swarmtui.actions.operations import Operation, OperationRefused
from swarmtui.actions.validation import InputError
from swarmtui.core.models import Service
from swarmtui.core.swarm_objects import (
    NAME_RE,
    MountedType,
    SwarmObject,
    mount_flag,
    mounts_of,
    swap_mounts,
)
from swarmtui.ports import Mutator

MAX_DATA_BYTES = 500 * 1024  # the engine's limit for a secret or config
PREDEFINED_NETWORKS = frozenset({"bridge", "host", "none", "docker_gwbridge"})
TYPED = "-"  # the command's stand-in for a value typed in the console


@dataclass(frozen=True)
class ObjectData:
    """The content of a new secret or config and where it came from (a path, or `-`)."""

    source: str
    data: bytes = field(repr=False)


def validate_object_name(text: str, taken: Iterable[str] = (), field_name: str = "name") -> str:
    name = text.strip()
    if not name:
        raise InputError(field_name, "A name is required.")
    if not NAME_RE.match(name):
        raise InputError(
            field_name,
            f"{name!r}: letters, digits, '-', '_' and '.', starting and ending with a letter "
            "or digit, at most 64 characters.",
        )
    if name in set(taken):
        raise InputError(field_name, f"{name} already exists.")
    return name


def read_data(path: str, typed: str) -> ObjectData:
    """The content from the file PATH, or else the TYPED text; errors never quote the text."""
    if path.strip():
        file = Path(path.strip()).expanduser()
        if not file.is_file():
            raise InputError("file", f"No such file: {file}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError("file", f"{file}: {exc.strerror or exc}") from None
        source = str(file)
    elif typed:
        data, source = typed.encode(), TYPED
    else:
        raise InputError("value", "Give a file path or type the value.")
    if not data:
        raise InputError("value", "The content is empty.")
    if len(data) > MAX_DATA_BYTES:
        raise InputError("value", f"{len(data)} bytes: the engine takes at most 500 KiB.")
    return ObjectData(source, data)


def _object_spec(name: str, content: ObjectData, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "Name": name,
        "Labels": labels,
        "Data": base64.b64encode(content.data).decode("ascii"),
    }


def create_object(
    kind: MountedType, name: str, content: ObjectData, taken: Iterable[str] = ()
) -> Operation:
    name = validate_object_name(name, taken)
    spec = _object_spec(name, content, {})
    return Operation(
        f"Create {kind} {name}",
        shlex.join(["docker", kind, "create", name, content.source]),
        lambda m: m.create_object(kind, spec),
    )


def in_use_refusal(obj: SwarmObject, users: Sequence[Service]) -> str | None:
    if not users:
        return None
    names = ", ".join(s.name for s in users)
    return f"{obj.kind.capitalize()} {obj.name} is in use by {names}: remove it from them first."


def remove_object(obj: SwarmObject, users: Sequence[Service]) -> Operation:
    refusal = in_use_refusal(obj, users)
    if refusal is not None:
        raise OperationRefused(refusal)
    if obj.kind == "network" and obj.name in PREDEFINED_NETWORKS:
        raise OperationRefused(f"{obj.name} is a predefined network: it cannot be removed.")
    return Operation(
        f"Remove {obj.kind} {obj.name}",
        shlex.join(["docker", obj.kind, "rm", obj.name]),
        lambda m: m.remove_object(obj.kind, obj.id),
        destructive=True,
        warning=f"{obj.kind.capitalize()} {obj.name} ({obj.id[:12]}) is deleted from the swarm.",
    )


def _update_command(
    kind: MountedType, service: Service, old: SwarmObject, new_name: str
) -> list[str]:
    id_key = "SecretID" if kind == "secret" else "ConfigID"
    words = ["docker", "service", "update", f"--{kind}-rm", old.name]
    for ref in mounts_of(service, kind):
        if ref.get(id_key) == old.id:
            words += [f"--{kind}-add", mount_flag(ref, kind, new_name)]
    return [*words, service.name]


def rotate_object(
    obj: SwarmObject,
    users: Sequence[Service],
    new_name: str,
    content: ObjectData,
    taken: Iterable[str] = (),
) -> Operation:
    """Create NEW_NAME with CONTENT, then point every service using OBJ at it (same target,
    uid, gid and mode). Waiting for the rollout and removing OBJ come after, from the UI."""
    if obj.kind == "network":
        raise OperationRefused("Networks are not rotated.")
    kind: MountedType = obj.kind
    new_name = validate_object_name(new_name, taken, "new name")
    spec = _object_spec(new_name, content, dict(obj.labels))
    commands = [shlex.join(["docker", kind, "create", new_name, content.source])]
    commands += [shlex.join(_update_command(kind, s, obj, new_name)) for s in users]

    def run(mutator: Mutator) -> str:
        new_id = mutator.create_object(kind, spec)

        def swapped(current: dict[str, Any]) -> dict[str, Any]:
            return swap_mounts(current["Spec"], kind, obj.id, new_id, new_name)

        for service in users:
            mutator.replace_service(service.id, swapped)
        return new_id

    served = ", ".join(s.name for s in users) or "no service"
    return Operation(
        f"Rotate {kind} {obj.name}",
        " && ".join(commands),
        run,
        warning=f"{new_name} replaces {obj.name} in {served}; their tasks are replaced.",
    )


# Networks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkRequest:
    name: str
    attachable: bool = True
    encrypted: bool = False
    subnet: str = ""
    gateway: str = ""


def _network_body(request: NetworkRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Driver": "overlay",
        "CheckDuplicate": True,
        "Attachable": request.attachable,
        "Labels": {},
    }
    if request.encrypted:
        body["Options"] = {"encrypted": ""}
    if request.subnet:
        config = {"Subnet": request.subnet}
        if request.gateway:
            config["Gateway"] = request.gateway
        body["IPAM"] = {"Driver": "default", "Config": [config]}
    return body


def validate_network(request: NetworkRequest, taken: Iterable[str] = ()) -> NetworkRequest:
    name = validate_object_name(request.name, taken)
    subnet, gateway = request.subnet.strip(), request.gateway.strip()
    if gateway and not subnet:
        raise InputError("gateway", "A gateway needs a subnet.")
    if subnet:
        try:
            network = ipaddress.ip_network(subnet, strict=True)
        except ValueError:
            raise InputError(
                "subnet", f"{subnet} is not a network address (e.g. 10.20.0.0/24)."
            ) from None
        subnet = str(network)
        if gateway:
            try:
                address = ipaddress.ip_address(gateway)
            except ValueError:
                raise InputError("gateway", f"{gateway} is not an IP address.") from None
            if address not in network:
                raise InputError("gateway", f"{gateway} is not in {subnet}.")
    return NetworkRequest(name, request.attachable, request.encrypted, subnet, gateway)


def network_command(request: NetworkRequest) -> str:
    words = ["docker", "network", "create", "--driver", "overlay"]
    if request.attachable:
        words.append("--attachable")
    if request.encrypted:
        words += ["--opt", "encrypted"]
    if request.subnet:
        words += ["--subnet", request.subnet]
    if request.gateway:
        words += ["--gateway", request.gateway]
    return shlex.join([*words, request.name])


def create_network(request: NetworkRequest, taken: Iterable[str] = ()) -> Operation:
    checked = validate_network(request, taken)
    body = _network_body(checked)
    return Operation(
        f"Create network {checked.name}",
        network_command(checked),
        lambda m: m.create_network(checked.name, body),
    )
