"""The create-service form: raw field text -> validated definition -> Engine API spec and the
equivalent `docker service create` command."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from swarmtui.actions.validation import (
    InputError,
    MountSpec,
    PortMapping,
    parse_constraints,
    parse_cpus,
    parse_duration,
    parse_env,
    parse_labels,
    parse_memory,
    parse_mounts,
    parse_ports,
    parse_replicas,
    parse_whole,
    validate_image,
    validate_service_name,
)

RESTART_CONDITIONS = ("any", "on-failure", "none")
UPDATE_ORDERS = ("stop-first", "start-first")
FAILURE_ACTIONS = ("pause", "continue", "rollback")
RESOURCE_FLAGS = {
    "limit_cpus": "--limit-cpu",
    "limit_memory": "--limit-memory",
    "reserve_cpus": "--reserve-cpu",
    "reserve_memory": "--reserve-memory",
}


@dataclass(frozen=True)
class ServiceFormInput:
    """What the user typed, field by field (all text, as the form holds it)."""

    image: str = ""
    name: str = ""
    mode: str = "replicated"  # replicated | global
    replicas: str = "1"
    command: str = ""  # the command and its arguments, shell-quoted
    env: str = ""
    ports: str = ""
    constraints: str = ""
    labels: str = ""
    mounts: str = ""
    restart_condition: str = "any"
    update_parallelism: str = ""
    update_delay: str = ""
    update_order: str = "stop-first"
    update_failure_action: str = "pause"
    limit_cpus: str = ""
    limit_memory: str = ""
    reserve_cpus: str = ""
    reserve_memory: str = ""


@dataclass(frozen=True)
class ServiceDefinition:
    image: str
    name: str
    mode: str
    replicas: int
    args: list[str]
    env: list[str] = field(default_factory=list)
    ports: list[PortMapping] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    mounts: list[MountSpec] = field(default_factory=list)
    restart_condition: str = "any"
    update_parallelism: int | None = None
    update_delay: int | None = None
    update_delay_text: str = ""
    update_order: str = "stop-first"
    update_failure_action: str = "pause"
    limit_cpus: int | None = None
    limit_memory: int | None = None
    reserve_cpus: int | None = None
    reserve_memory: int | None = None
    resource_texts: dict[str, str] = field(default_factory=dict)


def _choice(value: str, choices: tuple[str, ...], field_name: str) -> str:
    if value not in choices:
        raise InputError(field_name, f"{value!r}: choose one of {', '.join(choices)}.")
    return value


def validate_form(form: ServiceFormInput) -> ServiceDefinition:
    """Check every field; the first bad one raises InputError naming it."""
    mode = _choice(form.mode, ("replicated", "global"), "mode")
    try:
        args = shlex.split(form.command)
    except ValueError as exc:
        raise InputError("command", f"Command: {exc}.") from None
    resources = {
        "limit_cpus": form.limit_cpus,
        "limit_memory": form.limit_memory,
        "reserve_cpus": form.reserve_cpus,
        "reserve_memory": form.reserve_memory,
    }
    return ServiceDefinition(
        image=validate_image(form.image),
        name=validate_service_name(form.name),
        mode=mode,
        replicas=parse_replicas(form.replicas) if mode == "replicated" else 0,
        args=args,
        env=parse_env(form.env),
        ports=parse_ports(form.ports),
        constraints=parse_constraints(form.constraints),
        labels=parse_labels(form.labels),
        mounts=parse_mounts(form.mounts),
        restart_condition=_choice(form.restart_condition, RESTART_CONDITIONS, "restart"),
        update_parallelism=parse_whole(form.update_parallelism, "update_parallelism"),
        update_delay=parse_duration(form.update_delay, "update_delay"),
        update_delay_text=form.update_delay.strip(),
        update_order=_choice(form.update_order, UPDATE_ORDERS, "update_order"),
        update_failure_action=_choice(
            form.update_failure_action, FAILURE_ACTIONS, "update_failure_action"
        ),
        limit_cpus=parse_cpus(form.limit_cpus, "limit_cpus"),
        limit_memory=parse_memory(form.limit_memory, "limit_memory"),
        reserve_cpus=parse_cpus(form.reserve_cpus, "reserve_cpus"),
        reserve_memory=parse_memory(form.reserve_memory, "reserve_memory"),
        resource_texts={k: v.strip() for k, v in resources.items() if v.strip()},
    )


def _resources(cpus: int | None, memory: int | None) -> dict[str, int]:
    result = {}
    if cpus is not None:
        result["NanoCPUs"] = cpus
    if memory is not None:
        result["MemoryBytes"] = memory
    return result


def service_spec(definition: ServiceDefinition) -> dict[str, Any]:
    """The Engine API ServiceSpec for POST /services/create."""
    container: dict[str, Any] = {"Image": definition.image}
    if definition.args:
        container["Args"] = definition.args
    if definition.env:
        container["Env"] = definition.env
    if definition.mounts:
        container["Mounts"] = [
            {"Type": m.kind, "Source": m.source, "Target": m.target, "ReadOnly": m.read_only}
            for m in definition.mounts
        ]
    template: dict[str, Any] = {
        "ContainerSpec": container,
        "RestartPolicy": {"Condition": definition.restart_condition},
    }
    if definition.constraints:
        template["Placement"] = {"Constraints": definition.constraints}
    limits = _resources(definition.limit_cpus, definition.limit_memory)
    reservations = _resources(definition.reserve_cpus, definition.reserve_memory)
    if limits or reservations:
        template["Resources"] = {"Limits": limits, "Reservations": reservations}
    update: dict[str, Any] = {
        "Order": definition.update_order,
        "FailureAction": definition.update_failure_action,
    }
    if definition.update_parallelism is not None:
        update["Parallelism"] = definition.update_parallelism
    if definition.update_delay is not None:
        update["Delay"] = definition.update_delay
    mode: dict[str, Any] = (
        {"Replicated": {"Replicas": definition.replicas}}
        if definition.mode == "replicated"
        else {"Global": {}}
    )
    spec: dict[str, Any] = {
        "Name": definition.name,
        "Labels": definition.labels,
        "TaskTemplate": template,
        "Mode": mode,
        "UpdateConfig": update,
    }
    if definition.ports:
        spec["EndpointSpec"] = {
            "Ports": [
                {
                    "TargetPort": p.target,
                    **({"PublishedPort": p.published} if p.published is not None else {}),
                    "Protocol": p.protocol,
                    "PublishMode": p.mode,
                }
                for p in definition.ports
            ]
        }
    return spec


def create_command(definition: ServiceDefinition) -> str:
    """The `docker service create ...` that does the same."""
    words = ["docker", "service", "create", "--name", definition.name]
    if definition.mode == "global":
        words += ["--mode", "global"]
    elif definition.replicas != 1:
        words += ["--replicas", str(definition.replicas)]
    for env in definition.env:
        words += ["--env", env]
    for port in definition.ports:
        words += ["--publish", port.flag()]
    for constraint in definition.constraints:
        words += ["--constraint", constraint]
    for key, value in definition.labels.items():
        words += ["--label", f"{key}={value}" if value else key]
    for mount in definition.mounts:
        words += ["--mount", mount.flag()]
    if definition.restart_condition != "any":
        words += ["--restart-condition", definition.restart_condition]
    if definition.update_parallelism is not None:
        words += ["--update-parallelism", str(definition.update_parallelism)]
    if definition.update_delay_text:
        words += ["--update-delay", definition.update_delay_text]
    if definition.update_order != "stop-first":
        words += ["--update-order", definition.update_order]
    if definition.update_failure_action != "pause":
        words += ["--update-failure-action", definition.update_failure_action]
    for key, text in definition.resource_texts.items():
        words += [RESOURCE_FLAGS[key], text]
    words.append(definition.image)
    words += definition.args
    return shlex.join(words)
