"""Engine API JSON to frozen models. Pure functions, tested on recorded JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from swarmtui.core.models import EngineInfo, Node, PortSpec, Service, Task

_FRACTION = re.compile(r"\.(\d+)")
_ZERO_TIME = "0001-01-01T00:00:00Z"

Json = dict[str, Any]


def parse_time(value: object) -> datetime | None:
    """Parse the engine's RFC 3339 timestamps (nanoseconds, Z or offset)."""
    if not isinstance(value, str) or not value or value.startswith(_ZERO_TIME[:10]):
        return None
    text = value.replace("Z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def json_get(data: Any, *path: str, default: Any = None) -> Any:
    """The value at PATH in nested JSON objects; DEFAULT when a step is missing or null."""
    for key in path:
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def engine_info_from_json(info: Json, api_version: str) -> EngineInfo:
    swarm = json_get(info, "Swarm", default={})
    return EngineInfo(
        name=str(json_get(info, "Name", default="")),
        server_version=str(json_get(info, "ServerVersion", default="")),
        api_version=api_version,
        os=str(json_get(info, "OperatingSystem", default="")),
        architecture=str(json_get(info, "Architecture", default="")),
        swarm_state=str(json_get(swarm, "LocalNodeState", default="inactive")),
        is_manager=bool(json_get(swarm, "ControlAvailable", default=False)),
        node_id=str(json_get(swarm, "NodeID", default="")),
        node_address=str(json_get(swarm, "NodeAddr", default="")),
        cluster_id=str(json_get(swarm, "Cluster", "ID", default="")),
        managers=int(json_get(swarm, "Managers", default=0)),
        nodes=int(json_get(swarm, "Nodes", default=0)),
        logging_driver=str(json_get(info, "LoggingDriver", default="")),
    )


def node_from_json(data: Json, self_node_id: str = "") -> Node:
    labels = json_get(data, "Spec", "Labels", default={})
    platform = json_get(data, "Description", "Platform", default={})
    manager = json_get(data, "ManagerStatus", default={})
    if manager.get("Leader"):
        manager_status = "Leader"
    elif manager:
        manager_status = str(manager.get("Reachability", "")).capitalize()
    else:
        manager_status = ""
    os_name = str(platform.get("OS", ""))
    arch = str(platform.get("Architecture", ""))
    return Node(
        id=str(data.get("ID", "")),
        hostname=str(json_get(data, "Description", "Hostname", default="")),
        role=str(json_get(data, "Spec", "Role", default="worker")),
        status=str(json_get(data, "Status", "State", default="unknown")),
        availability=str(json_get(data, "Spec", "Availability", default="active")),
        manager_status=manager_status,
        engine_version=str(json_get(data, "Description", "Engine", "EngineVersion", default="")),
        address=str(json_get(data, "Status", "Addr", default="")),
        labels=tuple(sorted((str(k), str(v)) for k, v in labels.items())),
        platform=f"{os_name}/{arch}" if os_name or arch else "",
        cpus=int(json_get(data, "Description", "Resources", "NanoCPUs", default=0)) / 1e9,
        memory_bytes=int(json_get(data, "Description", "Resources", "MemoryBytes", default=0)),
        created_at=parse_time(data.get("CreatedAt")),
        updated_at=parse_time(data.get("UpdatedAt")),
        is_self=bool(self_node_id) and data.get("ID") == self_node_id,
        raw=data,
    )


def _service_mode(spec_mode: Json) -> tuple[str, int | None]:
    if "Replicated" in spec_mode:
        return "replicated", int(json_get(spec_mode, "Replicated", "Replicas", default=1))
    if "Global" in spec_mode:
        return "global", None
    if "ReplicatedJob" in spec_mode:
        total = json_get(spec_mode, "ReplicatedJob", "TotalCompletions")
        return "replicated-job", None if total is None else int(total)
    if "GlobalJob" in spec_mode:
        return "global-job", None
    return "unknown", None


def short_image(image: str) -> str:
    """`alpine:latest@sha256:...` shows as `alpine:latest`, as the CLI does."""
    return image.split("@", 1)[0]


def service_from_json(data: Json) -> Service:
    spec = json_get(data, "Spec", default={})
    mode, spec_replicas = _service_mode(json_get(spec, "Mode", default={}))
    status = json_get(data, "ServiceStatus", default={})
    desired = status.get("DesiredTasks") if status else None
    running = status.get("RunningTasks") if status else None
    if desired is None:
        desired = spec_replicas
    ports = tuple(
        PortSpec(
            published=int(p.get("PublishedPort", 0)),
            target=int(p.get("TargetPort", 0)),
            protocol=str(p.get("Protocol", "tcp")),
            mode=str(p.get("PublishMode", "ingress")),
        )
        for p in json_get(data, "Endpoint", "Ports", default=[])
        if p.get("PublishedPort")
    )
    return Service(
        id=str(data.get("ID", "")),
        name=str(spec.get("Name", "")),
        mode=mode,
        replicas_desired=None if desired is None else int(desired),
        replicas_running=None if running is None else int(running),
        image=short_image(
            str(json_get(spec, "TaskTemplate", "ContainerSpec", "Image", default=""))
        ),
        ports=ports,
        created_at=parse_time(data.get("CreatedAt")),
        updated_at=parse_time(data.get("UpdatedAt")),
        update_state=str(json_get(data, "UpdateStatus", "State", default="")),
        version=int(json_get(data, "Version", "Index", default=0)),
        raw=data,
    )


def task_from_json(data: Json) -> Task:
    status = json_get(data, "Status", default={})
    exit_code = json_get(status, "ContainerStatus", "ExitCode")
    slot = data.get("Slot")
    return Task(
        id=str(data.get("ID", "")),
        service_id=str(data.get("ServiceID", "")),
        slot=None if slot is None else int(slot),
        node_id=str(data.get("NodeID", "")),
        desired_state=str(data.get("DesiredState", "")),
        state=str(status.get("State", "")),
        message=str(status.get("Message", "")),
        error=str(status.get("Err", "")),
        image=short_image(str(json_get(data, "Spec", "ContainerSpec", "Image", default=""))),
        created_at=parse_time(data.get("CreatedAt")),
        state_since=parse_time(status.get("Timestamp")),
        exit_code=None if exit_code is None else int(exit_code),
        container_id=str(json_get(status, "ContainerStatus", "ContainerID", default="")),
        raw=data,
    )
