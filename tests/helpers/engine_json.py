"""Engine API JSON as a 20.10 manager returns it (`GET /nodes`, `/services`, `/tasks`),
built field by field for unit tests, then read through swarmtui.core.mapping."""

from __future__ import annotations

from typing import Any

from swarmtui.core.mapping import node_from_json, service_from_json, task_from_json
from swarmtui.core.models import Node, Service, Task

GIB = 2**30
CPU = 1_000_000_000
SERVICE_ID = "p0w7aqchm3vtxdqtjy2khvd4o"
WHEN = "2026-03-02T10:15:04.512345678Z"


def node(
    hostname: str,
    *,
    role: str = "worker",
    labels: dict[str, str] | None = None,
    engine_labels: dict[str, str] | None = None,
    state: str = "ready",
    availability: str = "active",
    cpus: float = 2,
    memory: int = 2 * GIB,
    address: str = "172.20.0.3",
    message: str = "",
) -> Node:
    data: dict[str, Any] = {
        "ID": f"id-{hostname}-0000000000000000",
        "Version": {"Index": 31},
        "CreatedAt": WHEN,
        "UpdatedAt": WHEN,
        "Spec": {"Labels": labels or {}, "Role": role, "Availability": availability},
        "Description": {
            "Hostname": hostname,
            "Platform": {"Architecture": "x86_64", "OS": "linux"},
            "Resources": {"NanoCPUs": int(cpus * CPU), "MemoryBytes": memory},
            "Engine": {
                "EngineVersion": "20.10.24",
                "Labels": engine_labels or {},
                "Plugins": [{"Type": "Log", "Name": "json-file"}],
            },
        },
        "Status": {"State": state, "Addr": address},
    }
    if message:
        data["Status"]["Message"] = message
    if role == "manager":
        data["ManagerStatus"] = {"Leader": True, "Reachability": "reachable", "Addr": address}
    return node_from_json(data)


def task(
    task_id: str = "x9k2vd0tqzj6l3m1w8n4b5c7e",
    *,
    state: str = "running",
    desired: str = "running",
    message: str = "started",
    error: str = "",
    node_id: str = "",
    service_id: str = SERVICE_ID,
    exit_code: int | None = None,
    constraints: list[str] | None = None,
    max_replicas: int = 0,
    reserve_cpus: float = 0,
    reserve_memory: int = 0,
    limit_memory: int = 0,
    host_ports: list[int] | None = None,
    secrets: list[tuple[str, str]] | None = None,
    networks: list[tuple[str, str]] | None = None,
    healthcheck: list[str] | None = None,
    image: str = "swarmtui-workload:latest",
    when: str = WHEN,
) -> Task:
    container: dict[str, Any] = {"Image": image, "Init": False, "Isolation": "default"}
    if secrets:
        container["Secrets"] = [
            {
                "File": {"Name": name, "UID": "0", "GID": "0", "Mode": 292},
                "SecretID": secret_id,
                "SecretName": name,
            }
            for secret_id, name in secrets
        ]
    if healthcheck:
        container["Healthcheck"] = {"Test": healthcheck, "Interval": 1_000_000_000}
    resources: dict[str, Any] = {"Limits": {}, "Reservations": {}}
    if reserve_cpus:
        resources["Reservations"]["NanoCPUs"] = int(reserve_cpus * CPU)
    if reserve_memory:
        resources["Reservations"]["MemoryBytes"] = reserve_memory
    if limit_memory:
        resources["Limits"]["MemoryBytes"] = limit_memory
    placement: dict[str, Any] = {
        "Platforms": [{"Architecture": "amd64", "OS": "linux"}],
    }
    if constraints:
        placement["Constraints"] = constraints
    if max_replicas:
        placement["MaxReplicas"] = max_replicas
    status: dict[str, Any] = {"Timestamp": when, "State": state, "Message": message}
    if error:
        status["Err"] = error
    if node_id and state not in ("pending", "assigned"):
        status["ContainerStatus"] = {
            "ContainerID": "c0ffee" + task_id,
            "PID": 0 if exit_code is not None else 4242,
            "ExitCode": exit_code or 0,
        }
    status["PortStatus"] = {}
    if host_ports and state == "running":
        status["PortStatus"]["Ports"] = [
            {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": port, "PublishMode": "host"}
            for port in host_ports
        ]
    data: dict[str, Any] = {
        "ID": task_id,
        "Version": {"Index": 57},
        "CreatedAt": WHEN,
        "UpdatedAt": when,
        "Labels": {},
        "Spec": {
            "ContainerSpec": container,
            "Resources": resources,
            "RestartPolicy": {"Condition": "any", "Delay": 5_000_000_000, "MaxAttempts": 0},
            "Placement": placement,
            "ForceUpdate": 0,
        },
        "ServiceID": service_id,
        "Slot": 1,
        "Status": status,
        "DesiredState": desired,
    }
    if node_id:
        data["NodeID"] = node_id
    if networks:
        data["Spec"]["Networks"] = [{"Target": network_id} for network_id, _ in networks]
        data["NetworksAttachments"] = [
            {"Network": {"ID": network_id, "Spec": {"Name": name}}, "Addresses": []}
            for network_id, name in networks
        ]
    return task_from_json(data)


def service(
    *,
    replicas: int | None = 3,
    running: int | None = None,
    host_ports: list[int] | None = None,
    mode: str = "replicated",
    update_state: str = "",
    updated_at: str = WHEN,
) -> Service:
    modes: dict[str, Any] = {
        "replicated": {"Replicated": {"Replicas": replicas}},
        "global": {"Global": {}},
        "replicated-job": {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 1}},
    }
    ports = [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": port, "PublishMode": "host"}
        for port in host_ports or []
    ]
    data: dict[str, Any] = {
        "ID": SERVICE_ID,
        "Version": {"Index": 60},
        "CreatedAt": WHEN,
        "UpdatedAt": updated_at,
        "Spec": {
            "Name": "web",
            "TaskTemplate": {"ContainerSpec": {"Image": "swarmtui-workload:latest"}},
            "Mode": modes[mode],
            "EndpointSpec": {"Mode": "vip", "Ports": ports},
        },
        "Endpoint": {"Spec": {"Mode": "vip", "Ports": ports}, "Ports": ports},
    }
    if running is not None:
        data["ServiceStatus"] = {
            "RunningTasks": running,
            "DesiredTasks": replicas if replicas is not None else running,
            "CompletedTasks": 0,
        }
    if update_state:
        data["UpdateStatus"] = {"State": update_state, "Message": "update paused"}
    return service_from_json(data)
