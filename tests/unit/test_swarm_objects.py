"""The pure rules of secrets, configs and networks: mapping, who uses what, versioned names,
the mount swap of a rotation, when a rollout settled, and the operations' validation and
commands (a secret's value never in them)."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import pytest

from swarmtui.actions.object_operations import (
    NetworkRequest,
    create_network,
    create_object,
    read_data,
    remove_object,
    rotate_object,
    validate_object_name,
)
from swarmtui.actions.operations import OperationRefused
from swarmtui.actions.validation import InputError
from swarmtui.core.mapping import service_from_json
from swarmtui.core.swarm_objects import (
    config_text,
    network_from_json,
    next_version_name,
    object_from_json,
    swap_mounts,
    tasks_settled,
    users_of,
)
from swarmtui.demo.cluster import SERVICES_JSON
from swarmtui.demo.objects import CONFIGS_JSON, NETWORKS_JSON, SECRETS_JSON

SERVICES = [service_from_json(s) for s in SERVICES_JSON]
SECRET_REF = {
    "SecretName": "db_pw",
    "SecretID": "old-id",
    "File": {"Name": "/run/secrets/pw", "UID": "100", "GID": "101", "Mode": 0o400},
}


def service_json(refs: list[dict[str, Any]], name: str = "db") -> dict[str, Any]:
    return {
        "ID": f"{name}-id",
        "Version": {"Index": 7},
        "Spec": {
            "Name": name,
            "Labels": {"keep": "me"},
            "Mode": {"Replicated": {"Replicas": 2}},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "busybox",
                    "Env": ["A=1"],
                    "Secrets": refs,
                },
                "Networks": [{"Target": "net-id"}],
            },
        },
    }


def secret(name: str = "db_pw", object_id: str = "old-id") -> Any:
    return object_from_json("secret", {"ID": object_id, "Spec": {"Name": name, "Labels": {}}})


def test_users_are_found_in_the_service_specs() -> None:
    by_name = {o["Spec"]["Name"]: object_from_json("secret", o) for o in SECRETS_JSON}
    assert [s.name for s in users_of(by_name["shop_db_password"], SERVICES)] == ["shop_db"]
    assert users_of(by_name["api_token"], SERVICES) == []
    configs = [object_from_json("config", o) for o in CONFIGS_JSON]
    assert [[s.name for s in users_of(c, SERVICES)] for c in configs] == [
        ["shop_web"],
        ["monitoring_prometheus"],
    ]
    networks = {n["Name"]: network_from_json(n) for n in NETWORKS_JSON}
    assert [s.name for s in users_of(networks["shop_backend"], SERVICES)] == [
        "shop_db",
        "shop_web",
    ]


def test_a_network_is_used_through_a_virtual_ip_too() -> None:
    data = service_json([])
    data["Spec"]["TaskTemplate"]["Networks"] = []
    data["Endpoint"] = {"VirtualIPs": [{"NetworkID": "ingress-id", "Addr": "10.0.0.5/24"}]}
    ingress = network_from_json({"Id": "ingress-id", "Name": "ingress"})
    assert users_of(ingress, [service_from_json(data)])[0].name == "db"


def test_network_fields() -> None:
    shop_backend = network_from_json(NETWORKS_JSON[2])
    assert (shop_backend.driver, shop_backend.scope, shop_backend.encrypted) == (
        "overlay",
        "swarm",
        True,
    )
    assert shop_backend.subnets == ("10.0.2.0/24",)
    assert shop_backend.gateways == ("10.0.2.1",)


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("db_pw", [], "db_pw.v2"),
        ("db_pw.v2", [], "db_pw.v3"),
        ("db_pw", ["db_pw.v2", "db_pw.v5", "other.v9"], "db_pw.v6"),
        ("a.v1.x", [], "a.v1.x.v2"),
    ],
)
def test_next_version_name(name: str, taken: list[str], expected: str) -> None:
    assert next_version_name(name, taken) == expected


def test_swap_keeps_target_uid_gid_mode_and_everything_else() -> None:
    other = {"SecretName": "other", "SecretID": "other-id", "File": {"Name": "o"}}
    spec = service_json([SECRET_REF, other])["Spec"]
    before = copy.deepcopy(spec)
    swapped = swap_mounts(spec, "secret", "old-id", "new-id", "db_pw.v2")
    assert spec == before  # a copy
    refs = swapped["TaskTemplate"]["ContainerSpec"]["Secrets"]
    assert refs[0] == {**SECRET_REF, "SecretName": "db_pw.v2", "SecretID": "new-id"}
    assert refs[1] == other
    swapped["TaskTemplate"]["ContainerSpec"]["Secrets"] = before["TaskTemplate"]["ContainerSpec"][
        "Secrets"
    ]
    assert swapped == before


def test_rollout_settles_when_every_task_to_run_mounts_the_new_one() -> None:
    def task(secret_id: str, desired: str, state: str) -> dict[str, Any]:
        refs = [{"SecretID": secret_id}]
        return {
            "DesiredState": desired,
            "Status": {"State": state},
            "Spec": {"ContainerSpec": {"Secrets": refs}},
        }

    old_running, new_running = task("old", "running", "running"), task("new", "running", "running")
    assert not tasks_settled([old_running, task("new", "ready", "ready")], "secret", "new")
    assert not tasks_settled([task("old", "shutdown", "running")], "secret", "new")
    assert tasks_settled([task("old", "shutdown", "shutdown"), new_running], "secret", "new")
    assert not tasks_settled([task("new", "running", "starting")], "secret", "new")
    assert tasks_settled([], "secret", "new", wants_tasks=False)


@pytest.mark.parametrize("bad", ["", "-x", "a b", "x" * 65, "ok_"])
def test_bad_names(bad: str) -> None:
    with pytest.raises(InputError):
        validate_object_name(bad)


def test_taken_name() -> None:
    with pytest.raises(InputError, match="already exists"):
        validate_object_name("db_pw", ["db_pw"])


def test_data_from_a_file_or_typed(tmp_path: Path) -> None:
    file = tmp_path / "pw.txt"
    file.write_bytes(b"s3cret\n")
    assert read_data(str(file), "ignored").data == b"s3cret\n"
    assert read_data("", "typed").source == "-"
    with pytest.raises(InputError, match="No such file"):
        read_data(str(tmp_path / "missing"), "")
    with pytest.raises(InputError):
        read_data("", "")
    with pytest.raises(InputError, match="at most"):
        read_data("", "x" * (500 * 1024 + 1))


def test_the_commands_name_the_source_never_the_value() -> None:
    value = "correct horse battery staple"
    op = create_object("secret", "db_pw", read_data("", value))
    assert op.command == "docker secret create db_pw -"
    assert value not in repr(op)
    users = [service_from_json(service_json([SECRET_REF]))]
    rotation = rotate_object(secret(), users, "db_pw.v2", read_data("", value))
    assert rotation.command == (
        "docker secret create db_pw.v2 - && docker service update --secret-rm db_pw "
        "--secret-add source=db_pw.v2,target=/run/secrets/pw,uid=100,gid=101,mode=0400 db"
    )
    assert value not in rotation.command + rotation.warning + rotation.title


def test_rotation_creates_then_swaps_each_user() -> None:
    users = [service_from_json(service_json([SECRET_REF], name)) for name in ("db", "api")]
    calls: list[tuple[str, Any]] = []

    class Recorder:
        def create_object(self, kind: str, spec: dict[str, Any]) -> str:
            calls.append(("create", (kind, spec["Name"], base64.b64decode(spec["Data"]))))
            return "new-id"

        def replace_service(self, service_id: str, build: Any) -> None:
            current = service_json([SECRET_REF], service_id.removesuffix("-id"))
            spec = build(current)
            ref = spec["TaskTemplate"]["ContainerSpec"]["Secrets"][0]
            calls.append(("replace", (service_id, ref["SecretID"], ref["File"]["Name"])))

    operation = rotate_object(secret(), users, "db_pw.v2", read_data("", "v2"))
    assert operation.run(Recorder()) == "new-id"  # type: ignore[arg-type]
    assert calls == [
        ("create", ("secret", "db_pw.v2", b"v2")),
        ("replace", ("db-id", "new-id", "/run/secrets/pw")),
        ("replace", ("api-id", "new-id", "/run/secrets/pw")),
    ]


def test_rotation_refuses_a_taken_name() -> None:
    with pytest.raises(InputError, match="already exists"):
        rotate_object(secret(), [], "db_pw.v2", read_data("", "x"), ["db_pw.v2"])


def test_remove_is_refused_while_in_use_naming_the_users() -> None:
    users = [service_from_json(service_json([SECRET_REF]))]
    with pytest.raises(OperationRefused, match="in use by db"):
        remove_object(secret(), users)
    assert remove_object(secret(), []).command == "docker secret rm db_pw"
    bridge = network_from_json({"Id": "b", "Name": "bridge", "Scope": "local"})
    with pytest.raises(OperationRefused, match="predefined"):
        remove_object(bridge, [])


def test_network_create_validation_and_command() -> None:
    request = NetworkRequest("back", attachable=True, encrypted=True, subnet="10.9.0.0/24")
    assert create_network(request).command == (
        "docker network create --driver overlay --attachable --opt encrypted "
        "--subnet 10.9.0.0/24 back"
    )
    for bad in (
        NetworkRequest("back", subnet="10.9.0.1/24"),  # host bits set
        NetworkRequest("back", gateway="10.9.0.1"),  # a gateway without a subnet
        NetworkRequest("back", subnet="10.9.0.0/24", gateway="10.8.0.1"),
    ):
        with pytest.raises(InputError):
            create_network(bad)
    with pytest.raises(InputError, match="already exists"):
        create_network(NetworkRequest("back"), ["back"])


def test_config_content_is_decoded() -> None:
    config = object_from_json("config", CONFIGS_JSON[1])
    assert config_text(config) == "global:\n  scrape_interval: 15s\n"
