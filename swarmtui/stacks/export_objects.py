"""The objects an exported stack refers to, under the keys of the exported file: the stack's
own networks, volumes, secrets and configs by their short names (created again by a deploy
under any name), everything else by its full name as external; and the file's top-level
sections for them."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmtui.stacks.naming import DEFAULT_NETWORK, NAMESPACE_LABEL, scope

Spec = dict[str, Any]
# The overlay driver's state, which the engine lists among the network's options.
VXLAN_OPTION = "com.docker.network.driver.overlay.vxlanid_list"


def short_name(stack: str | None, name: str) -> str | None:
    """NAME without the STACK_ prefix a deploy gave it, or None."""
    prefix = f"{stack}_"
    if stack and name.startswith(prefix) and len(name) > len(prefix):
        return name[len(prefix) :]
    return None


def object_keys(stack: str | None, owned: Mapping[str, bool]) -> dict[str, str]:
    """A key of the file for each swarm name of OWNED (name -> whether the stack made it):
    the short name of the stack's own objects, the full name of the others; unique, the
    stack's objects served first (another object's key only changes a key, never a name)."""

    def rank(name: str) -> tuple[bool, str]:
        return (not (owned[name] and short_name(stack, name)), name)

    order = sorted(owned, key=rank)
    wanted = {name: (short_name(stack, name) if owned[name] else None) or name for name in order}
    keys: dict[str, str] = {}
    for name in order:
        if wanted[name] not in keys.values():
            keys[name] = wanted[name]
    for name in order:
        number = 1
        while name not in keys:
            number += 1
            if f"{wanted[name]}-{number}" not in keys.values():
                keys[name] = f"{wanted[name]}-{number}"
    return keys


def labels_without_stack(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (labels or {}).items() if k != NAMESPACE_LABEL}


@dataclass
class VolumeUse:
    """A volume a service mounts, as its mount describes it."""

    name: str
    owned: bool
    declared: bool  # created by the stack deploy (labels, driver); else external
    labels: dict[str, str] = field(default_factory=dict)
    driver: Spec | None = None  # the mount's DriverConfig


def volume_use(stack: str | None, mount: Spec) -> VolumeUse:
    options = mount.get("VolumeOptions") or {}
    labels = options.get("Labels")
    declared = labels is not None or options.get("DriverConfig") is not None
    owned = bool(stack) and (labels or {}).get(NAMESPACE_LABEL) == stack
    return VolumeUse(
        str(mount["Source"]),
        owned,
        declared,
        labels_without_stack(labels),
        options.get("DriverConfig"),
    )


def with_name(entry: Spec, stack: str | None, key: str, name: str) -> Spec:
    """ENTRY of an object the stack makes, with `name:` when its name is not STACK_KEY."""
    if not stack or name != scope(stack, key):
        return {"name": name, **entry}
    return entry


def external(name: str) -> Spec:
    return {"external": True, "name": name}


def network_entry(network: Spec, keep_subnets: bool, warn: list[str]) -> Spec:
    """A top-level network of the stack from the engine's listing of it."""
    name = network.get("Name", "")
    entry: Spec = {}
    driver = network.get("Driver") or "overlay"
    if driver != "overlay":
        entry["driver"] = driver
    options = {k: v for k, v in (network.get("Options") or {}).items() if k != VXLAN_OPTION}
    if options:
        entry["driver_opts"] = options
    if network.get("Attachable"):
        entry["attachable"] = True
    if network.get("Internal"):
        entry["internal"] = True
    ipam = network.get("IPAM") or {}
    configs = ipam.get("Config") or []
    subnets = [{"subnet": c["Subnet"]} for c in configs if c.get("Subnet")] if keep_subnets else []
    if ipam.get("Driver") not in (None, "", "default") or subnets:
        entry["ipam"] = {
            **(
                {"driver": ipam["Driver"]}
                if ipam.get("Driver") not in (None, "", "default")
                else {}
            ),
            **({"config": subnets} if subnets else {}),
        }
    for config in configs:
        extra = sorted(k for k in ("IPRange", "AuxiliaryAddresses") if config.get(k))
        if extra:
            warn.append(
                f"network {name}: IPAM {', '.join(extra)} cannot be written in a stack file"
            )
    if ipam.get("Options"):
        warn.append(f"network {name}: IPAM options cannot be written in a stack file")
    if network.get("EnableIPv6"):
        warn.append(f"network {name}: IPv6 cannot be enabled from a stack file")
    labels = labels_without_stack(network.get("Labels"))
    if labels:
        entry["labels"] = labels
    return entry


def networks_section(
    stack: str | None,
    used: Iterable[str],
    keys: Mapping[str, str],
    listed: Mapping[str, Spec],
    keep_subnets: bool,
    warn: list[str],
) -> Spec:
    """The top-level networks for the swarm names USED, by key; the stack's default network
    only when it is more than a plain overlay."""
    section: Spec = {}
    for name in sorted(used, key=lambda n: keys[n]):
        key = keys[name]
        network = listed.get(name)
        if network is None or not _owned_network(stack, network):
            section[key] = external(name)
            continue
        entry = with_name(network_entry(network, keep_subnets, warn), stack, key, name)
        if entry or key != DEFAULT_NETWORK:
            section[key] = entry
    return section


def _owned_network(stack: str | None, network: Spec) -> bool:
    return bool(stack) and (network.get("Labels") or {}).get(NAMESPACE_LABEL) == stack


def volumes_section(
    stack: str | None, uses: Mapping[str, VolumeUse], keys: Mapping[str, str]
) -> Spec:
    section: Spec = {}
    for name, use in sorted(uses.items(), key=lambda item: keys[item[0]]):
        key = keys[name]
        if not use.declared:
            section[key] = external(name)
            continue
        entry: Spec = {}
        if use.driver is not None:
            if use.driver.get("Name"):
                entry["driver"] = use.driver["Name"]
            if use.driver.get("Options") is not None or not use.driver.get("Name"):
                entry["driver_opts"] = dict(use.driver.get("Options") or {})
        if use.labels:
            entry["labels"] = use.labels
        section[key] = with_name(entry, stack if use.owned else None, key, name)
    return section


@dataclass
class FileObjects:
    """The top-level secrets or configs, and the files they need beside the compose file."""

    section: Spec = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # config data, by relative path
    placeholders: list[str] = field(default_factory=list)  # secret files to fill


def file_objects_section(
    kind: str,
    stack: str | None,
    owned: Mapping[str, Spec],
    foreign: Iterable[str],
    keys: Mapping[str, str],
    directory: str,
    warn: list[str],
) -> FileObjects:
    """KIND ("secret" or "config") objects: the stack's OWNED ones (name -> engine listing)
    from files in DIRECTORY, the FOREIGN names as external."""
    result = FileObjects()
    for name in sorted([*owned, *foreign], key=lambda n: keys[n]):
        key = keys[name]
        if name not in owned:
            result.section[key] = external(name)
            continue
        spec = owned[name].get("Spec") or {}
        entry: Spec = {}
        driver = spec.get("Driver")
        if kind == "secret" and driver and driver.get("Name"):
            entry["driver"] = driver["Name"]
            if driver.get("Options") is not None:
                entry["driver_opts"] = driver["Options"]
        else:
            path = f"{directory}/{_file_name(key)}"
            entry["file"] = path
            if kind == "config":
                result.files[path] = _decoded(spec.get("Data") or "", name, warn)
            else:
                result.placeholders.append(path)
        labels = labels_without_stack(spec.get("Labels"))
        if labels:
            entry["labels"] = labels
        templating = spec.get("Templating") or {}
        if templating.get("Name"):
            entry["template_driver"] = templating["Name"]
        if templating.get("Options"):
            warn.append(f"{kind} {name}: template driver options cannot be written in a stack file")
        result.section[key] = with_name(entry, stack, key, name)
    return result


def _file_name(key: str) -> str:
    return key if key.strip(".") else f"_{key}"


def _decoded(data: str, name: str, warn: list[str]) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        warn.append(f"config {name}: its data is not base64 as the engine sends it; left empty")
        return b""
