"""Engine API JSON to models: times with nanoseconds, service modes, ports, nodes, tasks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from swarmtui.core.mapping import (
    engine_info_from_json,
    node_from_json,
    parse_time,
    service_from_json,
    short_image,
    task_from_json,
)
from swarmtui.core.models import PortSpec

NOON = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T12:00:00Z", NOON),
        ("2026-01-01T12:00:00.123456789Z", NOON.replace(microsecond=123456)),
        ("2026-01-01T12:00:00.000000001Z", NOON),
        ("2026-01-01T12:00:00.5Z", NOON.replace(microsecond=500000)),
        ("2026-01-01T12:00:00.12Z", NOON.replace(microsecond=120000)),
        ("2026-01-01T14:00:00.987654321+02:00", NOON.replace(microsecond=987654)),
        ("2026-01-01T07:30:00-04:30", NOON),
        ("2026-01-01T12:00:00", NOON),  # no zone: the engine means UTC
    ],
)
def test_parse_time(text: str, expected: datetime) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


def test_parse_time_keeps_the_offset() -> None:
    parsed = parse_time("2026-01-01T14:00:00.1+02:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed.tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "value",
    [None, "", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000000Z", "yesterday", 1767268800],
)
def test_parse_time_no_time(value: object) -> None:
    assert parse_time(value) is None


def service_json(mode: dict[str, Any], status: dict[str, Any] | None = None, **extra: Any) -> Any:
    data: dict[str, Any] = {
        "ID": "s3rv1ce0000000000000000001",
        "Version": {"Index": 123},
        "CreatedAt": "2026-01-01T11:00:00.123456789Z",
        "UpdatedAt": "2026-01-01T11:59:00.5Z",
        "Spec": {
            "Name": "api",
            "Mode": mode,
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
                }
            },
        },
    }
    if status is not None:
        data["ServiceStatus"] = status
    data.update(extra)
    return data


def test_replicated_service() -> None:
    service = service_from_json(
        service_json({"Replicated": {"Replicas": 3}}, {"RunningTasks": 2, "DesiredTasks": 3})
    )
    assert service.id == "s3rv1ce0000000000000000001"
    assert service.name == "api"
    assert service.mode == "replicated"
    assert (service.replicas_running, service.replicas_desired) == (2, 3)
    assert service.replicas_text == "2/3"
    assert not service.converged
    assert service.image == "nginx:1.27"
    assert service.version == 123
    assert service.created_at == datetime(2026, 1, 1, 11, 0, 0, 123456, tzinfo=UTC)
    assert service.updated_at == datetime(2026, 1, 1, 11, 59, 0, 500000, tzinfo=UTC)
    assert service.ports == ()
    assert service.update_state == ""


def test_replicated_service_without_status_uses_the_spec() -> None:
    service = service_from_json(service_json({"Replicated": {"Replicas": 4}}))
    assert (service.replicas_running, service.replicas_desired) == (None, 4)
    assert service.replicas_text == "?/4"


def test_replicated_zero_replicas() -> None:
    service = service_from_json(
        service_json({"Replicated": {"Replicas": 0}}, {"RunningTasks": 0, "DesiredTasks": 0})
    )
    assert service.replicas_text == "0/0"
    assert service.converged


def test_global_service() -> None:
    service = service_from_json(
        service_json({"Global": {}}, {"RunningTasks": 3, "DesiredTasks": 3})
    )
    assert service.mode == "global"
    assert service.replicas_text == "3/3"
    assert service.converged
    unknown = service_from_json(service_json({"Global": {}}))
    assert unknown.replicas_text == "?/?"


def test_replicated_job() -> None:
    job = {"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 5}}
    service = service_from_json(service_json(job))
    assert service.mode == "replicated-job"
    assert service.replicas_desired == 5
    running = service_from_json(service_json(job, {"RunningTasks": 2, "DesiredTasks": 2}))
    assert running.replicas_text == "2/2"
    # A job never waits to converge: it counts completions, not running tasks.
    done = service_from_json(service_json(job, {"RunningTasks": 0, "DesiredTasks": 2}))
    assert done.converged


def test_replicated_job_without_total() -> None:
    service = service_from_json(service_json({"ReplicatedJob": {}}))
    assert service.mode == "replicated-job"
    assert service.replicas_desired is None


def test_global_job() -> None:
    service = service_from_json(service_json({"GlobalJob": {}}))
    assert service.mode == "global-job"
    assert service.replicas_desired is None
    assert service.converged


def test_unknown_mode() -> None:
    assert service_from_json(service_json({})).mode == "unknown"


def test_ports() -> None:
    endpoint = {
        "Ports": [
            {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
            {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 5353, "PublishMode": "host"},
            {"Protocol": "tcp", "TargetPort": 9000},  # exposed, not published
            {"TargetPort": 443, "PublishedPort": 443},  # defaults: tcp, ingress
        ]
    }
    service = service_from_json(service_json({"Global": {}}, Endpoint=endpoint))
    assert service.ports == (
        PortSpec(8080, 80, "tcp", "ingress"),
        PortSpec(5353, 53, "udp", "host"),
        PortSpec(443, 443, "tcp", "ingress"),
    )
    assert [str(p) for p in service.ports] == [
        "*:8080->80/tcp",
        "*:5353->53/udp",
        "*:443->443/tcp",
    ]


def test_update_status() -> None:
    service = service_from_json(
        service_json({"Replicated": {"Replicas": 1}}, UpdateStatus={"State": "updating"})
    )
    assert service.update_state == "updating"


def test_raw_is_kept_but_not_compared() -> None:
    data = service_json({"Replicated": {"Replicas": 1}})
    service = service_from_json(data)
    assert service.raw is data
    other = service_from_json({**data, "Extra": "ignored by the model"})
    assert other == service


def test_minimal_json_does_not_crash() -> None:
    service = service_from_json({})
    assert (service.id, service.name, service.mode, service.image) == ("", "", "unknown", "")
    task = task_from_json({})
    assert task.slot is None and task.state == "" and task.created_at is None
    node = node_from_json({})
    assert node.role == "worker" and node.status == "unknown" and node.platform == ""


def test_short_image() -> None:
    assert short_image("alpine:3.20@sha256:abc") == "alpine:3.20"
    assert short_image("registry:5000/team/app:1") == "registry:5000/team/app:1"


def test_task() -> None:
    task = task_from_json(
        {
            "ID": "t45k0000000000000000000001",
            "ServiceID": "s3rv1ce0000000000000000001",
            "Slot": 2,
            "NodeID": "n0de00000000000000000000002",
            "DesiredState": "shutdown",
            "CreatedAt": "2026-01-01T11:55:00.999999999Z",
            "Spec": {"ContainerSpec": {"Image": "busybox:1.36@sha256:feed"}},
            "Status": {
                "Timestamp": "2026-01-01T11:56:00.000000001Z",
                "State": "failed",
                "Message": "started",
                "Err": "task: non-zero exit (137)",
                "ContainerStatus": {"ContainerID": "c0ffee", "ExitCode": 137},
            },
        }
    )
    assert task.slot == 2
    assert (task.desired_state, task.state) == ("shutdown", "failed")
    assert task.error == "task: non-zero exit (137)"
    assert task.exit_code == 137
    assert task.container_id == "c0ffee"
    assert task.image == "busybox:1.36"
    assert task.created_at == datetime(2026, 1, 1, 11, 55, 0, 999999, tzinfo=UTC)
    assert task.state_since == datetime(2026, 1, 1, 11, 56, tzinfo=UTC)
    assert not task.is_current


def test_global_task_has_no_slot() -> None:
    task = task_from_json({"ID": "t1", "NodeID": "n1", "DesiredState": "running"})
    assert task.slot is None
    assert task.exit_code is None
    assert task.is_current


def node_json(role: str, manager: dict[str, Any] | None = None) -> Any:
    data: dict[str, Any] = {
        "ID": "n0de00000000000000000000001",
        "CreatedAt": "2026-01-01T10:00:00.1Z",
        "Spec": {"Role": role, "Availability": "drain", "Labels": {"zone": "b", "disk": "ssd"}},
        "Description": {
            "Hostname": "m1",
            "Platform": {"Architecture": "aarch64", "OS": "linux"},
            "Resources": {"NanoCPUs": 4_500_000_000, "MemoryBytes": 8 * 2**30},
            "Engine": {"EngineVersion": "27.3.1"},
        },
        "Status": {"State": "ready", "Addr": "10.0.0.5"},
    }
    if manager is not None:
        data["ManagerStatus"] = manager
    return data


def test_nodes() -> None:
    leader = node_from_json(
        node_json("manager", {"Leader": True, "Reachability": "reachable"}),
        self_node_id="n0de00000000000000000000001",
    )
    assert leader.is_leader and leader.manager_status == "Leader"
    assert leader.is_self
    assert leader.labels == (("disk", "ssd"), ("zone", "b"))
    assert leader.platform == "linux/aarch64"
    assert leader.cpus == 4.5
    assert leader.memory_bytes == 8 * 2**30
    assert leader.availability == "drain"
    assert leader.engine_version == "27.3.1"
    assert leader.created_at == datetime(2026, 1, 1, 10, 0, 0, 100000, tzinfo=UTC)
    follower = node_from_json(node_json("manager", {"Reachability": "unreachable"}))
    assert follower.manager_status == "Unreachable"
    assert not follower.is_self
    worker = node_from_json(node_json("worker"))
    assert (worker.role, worker.manager_status) == ("worker", "")


def test_engine_info() -> None:
    info = engine_info_from_json(
        {
            "Name": "m1",
            "ServerVersion": "27.3.1",
            "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
            "Architecture": "x86_64",
            "Swarm": {
                "LocalNodeState": "active",
                "ControlAvailable": True,
                "NodeID": "n1",
                "NodeAddr": "10.0.0.5",
                "Cluster": {"ID": "c1"},
                "Managers": 3,
                "Nodes": 7,
            },
        },
        "1.47",
    )
    assert info.api_version == "1.47"
    assert (info.swarm_state, info.is_manager, info.cluster_id) == ("active", True, "c1")
    assert (info.managers, info.nodes) == (3, 7)
    inactive = engine_info_from_json({"Swarm": {"LocalNodeState": "inactive"}}, "1.41")
    assert (inactive.swarm_state, inactive.is_manager, inactive.nodes) == ("inactive", False, 0)
