"""From compose files to a StackPlan: read, interpolate, check, normalise, merge, convert.

Nothing here talks to an engine: a plan that comes out is complete, and any problem is a
ComposeFileError naming the file, the line and the key, raised before anything is sent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from swarmtui.stacks.compose_file import ComposeFile, ComposeFileError, load_compose_file
from swarmtui.stacks.env_file import EnvFileError, read_env_file
from swarmtui.stacks.key_problem import KeyProblem
from swarmtui.stacks.merge import merge_files
from swarmtui.stacks.naming import image_problem, stack_name_problem
from swarmtui.stacks.normalize import normalize_file
from swarmtui.stacks.objects import (
    file_object_plans,
    network_plans,
    used_networks,
)
from swarmtui.stacks.plan import StackPlan, StackSource
from swarmtui.stacks.schema import cast_interpolated, validate
from swarmtui.stacks.service_spec import service_spec

# What `docker stack deploy` refuses outright, with its reasons.
FORBIDDEN = {
    "extends": "extends is not supported",
    "volume_driver": "define the driver on a top-level volume instead",
    "volumes_from": "share a top-level volume instead",
    "cpu_quota": "set resource limits with deploy.resources",
    "cpu_shares": "set resource limits with deploy.resources",
    "cpuset": "set resource limits with deploy.resources",
    "mem_limit": "set resource limits with deploy.resources",
    "memswap_limit": "set resource limits with deploy.resources",
}
# Keys a swarm service has no use for: named in a warning and skipped, as the CLI does.
IGNORED = {
    "build": "images are not built by a stack deploy",
    "cgroupns_mode": "not supported by swarm services",
    "cgroup_parent": "not supported by swarm services",
    "container_name": "a service's containers are named by the swarm",
    "depends_on": "swarm starts services in no order",
    "devices": "not supported by swarm services",
    "domainname": "not supported by swarm services",
    "expose": "services on one network reach each other on any port",
    "external_links": "not supported by swarm services",
    "ipc": "not supported by swarm services",
    "links": "use networks (service names resolve on them)",
    "mac_address": "not supported by swarm services",
    "network_mode": "not supported by swarm services",
    "pid": "not supported by swarm services",
    "privileged": "not supported by swarm services",
    "restart": "used only when deploy.restart_policy is not set",
    "security_opt": "not supported by swarm services",
    "shm_size": "not supported by swarm services",
    "tmpfs": "use a volume of type tmpfs",
    "userns_mode": "not supported by swarm services",
}


def stack_environment(
    source: StackSource, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Variables for interpolation: the `--env-file` (or a `.env` beside the first compose
    file), overridden by the process environment."""
    environ = os.environ if environ is None else environ
    env_file = source.env_file
    if env_file is None and source.compose_files:
        beside = source.compose_files[0].parent / ".env"
        env_file = beside if beside.is_file() else None
    values: dict[str, str] = {}
    if env_file is not None:
        try:
            values = read_env_file(env_file)
        except EnvFileError as exc:
            raise ComposeFileError(exc.path, exc.message, exc.line) from None
    return {**values, **environ}


def load_stack(source: StackSource, environ: Mapping[str, str] | None = None) -> StackPlan:
    if not source.compose_files:
        raise ComposeFileError("stack", "no compose file given (-c FILE)")
    env = stack_environment(source, environ)
    working_dir = Path(os.path.abspath(source.compose_files[0])).parent
    files = [load_compose_file(path, env) for path in source.compose_files]
    normalized = [_checked(file, working_dir, env) for file in files]
    problem = stack_name_problem(source.name)
    if problem:
        raise ComposeFileError("stack name", problem)
    merged = merge_files(normalized)
    warnings = _ignored_keys(files)
    stack = source.name
    services: dict[str, Any] = {}
    for name in sorted(merged["services"]):
        service = merged["services"][name]
        where = f"services.{name}"
        problem = image_problem(str(service.get("image", "")))
        if problem:
            raise _locate(
                files, f"{where}.image", where, f"invalid image for service {name}: {problem}"
            )
        try:
            services[name] = service_spec(
                stack,
                name,
                service,
                merged["networks"],
                merged["volumes"],
                merged["secrets"],
                merged["configs"],
            )
        except KeyProblem as exc:
            raise _locate(files, exc.where, where, exc.message) from None
    networks, external_networks = network_plans(
        stack, merged["networks"], used_networks(merged["services"])
    )
    try:
        secrets = file_object_plans("secret", stack, merged["secrets"], _used(merged, "secrets"))
        configs = file_object_plans("config", stack, merged["configs"], _used(merged, "configs"))
    except KeyProblem as exc:
        raise _locate(files, exc.where, exc.where, exc.message) from None
    origins = {
        (kind, name): _origin(files, f"{section}.{key}")
        for kind, section, objects in (
            ("network", "networks", merged["networks"]),
            ("secret", "secrets", merged["secrets"]),
            ("config", "configs", merged["configs"]),
        )
        for key, value in objects.items()
        if (value or {}).get("external")
        for name in [(value or {}).get("name") or key]
    }
    return StackPlan(
        stack, services, networks, external_networks, secrets, configs, warnings, origins
    )


def _checked(file: ComposeFile, working_dir: Path, env: Mapping[str, str]) -> dict[str, Any]:
    data = file.data
    version = str(data.get("version", "3"))
    if not version.startswith("3"):
        raise file.error(
            "version", f"version {version!r} is not supported by stacks: use version 3 (or none)"
        )
    for name, service in (data.get("services") or {}).items():
        for key in FORBIDDEN:
            if isinstance(service, dict) and key in service:
                raise file.error(
                    f"services.{name}.{key}", f"not supported by stacks: {FORBIDDEN[key]}"
                )
    try:
        data = cast_interpolated(data)
        validate(data)
    except KeyProblem as exc:
        raise file.error(exc.where, exc.message) from None
    try:
        return normalize_file(data, working_dir, env)
    except KeyProblem as exc:
        raise file.error(exc.where, exc.message) from None


def _ignored_keys(files: list[ComposeFile]) -> list[str]:
    found: dict[str, set[str]] = {}
    for file in files:
        for name, service in (file.data.get("services") or {}).items():
            for key in IGNORED:
                if isinstance(service, dict) and key in service:
                    found.setdefault(key, set()).add(str(name))
    return [
        f"ignoring {key} ({', '.join(sorted(names))}): {IGNORED[key]}"
        for key, names in sorted(found.items())
    ]


def _used(merged: Mapping[str, Any], kind: str) -> set[str]:
    return {
        str(reference.get("source"))
        for service in merged["services"].values()
        for reference in service.get(kind) or []
    }


def _locate(files: list[ComposeFile], where: str, fallback: str, message: str) -> ComposeFileError:
    """The error at key path WHERE, on the line of WHERE (or else of FALLBACK) in the last
    file that holds it; the first file when none does."""
    for path in (where, fallback):
        for file in reversed(files):
            line = file.line(path)
            if line:
                return ComposeFileError(file.path, message, line, where)
    return ComposeFileError(files[0].path, message, 0, where)


def _origin(files: list[ComposeFile], where: str) -> str:
    for file in reversed(files):
        line = file.line(where)
        if line:
            return f"{file.path}:{line}: {where}"
    return ""
