"""The edit form: every field of the create form and the rest of a service that operators
change, as text prefilled from the live ServiceSpec.

List fields hold shell-quoted entries separated by spaces (`'MSG=hello world' B=2`): values
read from a live spec may contain spaces, which the create form's plain splitting would cut.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmtui.actions.service_edit.spec_tree import CONTAINER, PLACEMENT, Spec, lookup, object_at
from swarmtui.actions.service_edit.units import cpus_text, duration_text, memory_text
from swarmtui.actions.service_form import ServiceFormInput
from swarmtui.ports import Mutator

MODE_NAMES = {
    "Replicated": "replicated",
    "Global": "global",
    "ReplicatedJob": "replicated-job",
    "GlobalJob": "global-job",
}
ROLLBACK_FAILURE_ACTIONS = ("pause", "continue")
HEALTH_DISABLED = "NONE"


@dataclass(frozen=True)
class ServiceEditForm(ServiceFormInput):
    networks: str = ""
    secrets: str = ""  # NAME or NAME:TARGET
    configs: str = ""
    health_cmd: str = ""  # a shell command; NONE disables the image's healthcheck
    health_interval: str = ""
    health_timeout: str = ""
    health_retries: str = ""
    health_start_period: str = ""
    placement_prefs: str = ""  # spread=node.labels.zone
    max_replicas: str = ""  # per node; empty for no limit
    rollback_parallelism: str = "1"
    rollback_delay: str = ""
    rollback_order: str = "stop-first"
    rollback_failure_action: str = "pause"
    restart_delay: str = "5s"
    restart_max_attempts: str = "0"
    restart_window: str = ""
    log_driver: str = ""
    log_options: str = ""  # KEY=VALUE
    hostname: str = ""
    user: str = ""
    workdir: str = ""


@dataclass(frozen=True)
class SwarmNames:
    """Names the spec refers to by id: networks (id -> name) and the ids of secrets and
    configs by name, for entries the user adds."""

    networks: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    configs: Mapping[str, str] = field(default_factory=dict)

    def network_id(self, text: str) -> str | None:
        if text in self.networks:
            return text
        return next((id_ for id_, name in self.networks.items() if name == text), None)


def entries_text(items: Iterable[str]) -> str:
    return " ".join(shlex.quote(item) for item in items)


def form_from_spec(spec: Spec, names: SwarmNames | None = None) -> ServiceEditForm:
    names = names or SwarmNames()
    container: Spec = lookup(spec, CONTAINER) or {}
    template: Spec = spec.get("TaskTemplate") or {}
    restart = object_at(spec, ("TaskTemplate", "RestartPolicy"))
    update = object_at(spec, ("UpdateConfig",))
    rollback = object_at(spec, ("RollbackConfig",))
    placement: Spec = lookup(spec, PLACEMENT) or {}
    health: Spec = container.get("Healthcheck") or {}
    log_driver: Spec = template.get("LogDriver") or {}
    mode_key = next((key for key in MODE_NAMES if key in (spec.get("Mode") or {})), "Replicated")
    replicas = lookup(spec, ("Mode", "Replicated", "Replicas"))
    return ServiceEditForm(
        image=container.get("Image", ""),
        name=spec.get("Name", ""),
        mode=MODE_NAMES[mode_key],
        replicas=str(replicas or 0) if mode_key == "Replicated" else "",
        command=shlex.join(container.get("Args") or []),
        env=entries_text(container.get("Env") or []),
        ports=entries_text(port_text(p) for p in lookup(spec, ("EndpointSpec", "Ports")) or []),
        constraints=entries_text(placement.get("Constraints") or []),
        labels=entries_text(_pair_text(k, v) for k, v in (spec.get("Labels") or {}).items()),
        mounts=entries_text(mount_text(m) for m in container.get("Mounts") or []),
        restart_condition=restart.get("Condition") or "any",
        restart_delay=_optional_duration(restart.get("Delay")),
        restart_max_attempts=_optional_number(restart.get("MaxAttempts")),
        restart_window=_optional_duration(restart.get("Window")),
        update_parallelism=str(update.get("Parallelism", 0)),
        update_delay=_duration(update.get("Delay")),
        update_order=update.get("Order") or "stop-first",
        update_failure_action=update.get("FailureAction") or "pause",
        rollback_parallelism=str(rollback.get("Parallelism", 0)),
        rollback_delay=_duration(rollback.get("Delay")),
        rollback_order=rollback.get("Order") or "stop-first",
        rollback_failure_action=rollback.get("FailureAction") or "pause",
        limit_cpus=_cpus(lookup(spec, ("TaskTemplate", "Resources", "Limits", "NanoCPUs"))),
        limit_memory=_memory(lookup(spec, ("TaskTemplate", "Resources", "Limits", "MemoryBytes"))),
        reserve_cpus=_cpus(lookup(spec, ("TaskTemplate", "Resources", "Reservations", "NanoCPUs"))),
        reserve_memory=_memory(
            lookup(spec, ("TaskTemplate", "Resources", "Reservations", "MemoryBytes"))
        ),
        networks=entries_text(
            names.networks.get(n.get("Target", ""), n.get("Target", ""))
            for n in template.get("Networks") or spec.get("Networks") or []
        ),
        secrets=entries_text(reference_texts(container.get("Secrets"), "Secret")),
        configs=entries_text(reference_texts(container.get("Configs"), "Config")),
        health_cmd=health_command_text(health.get("Test") or []),
        health_interval=_duration(health.get("Interval")),
        health_timeout=_duration(health.get("Timeout")),
        health_retries=_number(health.get("Retries")),
        health_start_period=_duration(health.get("StartPeriod")),
        placement_prefs=entries_text(
            f"spread={p['Spread'].get('SpreadDescriptor', '')}"
            for p in placement.get("Preferences") or []
            if "Spread" in p
        ),
        max_replicas=_number(placement.get("MaxReplicas")),
        log_driver=log_driver.get("Name", ""),
        log_options=entries_text(f"{k}={v}" for k, v in (log_driver.get("Options") or {}).items()),
        hostname=container.get("Hostname", ""),
        user=container.get("User", ""),
        workdir=container.get("Dir", ""),
    )


def port_text(port: Mapping[str, Any]) -> str:
    """`8080:80`, `80`, `5353:53/udp@host`: the create form's port syntax."""
    target = port.get("TargetPort", 0)
    published = port.get("PublishedPort")
    text = f"{published}:{target}" if published else str(target)
    if (port.get("Protocol") or "tcp") != "tcp":
        text += f"/{port['Protocol']}"
    if (port.get("PublishMode") or "ingress") != "ingress":
        text += f"@{port['PublishMode']}"
    return text


def mount_text(mount: Mapping[str, Any]) -> str:
    kind = mount.get("Type", "volume")
    if kind == "tmpfs":
        return f"tmpfs:{mount.get('Target', '')}"
    text = f"{kind}:{mount.get('Source', '')}:{mount.get('Target', '')}"
    return text + (":ro" if mount.get("ReadOnly") else "")


def reference_texts(references: list[Spec] | None, kind: str) -> list[str]:
    """Secret or config references as NAME or NAME:TARGET; a config used as a credential
    spec (no file) is not shown and never touched."""
    texts = []
    for reference in references or []:
        if "File" not in reference:
            continue
        name = reference.get(f"{kind}Name", "")
        target = reference["File"].get("Name", "")
        texts.append(name if target == name else f"{name}:{target}")
    return texts


def health_command_text(test: list[str]) -> str:
    if not test:
        return ""
    if test[0] == HEALTH_DISABLED:
        return HEALTH_DISABLED
    if test[0] == "CMD-SHELL":
        return " ".join(test[1:])
    return shlex.join(test[1:])  # CMD: the exec form, shown as words


def _pair_text(key: str, value: str) -> str:
    return f"{key}={value}" if value else key


def _duration(nanos: int | None) -> str:
    return duration_text(nanos) if nanos else ""


def _optional_duration(nanos: int | None) -> str:
    """Go pointers: 0 is a value (`0s`), absence is the engine's default."""
    return "" if nanos is None else duration_text(nanos)


def _number(value: int | None) -> str:
    return str(value) if value else ""


def _optional_number(value: int | None) -> str:
    return "" if value is None else str(value)


def _cpus(nanos: int | None) -> str:
    return cpus_text(nanos) if nanos else ""


def _memory(amount: int | None) -> str:
    return memory_text(amount) if amount else ""


def swarm_names(mutator: Mutator) -> SwarmNames:
    """Network names by id, secret and config ids by name: three list requests."""
    return SwarmNames(
        networks={n["Id"]: n.get("Name", "") for n in mutator.listed("network") if "Id" in n},
        secrets={s["Spec"]["Name"]: s["ID"] for s in mutator.listed("secret")},
        configs={c["Spec"]["Name"]: c["ID"] for c in mutator.listed("config")},
    )
