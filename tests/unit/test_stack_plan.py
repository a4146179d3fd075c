"""Compose files to a stack plan: schema, normalisation, merge and specs (no Docker).

The same specs as `docker stack deploy` are proven on a lab (tests/lab/test_stack_corpus.py);
these pin the rules one by one and the errors a broken file gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from swarmtui.stacks.compose_file import ComposeFileError
from swarmtui.stacks.loader import load_stack
from swarmtui.stacks.plan import StackPlan, StackSource
from swarmtui.stacks.service_spec import effective_capabilities
from swarmtui.stacks.values import ValueProblem, parse_cpus, parse_duration, parse_size


def plan_of(
    tmp_path: Path, *texts: str, name: str = "app", env: dict[str, str] | None = None
) -> StackPlan:
    files = []
    for i, text in enumerate(texts):
        path = tmp_path / f"stack{i}.yml"
        path.write_text(text)
        files.append(path)
    return load_stack(StackSource(name, tuple(files)), env or {})


def container(plan: StackPlan, service: str) -> dict[str, Any]:
    spec: dict[str, Any] = plan.services[service]["TaskTemplate"]["ContainerSpec"]
    return spec


def test_names_labels_and_the_default_network(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, "services:\n  web:\n    image: nginx:1.25\n")
    spec = plan.services["web"]
    assert spec["Name"] == "app_web"
    assert spec["Labels"] == {
        "com.docker.stack.namespace": "app",
        "com.docker.stack.image": "nginx:1.25",
    }
    assert container(plan, "web")["Labels"] == {"com.docker.stack.namespace": "app"}
    assert spec["TaskTemplate"]["Networks"] == [{"Target": "app_default", "Aliases": ["web"]}]
    assert [n.name for n in plan.networks] == ["app_default"]
    assert plan.networks[0].body["Driver"] == "overlay"
    assert spec["Mode"] == {"Replicated": {}}
    assert spec["TaskTemplate"]["Resources"] == {} and spec["TaskTemplate"]["Placement"] == {}


def test_interpolated_numbers_and_booleans_get_their_type(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path,
        "services:\n  web:\n    image: nginx\n    read_only: ${RO}\n"
        "    deploy:\n      replicas: ${N:-3}\n",
        env={"RO": "yes"},
    )
    assert plan.services["web"]["Mode"] == {"Replicated": {"Replicas": 3}}
    assert container(plan, "web")["ReadOnly"] is True


def test_command_environment_and_env_file(tmp_path: Path) -> None:
    (tmp_path / "web.env").write_text("FROM_FILE=1\nOVERRIDDEN=file\nEMPTY=\n")
    plan = plan_of(
        tmp_path,
        "services:\n  web:\n    image: nginx\n    command: nginx -g 'daemon off;'\n"
        "    entrypoint: [/docker-entrypoint.sh]\n    env_file: web.env\n"
        "    environment:\n      OVERRIDDEN: yaml\n      FROM_SHELL:\n      PORT: 80\n",
        env={"FROM_SHELL": "shell", "EMPTY": "filled"},
    )
    spec = container(plan, "web")
    assert spec["Args"] == ["nginx", "-g", "daemon off;"]
    assert spec["Command"] == ["/docker-entrypoint.sh"]
    assert spec["Env"] == [
        "EMPTY=filled",
        "FROM_FILE=1",
        "FROM_SHELL=shell",
        "OVERRIDDEN=yaml",
        "PORT=80",
    ]


def test_volumes_short_and_long(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path,
        "services:\n  db:\n    image: postgres\n    volumes:\n"
        "      - data:/var/lib/postgresql/data\n      - ./conf:/etc/conf:ro\n"
        "      - /scratch\n      - {type: tmpfs, target: /tmp, tmpfs: {size: 65536}}\n"
        "      - {type: volume, source: ext, target: /ext, volume: {nocopy: true}}\n"
        "volumes:\n  data:\n    driver_opts: {type: none}\n    labels: [tier=db]\n"
        "  ext:\n    external: true\n    name: shared-data\n",
    )
    mounts = container(plan, "db")["Mounts"]
    assert mounts[0] == {
        "Type": "volume",
        "Target": "/var/lib/postgresql/data",
        "Source": "app_data",
        "VolumeOptions": {
            "Labels": {"tier": "db", "com.docker.stack.namespace": "app"},
            "DriverConfig": {"Options": {"type": "none"}},
        },
    }
    assert mounts[1] == {
        "Type": "bind",
        "Target": "/etc/conf",
        "ReadOnly": True,
        "Source": str(tmp_path / "conf"),
    }
    assert mounts[2] == {"Type": "volume", "Target": "/scratch"}
    assert mounts[3] == {"Type": "tmpfs", "Target": "/tmp", "TmpfsOptions": {"SizeBytes": 65536}}
    assert mounts[4] == {
        "Type": "volume",
        "Target": "/ext",
        "Source": "shared-data",
        "VolumeOptions": {"NoCopy": True},
    }


def test_secrets_configs_and_external_objects(tmp_path: Path) -> None:
    (tmp_path / "pw.txt").write_text("s3cret")
    (tmp_path / "site.conf").write_text("server {}")
    plan = plan_of(
        tmp_path,
        "services:\n  web:\n    image: nginx\n"
        "    secrets: [pw, {source: api, target: api_key, mode: 0400}]\n"
        "    configs: [{source: site, target: /etc/nginx/conf.d/site.conf}]\n"
        "secrets:\n  pw: {file: ./pw.txt}\n  api: {external: true}\n  unused: {external: true}\n"
        "configs:\n  site: {file: site.conf, name: site-v2, template_driver: golang}\n",
    )
    spec = container(plan, "web")
    assert spec["Secrets"] == [
        {"File": {"Name": "api_key", "UID": "0", "GID": "0", "Mode": 0o400}, "SecretName": "api"},
        {"File": {"Name": "pw", "UID": "0", "GID": "0", "Mode": 0o444}, "SecretName": "app_pw"},
    ]
    assert spec["Configs"][0]["ConfigName"] == "site-v2"
    created = {(o.kind, o.name, o.external) for o in plan.secrets + plan.configs}
    assert created == {
        ("secret", "api", True),
        ("secret", "app_pw", False),
        ("config", "site-v2", False),
    }
    config = next(o for o in plan.configs if o.name == "site-v2")
    assert config.spec["Templating"] == {"Name": "golang"}
    assert config.spec["Data"] == "c2VydmVyIHt9"


def test_deploy_section(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path,
        "services:\n  web:\n    image: nginx\n    deploy:\n      mode: replicated\n"
        "      replicas: 2\n"
        "      endpoint_mode: dnsrr\n      labels: {team: web}\n"
        "      placement:\n        constraints: [node.role == worker]\n"
        "        preferences: [{spread: node.labels.zone}]\n        max_replicas_per_node: 1\n"
        "      resources:\n        limits: {cpus: '0.5', memory: 64M, pids: 100}\n"
        "        reservations: {cpus: '0.25', memory: 32M}\n"
        "      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}\n"
        "      update_config:\n"
        "        {parallelism: 2, delay: 10s, order: start-first, failure_action: rollback}\n"
        "      rollback_config: {monitor: 1m30s}\n",
    )
    spec = plan.services["web"]
    template = spec["TaskTemplate"]
    assert spec["Labels"]["team"] == "web"
    assert template["Placement"] == {
        "Constraints": ["node.role == worker"],
        "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}],
        "MaxReplicas": 1,
    }
    assert template["Resources"] == {
        "Limits": {"NanoCPUs": 500_000_000, "MemoryBytes": 64 << 20, "Pids": 100},
        "Reservations": {"NanoCPUs": 250_000_000, "MemoryBytes": 32 << 20},
    }
    assert template["RestartPolicy"] == {
        "Condition": "on-failure",
        "Delay": 5_000_000_000,
        "MaxAttempts": 3,
        "Window": 120_000_000_000,
    }
    assert spec["UpdateConfig"] == {
        "Parallelism": 2,
        "Delay": 10_000_000_000,
        "FailureAction": "rollback",
        "MaxFailureRatio": 0,
        "Order": "start-first",
    }
    assert spec["RollbackConfig"] == {
        "Parallelism": 1,
        "Monitor": 90_000_000_000,
        "MaxFailureRatio": 0,
    }
    assert spec["EndpointSpec"] == {"Mode": "dnsrr"}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("global", {"Global": {}}),
        ("global-job", {"GlobalJob": {}}),
        ("replicated-job", {"ReplicatedJob": {}}),
    ],
)
def test_modes(tmp_path: Path, mode: str, expected: dict[str, Any]) -> None:
    plan = plan_of(tmp_path, f"services:\n  s:\n    image: alpine\n    deploy: {{mode: {mode}}}\n")
    assert plan.services["s"]["Mode"] == expected


def test_container_details(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path,
        "services:\n  s:\n    image: alpine\n    user: '1000:1000'\n    working_dir: /app\n"
        "    hostname: box\n    extra_hosts: ['db.local:10.0.0.2', 'v6=[::1]']\n    dns: 1.1.1.1\n"
        "    dns_search: [example.com]\n    cap_add: [net_admin, SYS_TIME]\n    cap_drop: [ALL]\n"
        "    sysctls: {net.core.somaxconn: 1024}\n"
        "    ulimits: {nproc: 65535, nofile: {soft: 1, hard: 2}}\n"
        "    init: true\n    stop_grace_period: 1m\n    stop_signal: SIGUSR1\n"
        "    healthcheck: {test: [CMD, 'true'], interval: 10s, retries: 3, start_period: 1s}\n"
        "    logging: {driver: json-file, options: {max-size: 10m, max-file: 3}}\n",
    )
    spec = container(plan, "s")
    assert spec["User"] == "1000:1000" and spec["Dir"] == "/app" and spec["Hostname"] == "box"
    assert spec["Hosts"] == ["10.0.0.2 db.local", "::1 v6"]
    assert spec["DNSConfig"] == {"Nameservers": ["1.1.1.1"], "Search": ["example.com"]}
    assert spec["CapabilityAdd"] == ["CAP_NET_ADMIN", "CAP_SYS_TIME"]
    assert spec["CapabilityDrop"] == ["ALL"]
    assert spec["Sysctls"] == {"net.core.somaxconn": "1024"}
    assert spec["Ulimits"] == [
        {"Name": "nofile", "Soft": 1, "Hard": 2},
        {"Name": "nproc", "Soft": 65535, "Hard": 65535},
    ]
    assert spec["Init"] is True and spec["StopGracePeriod"] == 60_000_000_000
    assert spec["Healthcheck"] == {
        "Test": ["CMD", "true"],
        "Interval": 10_000_000_000,
        "StartPeriod": 1_000_000_000,
        "Retries": 3,
    }
    log = plan.services["s"]["TaskTemplate"]["LogDriver"]
    assert log == {"Name": "json-file", "Options": {"max-size": "10m", "max-file": "3"}}


def test_several_files_merge_in_order(tmp_path: Path) -> None:
    base = (
        "services:\n  web:\n    image: nginx:1.25\n    ports: ['80:80', '443:443']\n"
        "    environment: {A: '1', B: '1'}\n    dns: [1.1.1.1]\n    command: [a]\n"
        "    deploy: {replicas: 2, labels: {x: '1'}}\n"
        "    logging: {driver: json-file, options: {max-size: 1m}}\n"
        "networks:\n  front: {attachable: true}\n"
    )
    override = (
        "services:\n  web:\n    image: nginx:1.26\n    ports: [{target: 8443, published: 443}]\n"
        "    environment: [B=2, C=3]\n    dns: [8.8.8.8]\n    command: [b]\n"
        "    deploy: {replicas: 0}\n    logging: {options: {max-file: '2'}}\n"
        "  worker:\n    image: alpine\n"
        "networks:\n  front: {driver: overlay}\n"
    )
    plan = plan_of(tmp_path, base, override)
    web = plan.services["web"]
    spec = web["TaskTemplate"]["ContainerSpec"]
    assert spec["Image"] == "nginx:1.26"
    assert spec["Env"] == ["A=1", "B=2", "C=3"]
    assert spec["Args"] == ["b"]
    assert spec["DNSConfig"]["Nameservers"] == ["1.1.1.1", "8.8.8.8"]
    assert [(p["PublishedPort"], p["TargetPort"]) for p in web["EndpointSpec"]["Ports"]] == [
        (80, 80),
        (443, 8443),
    ]
    assert web["Mode"] == {"Replicated": {"Replicas": 0}}
    assert web["TaskTemplate"]["LogDriver"]["Options"] == {"max-size": "1m", "max-file": "2"}
    assert sorted(plan.services) == ["web", "worker"]
    assert plan.networks == [] or all(n.name != "app_front" for n in plan.networks)


def test_keys_stacks_ignore_are_named_in_warnings(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path,
        "services:\n  web:\n    image: nginx\n    build: .\n    container_name: web\n"
        "    depends_on: [db]\n    restart: always\n  db:\n    image: postgres\n"
        "    restart: always\n",
    )
    text = "\n".join(plan.warnings)
    for key in ("build (web)", "container_name (web)", "depends_on (web)", "restart (db, web)"):
        assert key in text
    assert plan.services["web"]["TaskTemplate"]["RestartPolicy"] == {"Condition": "any"}


BROKEN = [
    (
        "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: three\n",
        5,
        "services.web.deploy.replicas",
        "integer",
    ),
    (
        "services:\n  web:\n    image: nginx\n    deploy:\n      replica: 2\n",
        5,
        "services.web.deploy.replica",
        "unknown key 'replica'",
    ),
    (
        "services:\n  web:\n    image: nginx\n    ports: ['70000:80']\n",
        4,
        "services.web.ports.0",
        "out of range",
    ),
    (
        "services:\n  web:\n    image: nginx\n    networks: [back]\n",
        4,
        "services.web.networks",
        "undefined network 'back'",
    ),
    (
        "services:\n  web:\n    image: nginx\n    volumes: ['data:/data']\n",
        4,
        "services.web.volumes.0",
        "undefined volume 'data'",
    ),
    (
        "services:\n  web:\n    image: nginx\n    secrets: [pw]\n",
        4,
        "services.web.secrets.0",
        "undefined secret 'pw'",
    ),
    (
        "services:\n  web:\n    image: nginx\n    stop_grace_period: 10 parsecs\n",
        4,
        "services.web.stop_grace_period",
        "not a duration",
    ),
    (
        "services:\n  web:\n    image: nginx\n    deploy: {mode: global, replicas: 2}\n",
        4,
        "services.web.deploy.replicas",
        "replicated",
    ),
    ("services:\n  web:\n    environment: {A: 1}\n", 2, "services.web.image", "no image"),
    ("services:\n  web:\n    image: Nginx:Latest!\n", 3, "services.web.image", "not a valid image"),
    (
        "services:\n  web:\n    image: nginx\n    extends: base\n",
        4,
        "services.web.extends",
        "not supported",
    ),
    ("web:\n  image: nginx\n", 1, "web", "unknown key 'web'"),
    ("version: '2'\nservices:\n  web:\n    image: nginx\n", 1, "version", "not supported"),
    (
        "services:\n  web:\n    image: nginx\n    environment: 12\n",
        4,
        "services.web.environment",
        "mapping or a list",
    ),
    (
        "services:\n  web:\n    image: nginx\n    deploy:\n"
        "      restart_policy: {condition: sometimes}\n",
        5,
        "condition",
        "not a restart condition",
    ),
    (
        "services:\n  web:\n    image: nginx\n    deploy:\n"
        "      resources: {limits: {memory: lots}}\n",
        5,
        "services.web.deploy.resources.limits.memory",
        "not a size",
    ),
]


@pytest.mark.parametrize(("text", "line", "key", "message"), BROKEN)
def test_broken_files_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str, message: str
) -> None:
    with pytest.raises(ComposeFileError) as caught:
        plan_of(tmp_path, text)
    error = str(caught.value)
    assert error.startswith(f"{tmp_path / 'stack0.yml'}:{line}:"), error
    assert key in error and message in error, error


def test_a_secret_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ComposeFileError, match=r"stack0.yml:4: secrets.pw.file: cannot read"):
        plan_of(
            tmp_path,
            "services:\n  web: {image: nginx, secrets: [pw]}\nsecrets:\n  pw: {file: ./nope.txt}\n",
        )


@pytest.mark.parametrize("name", ["", "my stack", "-dash", "a/b", "x" * 51])
def test_invalid_stack_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ComposeFileError, match="stack name"):
        plan_of(tmp_path, "services:\n  web: {image: nginx}\n", name=name)


def test_the_equivalent_command() -> None:
    source = StackSource(
        "shop", (Path("a.yml"), Path("b b.yml")), prune=True, resolve_image="never"
    )
    assert (
        source.command()
        == "docker stack deploy -c a.yml -c 'b b.yml' --prune --resolve-image never shop"
    )


def test_values() -> None:
    assert parse_duration("1m30s") == 90_000_000_000
    assert parse_duration("1.5h") == 5_400_000_000_000
    assert parse_duration("250ms") == 250_000_000
    assert parse_duration("0") == 0
    assert parse_size("512m") == 512 << 20
    assert parse_size("1.5GB") == int(1.5 * (1 << 30))
    assert parse_size(1024) == 1024
    assert parse_cpus("0.5") == 500_000_000
    for bad in ("10", "1x", "m"):
        with pytest.raises(ValueProblem):
            parse_duration(bad)
    with pytest.raises(ValueProblem):
        parse_size("lots")
    with pytest.raises(ValueProblem):
        parse_cpus("-1")


def test_capabilities_as_the_cli_normalises_them() -> None:
    assert effective_capabilities(["net_admin", "CAP_CHOWN"], ["chown", "mknod"]) == (
        ["CAP_CHOWN", "CAP_NET_ADMIN"],
        ["CAP_MKNOD"],
    )
    assert effective_capabilities(["all", "net_admin"], []) == (["ALL"], [])


def test_env_file_beside_the_compose_file_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TAG=1.25\nREPLICAS=2\n")
    compose = tmp_path / "docker-stack.yml"
    compose.write_text(
        "services:\n  web:\n    image: nginx:${TAG}\n    deploy:\n      replicas: ${REPLICAS}\n"
    )
    plan = load_stack(StackSource("app", (compose,)), {"REPLICAS": "5"})
    assert container(plan, "web")["Image"] == "nginx:1.25"
    assert plan.services["web"]["Mode"] == {"Replicated": {"Replicas": 5}}
    other = tmp_path / "prod.env"
    other.write_text("TAG=1.26\n")
    plan = load_stack(StackSource("app", (compose,), env_file=other), {"REPLICAS": "1"})
    assert container(plan, "web")["Image"] == "nginx:1.26"
    (tmp_path / "bad.env").write_text("NOT A LINE\n")
    with pytest.raises(ComposeFileError, match=r"bad.env:1"):
        load_stack(StackSource("app", (compose,), env_file=tmp_path / "bad.env"), {})


def test_zero_values_of_pointers_are_sent(tmp_path: Path) -> None:
    """Go sends a set pointer even at zero: a zero grace period, init false."""
    plan = plan_of(
        tmp_path, "services:\n  s:\n    image: alpine\n    stop_grace_period: 0s\n    init: false\n"
    )
    assert container(plan, "s")["StopGracePeriod"] == 0
    assert container(plan, "s")["Init"] is False
