"""The full service edit against the lab's engine: each edit, made through the session as the
form makes it, changes exactly the spec keys it is about and leaves every other key as the
engine had it (the whole spec compared, minus the edited paths); an edit is re-applied on a
fresh spec when another client updates the service meanwhile ("update out of sequence"); bad
input and engine refusals change nothing; read-only mode refuses.

One service per test, its tasks kept pending by a constraint no node meets (nothing runs,
nothing is pulled)."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import docker.errors
import pytest
from helpers.swarm import (
    BackendWithMutations,
    Spec,
    allocated_service,
    create_service,
    inspect_service,
    remove_services,
    update_service_raw,
)

from swarmtui.actions.operations import OperationRefused
from swarmtui.actions.service_edit import (
    SwarmNames,
    edit_service,
    edit_service_spec,
    form_from_spec,
    parse_spec_yaml,
    spec_yaml,
)
from swarmtui.actions.validation import InputError
from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.lab import Lab
from swarmtui.adapters.docker.mutations import Mutations
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError
from swarmtui.core.models import Service
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Connected, Session

NEVER = "node.labels.swarmtui-never==1"
SECOND = 1_000_000_000
Path = tuple[str, ...]
CONTAINER = ("TaskTemplate", "ContainerSpec")


def base_port(run_id: str) -> int:
    return 33000 + (int(run_id, 16) % 500) * 4


def rich_spec(name: str, secret: tuple[str, str], port: int) -> Spec:
    """A service with many fields set, also ones the form does not model."""
    secret_id, secret_name = secret
    return {
        "Name": name,
        "Labels": {"team": "web", "tier": ""},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": "swarmtui-workload:1",
                "Args": ["sleep", "1d"],
                "Env": ["A=1", "MSG=hello world", "B=2"],
                "Labels": {"c": "1"},
                "StopGracePeriod": 2 * SECOND,
                "Mounts": [{"Type": "tmpfs", "Target": "/scratch"}],
                "Healthcheck": {
                    "Test": ["CMD-SHELL", "true"],
                    "Interval": 30 * SECOND,
                    "Retries": 3,
                },
                "Secrets": [
                    {
                        "File": {"Name": "db", "UID": "0", "GID": "0", "Mode": 256},
                        "SecretID": secret_id,
                        "SecretName": secret_name,
                    }
                ],
                "DNSConfig": {"Options": ["ndots:2"]},
            },
            "Placement": {"Constraints": [NEVER]},
            "RestartPolicy": {"Condition": "on-failure", "Delay": 2 * SECOND, "MaxAttempts": 4},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
        "UpdateConfig": {"Parallelism": 2, "Delay": 5 * SECOND, "Order": "start-first"},
        "EndpointSpec": {"Ports": [{"TargetPort": 80, "PublishedPort": port, "Protocol": "tcp"}]},
    }


def make_service(client: Any, prefix: str, secrets: dict[str, str], port: int) -> str:
    """The rich service, mounting the first of SECRETS."""
    name, secret_id = next(iter(secrets.items()))
    return create_service(client, rich_spec(prefix, (secret_id, name), port))


def without(spec: Spec, paths: list[Path]) -> Spec:
    """SPEC minus the keys at PATHS (missing ones ignored)."""
    rest = copy.deepcopy(spec)
    for path in paths:
        node = rest
        for key in path[:-1]:
            node = node.get(key, {})
        node.pop(path[-1], None)
    return rest


@pytest.fixture
def lab_session(lab_swarm: Lab) -> Iterator[Session]:
    session = session_on(lambda: connect([Endpoint(lab_swarm.manager_url, "--host")]))
    yield session
    session.close()


def session_on(connector: Callable[[], ClusterBackend], read_only: bool = False) -> Session:
    session = Session(connector, Config(path=None, read_only=read_only))
    assert isinstance(session.connect(), Connected)
    return session


@pytest.fixture
def secrets(manager_client: Any, prefix: str) -> Iterator[dict[str, str]]:
    """Two secrets of this test (name -> id), removed after the test's services."""
    made = {}
    for suffix in ("one", "two"):
        name = f"{prefix}-{suffix}"
        made[name] = manager_client.api.create_secret(name, b"not-a-real-value")["ID"]
    yield made
    remove_services(manager_client, prefix)
    for secret_id in made.values():
        with contextlib.suppress(docker.errors.NotFound):
            manager_client.api.remove_secret(secret_id)


def service_of(session: Session, service_id: str) -> Service:
    """The service as the console's list holds it."""
    return next(s for s in session.read(lambda b: b.services()) if s.id == service_id)


def edit_and_check(
    session: Session,
    client: Any,
    service_id: str,
    changes: dict[str, str],
    paths: list[Path],
) -> Spec:
    """Apply CHANGES to the form of the live spec, post through the session, and check the
    engine's spec: only PATHS differ. The new spec."""
    before_data = inspect_service(client, service_id)
    names = session.swarm_names()
    before = form_from_spec(before_data["Spec"], names)
    after = dataclasses.replace(before, **changes)
    session.execute(edit_service(service_of(session, service_id), before, after, names))
    data = inspect_service(client, service_id)
    assert data["Version"]["Index"] > before_data["Version"]["Index"]
    assert without(data["Spec"], paths) == without(before_data["Spec"], paths)
    for path in paths:  # each named path really changed
        assert lookup(data["Spec"], path) != lookup(before_data["Spec"], path), path
    return dict(data["Spec"])


def lookup(spec: Spec, path: Path) -> Any:
    node: Any = spec
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def test_each_kind_of_edit_changes_only_its_keys(
    lab_session: Session, manager_client: Any, prefix: str, run_id: str, secrets: dict[str, str]
) -> None:
    (one, one_id), (two, _) = secrets.items()
    port = base_port(run_id)
    service_id = create_service(manager_client, rich_spec(prefix, (one_id, one), port))
    session, client = lab_session, manager_client

    def edit(changes: dict[str, str], *paths: Path) -> Spec:
        return edit_and_check(session, client, service_id, changes, list(paths))

    spec = edit({"env": "'MSG=hello world' B=3 C=4"}, (*CONTAINER, "Env"))
    assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["MSG=hello world", "B=3", "C=4"]

    spec = edit({"ports": f"{port + 1}:81 53/udp@host"}, ("EndpointSpec", "Ports"))
    assert spec["EndpointSpec"]["Ports"] == [
        {"Protocol": "udp", "TargetPort": 53, "PublishMode": "host"},
        {"Protocol": "tcp", "TargetPort": 81, "PublishedPort": port + 1, "PublishMode": "ingress"},
    ]  # the engine spells out the default mode

    spec = edit(
        {"constraints": f"{NEVER} node.role==worker"}, ("TaskTemplate", "Placement", "Constraints")
    )
    assert spec["TaskTemplate"]["Placement"]["Constraints"] == [NEVER, "node.role==worker"]

    spec = edit({"secrets": f"{one}:db {two}"}, (*CONTAINER, "Secrets"))
    added = spec["TaskTemplate"]["ContainerSpec"]["Secrets"][1]
    assert added == {
        "File": {"Name": two, "UID": "0", "GID": "0", "Mode": 0o444},
        "SecretID": secrets[two],
        "SecretName": two,
    }

    spec = edit({"limit_memory": "64M", "reserve_cpus": "0.25"}, ("TaskTemplate", "Resources"))
    assert spec["TaskTemplate"]["Resources"] == {
        "Limits": {"MemoryBytes": 64 * 1024 * 1024},
        "Reservations": {"NanoCPUs": 250_000_000},
    }

    spec = edit(
        {"health_cmd": "test -e /tmp", "health_interval": "10s"}, (*CONTAINER, "Healthcheck")
    )
    assert spec["TaskTemplate"]["ContainerSpec"]["Healthcheck"] == {
        "Test": ["CMD-SHELL", "test -e /tmp"],
        "Interval": 10 * SECOND,
        "Retries": 3,
    }

    edit(
        {
            "restart_delay": "7s",
            "restart_window": "1m",
            "max_replicas": "2",
            "placement_prefs": "spread=node.labels.zone",
            "rollback_order": "start-first",
            "hostname": "box",
            "workdir": "/srv",
            "user": "1000",
            "replicas": "2",
            "labels": "team=api tier",
            "mounts": "",
        },
        ("TaskTemplate", "RestartPolicy", "Delay"),
        ("TaskTemplate", "RestartPolicy", "Window"),
        ("TaskTemplate", "Placement", "MaxReplicas"),
        ("TaskTemplate", "Placement", "Preferences"),
        ("RollbackConfig",),
        (*CONTAINER, "Hostname"),
        (*CONTAINER, "Dir"),
        (*CONTAINER, "User"),
        ("Mode", "Replicated", "Replicas"),
        ("Labels", "team"),
        (*CONTAINER, "Mounts"),
    )
    assert [line.ok for line in session.journal.entries] == [True] * 7
    commands = [line.command for line in session.journal.entries]
    assert commands[0] == f"docker service update --env-rm A --env-add B=3 --env-add C=4 {prefix}"
    assert f"--secret-add source={two},target={two}" in commands[3]


def test_an_edit_is_reapplied_when_the_service_changed_behind_the_form(
    lab_swarm: Lab, manager_client: Any, prefix: str, run_id: str, secrets: dict[str, str]
) -> None:
    (one, one_id), _ = secrets.items()
    service_id = create_service(
        manager_client, rich_spec(prefix, (one_id, one), base_port(run_id) + 2)
    )
    interfering: list[InterferingMutations] = []

    def connector() -> ClusterBackend:
        backend = BackendWithMutations(
            Endpoint(lab_swarm.manager_url, "--host"),
            lambda api, label: InterferingMutations(api, label, manager_client),
        )
        interfering.append(backend.mutations)
        return backend

    session = session_on(connector)
    try:
        opened = inspect_service(manager_client, service_id)
        before = form_from_spec(opened["Spec"])
        service = service_of(session, service_id)
        # 1. changed between opening the form and saving it: the post reads the spec anew
        update_service_raw(manager_client, service_id, label_setter("form", "open"))
        after = dataclasses.replace(before, env="A=1 'MSG=hello world' B=2 D=5")
        session.execute(edit_service(service, before, after, SwarmNames()))
        # 2. changed between the post's inspect and its post: out of sequence, retried
        interfering[-1].interfere = 1
        after = dataclasses.replace(before, limit_cpus="0.5")
        session.execute(edit_service(service, before, after, SwarmNames()))
        assert interfering[-1].retries == 1
    finally:
        session.close()
    spec = inspect_service(manager_client, service_id)["Spec"]
    assert spec["Labels"] == {"team": "web", "tier": "", "form": "open", "between": "posts"}
    assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=1", "MSG=hello world", "B=2", "D=5"]
    assert spec["TaskTemplate"]["Resources"] == {"Limits": {"NanoCPUs": 500_000_000}}
    edited = [("Labels",), (*CONTAINER, "Env"), ("TaskTemplate", "Resources")]
    assert without(spec, edited) == without(opened["Spec"], edited)


def label_setter(key: str, value: str) -> Callable[[Spec], None]:
    def set_label(spec: Spec) -> None:
        spec.setdefault("Labels", {})[key] = value

    return set_label


class InterferingMutations(Mutations):
    """While INTERFERE > 0, another client updates the service between the inspect of
    replace_service and its post: the post's version is stale for real."""

    def __init__(self, api: Any, endpoint: str, other: Any) -> None:
        super().__init__(api, endpoint)
        self.other = other
        self.interfere = 0

    def replace_service(self, service_id: str, build: Callable[[Spec], Spec]) -> None:
        def interfering_build(current: Spec) -> Spec:
            if self.interfere > 0:
                self.interfere -= 1
                update_service_raw(self.other, service_id, label_setter("between", "posts"))
            return build(current)

        super().replace_service(service_id, interfering_build)


def test_bad_input_and_engine_refusals_change_nothing(
    lab_swarm: Lab,
    lab_session: Session,
    manager_client: Any,
    prefix: str,
    run_id: str,
    secrets: dict[str, str],
) -> None:
    (one, one_id), _ = secrets.items()
    service_id = create_service(
        manager_client, rich_spec(prefix, (one_id, one), base_port(run_id) + 3)
    )
    original = allocated_service(manager_client, service_id)
    session, names = lab_session, lab_session.swarm_names()
    service = service_of(session, service_id)
    before = form_from_spec(original["Spec"], names)
    with pytest.raises(InputError) as invalid_port:
        edit_service(service, before, dataclasses.replace(before, ports="99999:80"), names)
    assert invalid_port.value.field == "ports"
    with pytest.raises(InputError) as unknown_secret:
        edit_service(service, before, dataclasses.replace(before, secrets="nope"), names)
    assert unknown_secret.value.field == "secrets"
    text = spec_yaml(original["Spec"], original["Version"]["Index"])
    with pytest.raises(InputError, match="does not parse"):
        parse_spec_yaml(text + "\n  - [", original["Spec"], names)
    with pytest.raises(InputError, match="99999"):
        parse_spec_yaml(text.replace("PublishedPort: ", "PublishedPort: 99999"), original["Spec"])
    unknown_network = copy.deepcopy(original["Spec"])
    unknown_network["TaskTemplate"]["Networks"] = [{"Target": "no-such-network"}]
    with pytest.raises(InputError, match="No network named 'no-such-network'"):
        edit_service_spec(service, original["Spec"], unknown_network, names)
    # What only the engine refuses (ingress ports with DNS round robin) is journalled and
    # changes nothing.
    edited = copy.deepcopy(original["Spec"])
    edited["EndpointSpec"]["Mode"] = "dnsrr"
    with pytest.raises(BackendError):
        session.execute(edit_service_spec(service, original["Spec"], edited, names))
    (entry,) = session.journal.entries
    assert not entry.ok
    read_only = session_on(
        lambda: connect([Endpoint(lab_swarm.manager_url, "--host")]), read_only=True
    )
    try:
        after = dataclasses.replace(before, env="Z=1")
        with pytest.raises(OperationRefused):
            read_only.execute(edit_service(service, before, after, names))
    finally:
        read_only.close()
    assert inspect_service(manager_client, service_id) == original


def test_the_yaml_edit_changes_the_keys_edited_in_the_file(
    lab_session: Session, manager_client: Any, prefix: str, run_id: str, secrets: dict[str, str]
) -> None:
    (one, one_id), _ = secrets.items()
    service_id = create_service(
        manager_client, rich_spec(prefix, (one_id, one), base_port(run_id) + 4)
    )
    original = allocated_service(manager_client, service_id)
    text = spec_yaml(original["Spec"], original["Version"]["Index"])
    text = text.replace("StopGracePeriod: 2000000000", "StopGracePeriod: 9000000000")
    text = text.replace("- ndots:2", "- ndots:3")
    names = lab_session.swarm_names()
    edited = parse_spec_yaml(text, original["Spec"], names)
    operation = edit_service_spec(
        service_of(lab_session, service_id), original["Spec"], edited, names
    )
    assert operation.command == (
        f"docker service update {prefix}  # and in the spec: "
        "TaskTemplate.ContainerSpec.StopGracePeriod, TaskTemplate.ContainerSpec.DNSConfig.Options"
    )
    lab_session.execute(operation)
    spec = inspect_service(manager_client, service_id)["Spec"]
    assert spec == edited
    assert spec["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"] == 9 * SECOND
    assert spec["TaskTemplate"]["ContainerSpec"]["DNSConfig"] == {"Options": ["ndots:3"]}
