"""One validated compose file in one canonical form, so that merging several files and
building specs never meet a short syntax: ports as PortConfig, volumes, secrets and configs
as mappings, networks as a mapping, environment and labels as dicts, commands as lists.

Done per file, as the docker CLI does: `env_file`s are read and folded into `environment`
(a key without a value takes the variable of that name), bind sources and secret/config
files become absolute paths against the working directory (the first file's folder).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from swarmtui.stacks.env_file import EnvFileError, read_service_env_file
from swarmtui.stacks.key_problem import KeyProblem
from swarmtui.stacks.ports import PortError, parse_ports
from swarmtui.stacks.values import go_string

SECTIONS = ("networks", "volumes", "secrets", "configs")
PROPAGATIONS = frozenset({"private", "rprivate", "shared", "rshared", "slave", "rslave"})


def normalize_file(
    data: Mapping[str, Any], working_dir: Path, env: Mapping[str, str]
) -> dict[str, Any]:
    """The canonical form of one validated file: `services` and the four object sections."""
    result: dict[str, Any] = {
        "services": {
            str(name): normalize_service(dict(service or {}), f"services.{name}", working_dir, env)
            for name, service in (data.get("services") or {}).items()
        }
    }
    for section in SECTIONS:
        result[section] = {
            str(name): _normalize_object(section, str(name), dict(value or {}), working_dir)
            for name, value in (data.get(section) or {}).items()
        }
    return result


def normalize_service(
    service: dict[str, Any], where: str, working_dir: Path, env: Mapping[str, str]
) -> dict[str, Any]:
    out = dict(service)
    for key in ("command", "entrypoint"):
        if key in out:
            out[key] = _command(out[key], f"{where}.{key}")
    for key in ("dns", "dns_search", "env_file", "tmpfs"):
        if key in out:
            out[key] = [out[key]] if isinstance(out[key], str) else list(out[key])
    for key in ("labels", "sysctls"):
        if key in out:
            out[key] = mapping(out[key], allow_none=False)
    if "extra_hosts" in out:
        out["extra_hosts"] = _hosts(out["extra_hosts"])
    if "ports" in out:
        try:
            out["ports"] = parse_ports(out["ports"], f"{where}.ports")
        except PortError as exc:
            raise KeyProblem(exc.where, exc.message) from None
    if "volumes" in out:
        out["volumes"] = [
            _service_volume(v, f"{where}.volumes.{i}", working_dir, env)
            for i, v in enumerate(out["volumes"])
        ]
    for key in ("secrets", "configs"):
        if key in out:
            out[key] = [{"source": v} if isinstance(v, str) else dict(v) for v in out[key]]
    if "networks" in out:
        networks = out["networks"]
        out["networks"] = (
            {str(n): None for n in networks} if isinstance(networks, list) else dict(networks)
        )
    if "healthcheck" in out:
        check = dict(out["healthcheck"])
        if isinstance(check.get("test"), str):
            check["test"] = ["CMD-SHELL", check["test"]]
        out["healthcheck"] = check
    if "ulimits" in out:
        out["ulimits"] = {
            str(name): {"single": v} if isinstance(v, int) else dict(v)
            for name, v in out["ulimits"].items()
        }
    if "logging" in out:
        logging = dict(out["logging"])
        if "options" in logging:
            logging["options"] = mapping(logging["options"], allow_none=False)
        out["logging"] = logging
    if out.get("deploy") is not None:
        out["deploy"] = _deploy(dict(out["deploy"]))
    else:
        out.pop("deploy", None)
    out["environment"] = _environment(out, where, working_dir, env)
    out.pop("env_file", None)
    return out


def mapping(value: Any, allow_none: bool) -> dict[str, str | None]:
    """A `list_or_dict` value as a dict; a list entry without `=` gets None or ""."""
    if isinstance(value, dict):
        return {
            str(k): (None if v is None and allow_none else go_string("" if v is None else v))
            for k, v in value.items()
        }
    result: dict[str, str | None] = {}
    for entry in value:
        key, equals, rest = str(entry).partition("=")
        result[key] = rest if equals else (None if allow_none else "")
    return result


def _command(value: Any, where: str) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(value)
    except ValueError as exc:
        raise KeyProblem(where, f"cannot split {value!r} into words: {exc}") from None


def _hosts(value: Any) -> list[str]:
    if isinstance(value, dict):
        entries = sorted(f"{k}:{'' if v is None else go_string(v)}" for k, v in value.items())
    else:
        entries = []
        for entry in value:
            text = str(entry)
            cut = min((i for i in (text.find("="), text.find(":")) if i >= 0), default=-1)
            if cut >= 0:
                entries.append(f"{text[:cut]}:{text[cut + 1 :]}")
    hosts = []
    for entry in entries:
        host, _, address = entry.partition(":")
        if len(address) > 2 and address.startswith("[") and address.endswith("]"):
            address = address[1:-1]
        hosts.append(f"{host}:{address}")
    return hosts


def _environment(
    service: Mapping[str, Any], where: str, working_dir: Path, env: Mapping[str, str]
) -> dict[str, str | None]:
    environment: dict[str, str | None] = {}
    file_values: dict[str, str | None] = {}
    for name in service.get("env_file", []):
        path = _absolute(working_dir, str(name))
        try:
            file_values.update(read_service_env_file(path, env))
        except EnvFileError as exc:
            raise KeyProblem(f"{where}.env_file", str(exc)) from None
    for values in (file_values, mapping(service.get("environment", {}), allow_none=True)):
        for key, value in values.items():
            if (value is None or value == "") and key in env:
                environment[key] = env[key]
            else:
                environment[key] = value
    return environment


def _service_volume(
    value: Any, where: str, working_dir: Path, env: Mapping[str, str]
) -> dict[str, Any]:
    volume = parse_volume(value, where) if isinstance(value, str) else dict(value)
    if volume.get("type") == "bind":
        source = volume.get("source") or ""
        if not source:
            raise KeyProblem(where, "a bind mount needs a source")
        if source.startswith("~") and "HOME" in env:
            source = source.replace("~", env["HOME"], 1)
        volume["source"] = str(_absolute(working_dir, source))
    return volume


def parse_volume(spec: str, where: str) -> dict[str, Any]:
    """A short volume: `[SOURCE:]TARGET[:OPTIONS]`; a source starting with `.`, `/` or `~` is
    a bind mount, any other a named volume; options ro, rw, nocopy, a propagation."""
    if not spec:
        raise KeyProblem(where, "an empty volume")
    parts = spec.split(":")
    if any(part == "" for part in parts):
        raise KeyProblem(where, f"{spec!r}: empty section between colons")
    if len(parts) > 3:
        raise KeyProblem(where, f"{spec!r}: too many colons")
    volume: dict[str, Any] = {}
    if len(parts) == 1:
        volume["target"] = parts[0]
    else:
        volume["source"], volume["target"] = parts[0], parts[1]
    if len(parts) == 3:
        for option in parts[2].split(","):
            if option == "ro":
                volume["read_only"] = True
            elif option == "rw":
                volume["read_only"] = False
            elif option == "nocopy":
                volume["volume"] = {"nocopy": True}
            elif option in PROPAGATIONS:
                volume["bind"] = {"propagation": option}
    source = volume.get("source", "")
    volume["type"] = "bind" if source[:1] in (".", "/", "~") else "volume"
    return volume


def _deploy(deploy: dict[str, Any]) -> dict[str, Any]:
    if "labels" in deploy:
        deploy["labels"] = mapping(deploy["labels"], allow_none=False)
    return deploy


def _normalize_object(
    section: str, name: str, value: dict[str, Any], working_dir: Path
) -> dict[str, Any]:
    out = dict(value)
    if "labels" in out:
        out["labels"] = mapping(out["labels"], allow_none=False)
    if "driver_opts" in out:
        out["driver_opts"] = {str(k): go_string(v) for k, v in out["driver_opts"].items()}
    external = out.get("external")
    if isinstance(external, dict):
        out["external"] = True
        if external.get("name"):
            if out.get("name"):
                raise KeyProblem(
                    f"{section}.{name}",
                    "external.name and name conflict; only use name",
                )
            out["name"] = external["name"]
    if out.get("external"):
        if section == "volumes":
            for key in ("driver", "driver_opts", "labels"):
                if out.get(key):
                    raise KeyProblem(
                        f"{section}.{name}", f'"external" and "{key}" cannot both be set'
                    )
        out.setdefault("name", name)
        if not out["name"]:
            out["name"] = name
    elif section in ("secrets", "configs") and out.get("driver"):
        if out.get("file"):
            raise KeyProblem(f"{section}.{name}", "driver and file conflict; only use driver")
    elif section in ("secrets", "configs"):
        if "file" not in out:
            raise KeyProblem(f"{section}.{name}", "needs a file (or external: true)")
        out["file"] = str(_absolute(working_dir, str(out["file"])))
    return out


def _absolute(working_dir: Path, path: str) -> Path:
    expanded = os.path.expanduser(path) if path.startswith("~") else path
    return Path(os.path.normpath(os.path.join(working_dir, expanded)))
