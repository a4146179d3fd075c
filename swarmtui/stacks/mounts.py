"""A service's `volumes:` as the engine's mounts: named volumes of the stack (namespaced,
labelled, with their driver), external and anonymous volumes, bind mounts, tmpfs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from swarmtui.stacks.go_json import omit_empty
from swarmtui.stacks.key_problem import KeyProblem
from swarmtui.stacks.naming import NAMESPACE_LABEL, scope

Spec = dict[str, Any]


def service_mounts(
    volumes: list[dict[str, Any]], stack_volumes: Mapping[str, Any], stack: str, where: str
) -> list[Spec]:
    return [
        _mount(volume, stack_volumes, stack, f"{where}.{i}") for i, volume in enumerate(volumes)
    ]


def _mount(
    volume: dict[str, Any], stack_volumes: Mapping[str, Any], stack: str, where: str
) -> Spec:
    kind = volume.get("type") or "volume"
    mount: Spec = {"Type": kind}
    if volume.get("target"):
        mount["Target"] = volume["target"]
    if volume.get("read_only"):
        mount["ReadOnly"] = True
    if volume.get("source"):
        mount["Source"] = volume["source"]
    if volume.get("consistency"):
        mount["Consistency"] = volume["consistency"]
    others = {"bind", "volume", "tmpfs"} - {kind}
    for option in sorted(others):
        if volume.get(option) is not None:
            raise KeyProblem(where, f"{option} options are incompatible with type {kind}")
    if kind == "volume":
        _named_volume(mount, volume, stack_volumes, stack, where)
    elif kind == "bind":
        if not volume.get("source"):
            raise KeyProblem(where, "invalid bind source, source cannot be empty")
        if volume.get("bind") is not None:
            mount["BindOptions"] = omit_empty(
                {"Propagation": volume["bind"].get("propagation", "")}
            )
    elif kind == "tmpfs":
        if volume.get("source"):
            raise KeyProblem(where, "invalid tmpfs source, source must be empty")
        if volume.get("tmpfs") is not None:
            mount["TmpfsOptions"] = omit_empty({"SizeBytes": volume["tmpfs"].get("size", 0)})
    else:
        raise KeyProblem(where, f"unsupported mount type {kind!r} (volume, bind or tmpfs)")
    return mount


def _named_volume(
    mount: Spec, volume: dict[str, Any], stack_volumes: Mapping[str, Any], stack: str, where: str
) -> None:
    source = volume.get("source")
    if not source:
        return  # an anonymous volume
    if source not in stack_volumes:
        raise KeyProblem(where, f"undefined volume {source!r} (declare it under volumes:)")
    declared = stack_volumes[source] or {}
    options: Spec = {}
    if (volume.get("volume") or {}).get("nocopy"):
        options["NoCopy"] = True
    mount["Source"] = declared.get("name") or scope(stack, source)
    if not declared.get("external"):
        options["Labels"] = {**(declared.get("labels") or {}), NAMESPACE_LABEL: stack}
        if declared.get("driver") or declared.get("driver_opts") is not None:
            options["DriverConfig"] = omit_empty(
                {"Name": declared.get("driver", ""), "Options": declared.get("driver_opts")}
            )
    mount["VolumeOptions"] = options
