"""The create-service form without a console: field text -> definition -> the Engine API spec
and the equivalent `docker service create` command. The lab test
(tests/lab/test_operations_swarm_more.py) checks that the engine accepts this spec as meant."""

from __future__ import annotations

import shlex

import pytest

from swarmtui.actions.service_form import (
    ServiceFormInput,
    create_command,
    service_spec,
    validate_form,
)
from swarmtui.actions.validation import InputError

SECOND = 1_000_000_000
EVERYTHING = ServiceFormInput(
    image="swarmtui-workload:1",
    name="web",
    replicas="2",
    command="sh -c 'echo hi; sleep 1'",
    env="A=1 GREETING=hello",
    ports="8080:80 5353:53/udp@host",
    constraints="node.role!=manager node.labels.zone==a",
    labels="team=web tier",
    mounts="bind:/etc:/host-etc:ro volume:data:/data",
    restart_condition="on-failure",
    update_parallelism="1",
    update_delay="2s",
    update_order="start-first",
    update_failure_action="rollback",
    limit_cpus="0.5",
    limit_memory="64M",
    reserve_cpus="0.1",
    reserve_memory="16M",
)


def test_the_smallest_form() -> None:
    definition = validate_form(ServiceFormInput(image="nginx", name="web"))
    assert service_spec(definition) == {
        "Name": "web",
        "Labels": {},
        "TaskTemplate": {
            "ContainerSpec": {"Image": "nginx"},
            "RestartPolicy": {"Condition": "any"},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
        "UpdateConfig": {"Order": "stop-first", "FailureAction": "pause"},
    }
    assert create_command(definition) == "docker service create --name web nginx"


def test_every_field_in_the_spec() -> None:
    spec = service_spec(validate_form(EVERYTHING))
    assert spec["Name"] == "web"
    assert spec["Labels"] == {"team": "web", "tier": ""}
    assert spec["Mode"] == {"Replicated": {"Replicas": 2}}
    template = spec["TaskTemplate"]
    assert template["ContainerSpec"] == {
        "Image": "swarmtui-workload:1",
        "Args": ["sh", "-c", "echo hi; sleep 1"],  # arguments to the image's entrypoint
        "Env": ["A=1", "GREETING=hello"],
        "Mounts": [
            {"Type": "bind", "Source": "/etc", "Target": "/host-etc", "ReadOnly": True},
            {"Type": "volume", "Source": "data", "Target": "/data", "ReadOnly": False},
        ],
    }
    assert template["Placement"] == {"Constraints": ["node.role!=manager", "node.labels.zone==a"]}
    assert template["Resources"] == {
        "Limits": {"NanoCPUs": SECOND // 2, "MemoryBytes": 64 * 2**20},
        "Reservations": {"NanoCPUs": SECOND // 10, "MemoryBytes": 16 * 2**20},
    }
    assert template["RestartPolicy"] == {"Condition": "on-failure"}
    assert spec["UpdateConfig"] == {
        "Order": "start-first",
        "FailureAction": "rollback",
        "Parallelism": 1,
        "Delay": 2 * SECOND,
    }
    assert spec["EndpointSpec"] == {
        "Ports": [
            {"TargetPort": 80, "PublishedPort": 8080, "Protocol": "tcp", "PublishMode": "ingress"},
            {"TargetPort": 53, "PublishedPort": 5353, "Protocol": "udp", "PublishMode": "host"},
        ]
    }


def test_every_field_in_the_command() -> None:
    command = create_command(validate_form(EVERYTHING))
    assert command == (
        "docker service create --name web --replicas 2 --env A=1 --env GREETING=hello "
        "--publish published=8080,target=80 "
        "--publish published=5353,target=53,protocol=udp,mode=host "
        "--constraint 'node.role!=manager' --constraint node.labels.zone==a "
        "--label team=web --label tier "
        "--mount type=bind,source=/etc,target=/host-etc,readonly "
        "--mount type=volume,source=data,target=/data "
        "--restart-condition on-failure --update-parallelism 1 --update-delay 2s "
        "--update-order start-first --update-failure-action rollback "
        "--limit-cpu 0.5 --limit-memory 64M --reserve-cpu 0.1 --reserve-memory 16M "
        "swarmtui-workload:1 sh -c 'echo hi; sleep 1'"
    )
    # The shell reads back the words the spec holds.
    words = shlex.split(command)
    assert words[-4:] == ["swarmtui-workload:1", "sh", "-c", "echo hi; sleep 1"]


def test_a_port_without_published_port() -> None:
    definition = validate_form(ServiceFormInput(image="nginx", name="web", ports="80"))
    assert service_spec(definition)["EndpointSpec"]["Ports"] == [
        {"TargetPort": 80, "Protocol": "tcp", "PublishMode": "ingress"}
    ]
    assert "--publish target=80" in create_command(definition)


def test_global_mode_ignores_replicas() -> None:
    definition = validate_form(
        ServiceFormInput(image="nginx", name="agent", mode="global", replicas="not read")
    )
    assert service_spec(definition)["Mode"] == {"Global": {}}
    assert create_command(definition) == "docker service create --name agent --mode global nginx"


def test_one_replica_is_the_default_and_not_written() -> None:
    one = validate_form(ServiceFormInput(image="nginx", name="web", replicas="1"))
    zero = validate_form(ServiceFormInput(image="nginx", name="web", replicas="0"))
    assert "--replicas" not in create_command(one)
    assert "--replicas 0" in create_command(zero)
    assert service_spec(zero)["Mode"] == {"Replicated": {"Replicas": 0}}


def test_only_limits_gives_empty_reservations() -> None:
    definition = validate_form(ServiceFormInput(image="nginx", name="web", limit_memory="1G"))
    assert service_spec(definition)["TaskTemplate"]["Resources"] == {
        "Limits": {"MemoryBytes": 2**30},
        "Reservations": {},
    }
    assert create_command(definition).endswith("--limit-memory 1G nginx")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"image": ""}, "image", "An image is required."),
        ({"name": "bad name!"}, "name", "use letters"),
        ({"replicas": "abc"}, "replicas", "is not a whole number"),
        ({"mode": "both"}, "mode", "choose one of replicated, global"),
        ({"command": "echo 'open"}, "command", "Command: No closing quotation."),
        ({"env": "DEBUG"}, "env", "KEY=VALUE"),
        ({"ports": "70000"}, "ports", "not between 1 and 65535"),
        ({"constraints": "node.role=manager"}, "constraints", "constraints look like"),
        ({"labels": "=x"}, "labels", "labels are KEY or KEY=VALUE"),
        ({"mounts": "bind:etc:/etc"}, "mounts", "paths must be absolute"),
        ({"restart_condition": "always"}, "restart", "choose one of any, on-failure, none"),
        ({"update_parallelism": "x"}, "update_parallelism", "not a whole number"),
        ({"update_delay": "10 seconds"}, "update_delay", "durations look like"),
        ({"update_order": "random"}, "update_order", "stop-first, start-first"),
        ({"update_failure_action": "panic"}, "update_failure_action", "pause, continue"),
        ({"limit_cpus": "lots"}, "limit_cpus", "not a number of CPUs"),
        ({"limit_memory": "1M"}, "limit_memory", "below 6M"),
        ({"reserve_cpus": "0"}, "reserve_cpus", "above 0"),
        ({"reserve_memory": "x"}, "reserve_memory", "memory looks like"),
    ],
)
def test_a_bad_field_is_named(values: dict[str, str], field: str, message: str) -> None:
    form = ServiceFormInput(**{"image": "nginx", "name": "web", **values})
    with pytest.raises(InputError) as error:
        validate_form(form)
    assert error.value.field == field
    assert message in error.value.message


def test_the_mode_is_checked_before_the_other_fields() -> None:
    with pytest.raises(InputError) as error:
        validate_form(ServiceFormInput(image="", name="", mode="both"))
    assert error.value.field == "mode"
