"""The stack's own networks, secrets and configs as the engine creates them, and the
external ones it must find."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from swarmtui.stacks.key_problem import KeyProblem
from swarmtui.stacks.naming import DEFAULT_NETWORK, NAMESPACE_LABEL, scope

Spec = dict[str, Any]


@dataclass(frozen=True)
class NetworkPlan:
    name: str
    body: Spec  # the body of POST /networks/create, without Name


@dataclass(frozen=True)
class FileObjectPlan:
    """A secret or config the stack creates (DATA from its file) or only names (external)."""

    kind: Literal["secret", "config"]
    key: str  # its name in the file
    name: str  # its name on the swarm
    external: bool
    spec: Spec = field(default_factory=dict)  # with Data as base64 for created ones
    source_file: str = ""


def used_networks(services: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The networks the services attach to (`default` for a service that names none)."""
    used: set[str] = set()
    for service in services.values():
        used.update(service.get("networks") or {DEFAULT_NETWORK: None})
    return sorted(used)


def network_plans(
    stack: str, declared: Mapping[str, Any], used: list[str]
) -> tuple[list[NetworkPlan], list[str]]:
    """Networks to create (only those services use) and names of external ones to find."""
    created: list[NetworkPlan] = []
    external: list[str] = []
    for key in used:
        network = declared.get(key) or {}
        if key not in declared and key != DEFAULT_NETWORK:
            continue  # reported by the service that names it
        if network.get("external"):
            external.append(network.get("name") or key)
            continue
        body: Spec = {
            "Labels": {**(network.get("labels") or {}), NAMESPACE_LABEL: stack},
            "Driver": network.get("driver") or "overlay",
        }
        if network.get("driver_opts"):
            body["Options"] = dict(network["driver_opts"])
        if network.get("internal"):
            body["Internal"] = True
        if network.get("attachable"):
            body["Attachable"] = True
        ipam = network.get("ipam") or {}
        if ipam.get("driver") or ipam.get("config"):
            body["IPAM"] = {
                "Driver": ipam.get("driver") or "default",
                "Config": [
                    {"Subnet": entry.get("subnet", "")} for entry in ipam.get("config") or []
                ],
            }
        created.append(NetworkPlan(network.get("name") or scope(stack, key), body))
    return created, external


def file_object_plans(
    kind: Literal["secret", "config"], stack: str, declared: Mapping[str, Any], used: set[str]
) -> list[FileObjectPlan]:
    """The secrets (or configs) of the file: every declared one is created, as the CLI does;
    external ones only when a service uses them (they must then exist)."""
    plans: list[FileObjectPlan] = []
    for key in sorted(declared):
        entry = declared[key] or {}
        name = entry.get("name") or (key if entry.get("external") else scope(stack, key))
        if entry.get("external"):
            if key in used:
                plans.append(FileObjectPlan(kind, key, name, external=True))
            continue
        spec: Spec = {
            "Name": name,
            "Labels": {**(entry.get("labels") or {}), NAMESPACE_LABEL: stack},
        }
        source_file = ""
        if kind == "secret" and entry.get("driver"):
            spec["Data"] = ""
            spec["Driver"] = {"Name": entry["driver"], "Options": entry.get("driver_opts")}
        else:
            source_file = str(entry["file"])
            spec["Data"] = _read_base64(Path(source_file), f"{kind}s.{key}.file")
        if entry.get("template_driver"):
            spec["Templating"] = {"Name": entry["template_driver"]}
        plans.append(FileObjectPlan(kind, key, name, False, spec, source_file))
    return plans


def _read_base64(path: Path, where: str) -> str:
    try:
        return base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError as exc:
        raise KeyProblem(where, f"cannot read {path}: {exc.strerror or exc}") from None
