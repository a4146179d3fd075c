"""Export: a compose file from the live objects of a stack (or from chosen services) that a
stack deploy turns back into the same specs, under any stack name.

The stack's own objects come back under their short names (a deploy creates them again,
named after the new stack); networks, volumes, secrets and configs of anything else are
external, by their full names. The engine never returns a secret's data: each secret of the
stack gets a file the operator fills. A config's data is returned: it is written beside the
compose file. Nothing here talks to an engine except `live_stack` and `live_services`, which
only read through the Mutator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from swarmtui.ports import Mutator
from swarmtui.stacks.export_objects import (
    VolumeUse,
    file_objects_section,
    networks_section,
    object_keys,
    volume_use,
    volumes_section,
)
from swarmtui.stacks.export_service import Keys, compose_service
from swarmtui.stacks.export_yaml import compose_text
from swarmtui.stacks.naming import NAMESPACE_LABEL

Spec = dict[str, Any]
COMPOSE_FILE_NAME = "docker-stack.yml"


class ExportProblem(ValueError):
    """What to export cannot be found."""


@dataclass(frozen=True)
class LiveStack:
    """What an export reads, as the engine lists it."""

    stack: str | None  # whose objects get short names (None: every object is external)
    services: list[Spec]
    networks: list[Spec]  # every network the engine lists: the services' are named from it
    secrets: list[Spec]  # the stack's own
    configs: list[Spec]  # the stack's own
    whole: bool = True  # the whole stack, not chosen services


@dataclass(frozen=True)
class ExportOptions:
    secrets_dir: str = "secrets"  # where the file says the secrets' (placeholder) files are
    configs_dir: str = "configs"
    keep_subnets: bool = True  # False: the stack's networks take the subnets a swarm gives


@dataclass(frozen=True)
class ExportedStack:
    stack: str | None
    whole: bool
    services: list[str]  # the services' names on the swarm
    compose: Spec
    config_files: dict[str, bytes]  # relative path -> data
    secret_files: list[str]  # relative paths of the files to fill
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        return compose_text(self.compose, self.header())

    def header(self) -> list[str]:
        origin = f"stack {self.stack}" if self.whole else "services " + ", ".join(self.services)
        lines = [
            f"Exported by swarmtui from {origin}.",
            f"Deploy it: swarmtui stack deploy -c {COMPOSE_FILE_NAME} NAME",
        ]
        if self.secret_files:
            lines += [
                "Secrets: the engine never returns their data. Write each secret into its file",
                "before deploying (an empty file is refused):",
                *(f"  {path}" for path in self.secret_files),
            ]
        if self.config_files:
            lines += [
                "Configs: their data, as the swarm holds it, is in these files:",
                *(f"  {path}" for path in sorted(self.config_files)),
            ]
        if self._takes_environment():
            lines.append(
                "Variables without a value (NAME or NAME=) take the value of the deploying "
                "shell's variable of that name, if it has one."
            )
        if self.warnings:
            lines += ["Not exported:", *(f"  {warning}" for warning in self.warnings)]
        return lines

    def _takes_environment(self) -> bool:
        return any(
            "=" not in entry or entry.endswith("=")
            for service in self.compose["services"].values()
            for entry in service.get("environment", [])
        )


def export_stack(live: LiveStack, options: ExportOptions | None = None) -> ExportedStack:
    options = options or ExportOptions()
    stack = live.stack
    warn: list[str] = []
    listed = {key: n for n in live.networks for key in (n.get("Id"), n.get("Name")) if key}
    services = sorted(live.services, key=lambda s: str(s["Spec"]["Name"]))
    service_keys = object_keys(stack, {s["Spec"]["Name"]: _in_stack(stack, s) for s in services})
    used = _References(stack, listed, warn)
    for service in services:
        used.add(service["Spec"])
    network_keys = object_keys(stack, used.networks)
    volume_keys = object_keys(stack, {name: use.owned for name, use in used.volumes.items()})
    owned_secrets = {s["Spec"]["Name"]: s for s in live.secrets}
    owned_configs = {c["Spec"]["Name"]: c for c in live.configs}
    secret_keys = object_keys(stack, _ownership(owned_secrets, used.secrets))
    config_keys = object_keys(stack, _ownership(owned_configs, used.configs))
    keys = Keys(
        lambda target: (network_keys[used.network_name(target)], used.network_name(target)),
        volume_keys,
        secret_keys,
        config_keys,
    )
    compose: Spec = {"services": {}}
    for service in services:
        name = service["Spec"]["Name"]
        key = service_keys[name]
        if _in_stack(stack, service) and key != name.removeprefix(f"{stack}_"):
            warn.append(f"service {name}: exported as {key} (its short name is taken)")
        compose["services"][key] = compose_service(key, service["Spec"], keys, warn)
    if live.whole:
        warn += [
            f"network {name}: no service uses it, so a deploy would not create it"
            for name in sorted(_stack_networks(live) - set(used.networks))
        ]
    networks = networks_section(
        stack, used.networks, network_keys, listed, options.keep_subnets, warn
    )
    volumes = volumes_section(stack, used.volumes, volume_keys)
    secrets = file_objects_section(
        "secret",
        stack,
        owned_secrets,
        used.secrets - set(owned_secrets),
        secret_keys,
        options.secrets_dir,
        warn,
    )
    configs = file_objects_section(
        "config",
        stack,
        owned_configs,
        used.configs - set(owned_configs),
        config_keys,
        options.configs_dir,
        warn,
    )
    for section, content in (
        ("networks", networks),
        ("volumes", volumes),
        ("secrets", secrets.section),
        ("configs", configs.section),
    ):
        if content:
            compose[section] = content
    return ExportedStack(
        stack,
        live.whole,
        [s["Spec"]["Name"] for s in services],
        compose,
        configs.files,
        secrets.placeholders,
        warn,
    )


def _in_stack(stack: str | None, service: Spec) -> bool:
    return bool(stack) and (service["Spec"].get("Labels") or {}).get(NAMESPACE_LABEL) == stack


def _stack_networks(live: LiveStack) -> set[str]:
    return {
        str(n.get("Name"))
        for n in live.networks
        if live.stack and (n.get("Labels") or {}).get(NAMESPACE_LABEL) == live.stack
    }


def _ownership(owned: dict[str, Spec], used: set[str]) -> dict[str, bool]:
    return {**{name: False for name in used}, **{name: True for name in owned}}


class _References:
    """The networks, volumes, secrets and configs the services refer to, by swarm name."""

    def __init__(self, stack: str | None, listed: dict[str, Spec], warn: list[str]) -> None:
        self.stack = stack
        self.listed = listed
        self.warn = warn
        self.networks: dict[str, bool] = {}  # name -> the stack's own
        self.volumes: dict[str, VolumeUse] = {}
        self.secrets: set[str] = set()
        self.configs: set[str] = set()

    def network_name(self, target: str) -> str:
        network = self.listed.get(target)
        return str(network["Name"]) if network else target

    def add(self, spec: Spec) -> None:
        template = spec.get("TaskTemplate") or {}
        container = template.get("ContainerSpec") or {}
        for attachment in template.get("Networks") or []:
            target = str(attachment.get("Target", ""))
            network = self.listed.get(target)
            if network is None:
                self.warn.append(
                    f"service {spec.get('Name')}: network {target} is not listed by the engine; "
                    "written as an external network of that name"
                )
            labels = (network or {}).get("Labels") or {}
            owned = bool(self.stack) and labels.get(NAMESPACE_LABEL) == self.stack
            self.networks[self.network_name(target)] = owned
        for mount in container.get("Mounts") or []:
            if (mount.get("Type") or "volume") == "volume" and mount.get("Source"):
                use = volume_use(self.stack, mount)
                known = self.volumes.setdefault(use.name, use)
                if known != use:
                    self.warn.append(
                        f"service {spec.get('Name')}: volume {use.name} is mounted with other "
                        "labels or driver than by another service; the first one is exported"
                    )
        self.secrets.update(r["SecretName"] for r in container.get("Secrets") or [])
        self.configs.update(r["ConfigName"] for r in container.get("Configs") or [])


def live_stack(engine: Mutator, stack: str) -> LiveStack:
    """What `export_stack` needs to export STACK."""
    label = f"{NAMESPACE_LABEL}={stack}"
    return LiveStack(
        stack,
        engine.labelled("service", label),
        engine.listed("network"),
        engine.labelled("secret", label),
        engine.labelled("config", label),
    )


def live_services(engine: Mutator, wanted: Sequence[str]) -> LiveStack:
    """What `export_stack` needs to export the services WANTED (names, ids or id prefixes).
    When they all belong to one stack, that stack's networks, volumes, secrets and configs
    they use are exported as the stack's own; otherwise everything they use is external."""
    every = engine.listed("service")
    chosen: dict[str, Spec] = {}
    for text in wanted:
        found = [s for s in every if text in (s["Spec"]["Name"], s["ID"])] or [
            s for s in every if s["ID"].startswith(text)
        ]
        if len(found) != 1:
            problem = "no service" if not found else "more than one service matches"
            raise ExportProblem(f"{problem} {text!r}")
        chosen[found[0]["ID"]] = found[0]
    services = list(chosen.values())
    stacks = {(s["Spec"].get("Labels") or {}).get(NAMESPACE_LABEL) for s in services}
    stack = stacks.pop() if len(stacks) == 1 else None
    secrets: list[Spec] = []
    configs: list[Spec] = []
    if stack:
        label = f"{NAMESPACE_LABEL}={stack}"
        containers = [
            (s["Spec"].get("TaskTemplate") or {}).get("ContainerSpec") or {} for s in services
        ]
        secret_names = {r["SecretName"] for c in containers for r in c.get("Secrets") or []}
        config_names = {r["ConfigName"] for c in containers for r in c.get("Configs") or []}
        secrets = [s for s in engine.labelled("secret", label) if s["Spec"]["Name"] in secret_names]
        configs = [c for c in engine.labelled("config", label) if c["Spec"]["Name"] in config_names]
    return LiveStack(stack, services, engine.listed("network"), secrets, configs, whole=False)
