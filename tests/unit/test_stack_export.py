"""Export round trips (no Docker): compose files are planned, the plans' specs turned into what
an engine lists (network ids, secret and config ids, the defaults an engine fills in), that is
exported, the export planned again under another stack name, and every spec compared with
the original's after renaming the stack. tests/lab/test_stack_export_swarm.py does the same
against a real swarm."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.stacks import renamed

from swarmtui.demo.cluster import DemoMutator
from swarmtui.ports import StackObjectKind
from swarmtui.stacks.compose_file import parse_compose
from swarmtui.stacks.export import (
    COMPOSE_FILE_NAME,
    ExportedStack,
    ExportOptions,
    ExportProblem,
    LiveStack,
    export_stack,
    live_services,
)
from swarmtui.stacks.export_objects import object_keys
from swarmtui.stacks.loader import load_stack
from swarmtui.stacks.objects import NetworkPlan
from swarmtui.stacks.plan import StackPlan, StackSource
from swarmtui.stacks.values import (
    cpus_text,
    go_duration,
    parse_cpus,
    parse_duration,
    parse_size,
    size_text,
)

Spec = dict[str, Any]
SECOND = 1_000_000_000
NAMESPACE = "com.docker.stack.namespace"
DIGEST = "sha256:" + "ab" * 32


# What an engine makes of a plan ------------------------------------------------------------


def stored(spec: Spec) -> Spec:
    """SPEC as a 20.10 engine stores it: the defaults it fills in when they are left out
    (seen on the lab; the lab round trip compares real stored specs)."""
    result = copy.deepcopy(spec)
    template = result["TaskTemplate"]
    container = template["ContainerSpec"]
    container.setdefault("StopGracePeriod", 10 * SECOND)
    container.setdefault("Isolation", "default")
    template["RestartPolicy"] = {
        "Condition": "any",
        "Delay": 5 * SECOND,
        "MaxAttempts": 0,
        **template.get("RestartPolicy", {}),
    }
    for key in ("UpdateConfig", "RollbackConfig"):
        result[key] = {
            "Parallelism": 1,
            "FailureAction": "pause",
            "Monitor": 5 * SECOND,
            "MaxFailureRatio": 0,
            "Order": "stop-first",
            **result.get(key, {}),
        }
    result["EndpointSpec"].setdefault("Mode", "vip")
    mode = result["Mode"]
    if mode.get("Replicated") == {}:
        mode["Replicated"] = {"Replicas": 1}
    if mode.get("ReplicatedJob") == {}:
        mode["ReplicatedJob"] = {"MaxConcurrent": 1, "TotalCompletions": 1}
    return result


def network_id(name: str) -> str:
    return f"id-of-{name}"


def listed_service(spec: Spec, index: int) -> Spec:
    """The service as the engine lists it: stored, networks by id, secrets and configs with
    their ids, the image pinned to a digest by the deploy."""
    result = stored(spec)
    template = result["TaskTemplate"]
    container = template["ContainerSpec"]
    if "@" not in container["Image"]:
        container["Image"] += "@" + DIGEST
    for network in template["Networks"]:
        network["Target"] = network_id(network["Target"])
    for kind in ("Secret", "Config"):
        for reference in container.get(f"{kind}s", []):
            reference[f"{kind}ID"] = f"id-of-{reference[f'{kind}Name']}"
    return {"ID": f"service{index}", "Version": {"Index": 10 + index}, "Spec": result}


def listed_network(plan: NetworkPlan, index: int) -> Spec:
    """The network as the engine lists it: the overlay's VXLAN id among its options, the
    subnet it was given (one from the pool when the file asked for none)."""
    body = plan.body
    ipam = body.get("IPAM") or {}
    configs = [
        {"Subnet": c["Subnet"], "Gateway": c["Subnet"].replace(".0/24", ".1")}
        for c in ipam.get("Config") or []
    ] or [{"Subnet": f"10.0.{index}.0/24", "Gateway": f"10.0.{index}.1"}]
    return {
        "Name": plan.name,
        "Id": network_id(plan.name),
        "Scope": "swarm",
        "Driver": body["Driver"],
        "EnableIPv6": False,
        "IPAM": {"Driver": ipam.get("Driver") or "default", "Options": None, "Config": configs},
        "Internal": body.get("Internal", False),
        "Attachable": body.get("Attachable", False),
        "Ingress": False,
        "Options": {
            **body.get("Options", {}),
            "com.docker.network.driver.overlay.vxlanid_list": "4097",
        },
        "Labels": body["Labels"],
    }


def listed_networks(plan: StackPlan) -> list[Spec]:
    return [listed_network(n, i) for i, n in enumerate(plan.networks, start=10)]


FOREIGN_NETWORKS = [
    {"Name": name, "Id": network_id(name), "Scope": scope, "Driver": driver, "Labels": {}}
    for name, scope, driver in (
        ("proxy", "swarm", "overlay"),
        ("host", "local", "host"),
        ("other_back", "swarm", "overlay"),
    )
]


def live_of(plan: StackPlan) -> LiveStack:
    """The plan deployed, as the engine lists its objects (a secret's data is never listed)."""
    services = [listed_service(spec, i) for i, spec in enumerate(plan.services.values())]
    networks = listed_networks(plan)
    secrets = [
        {"ID": f"id-of-{s.name}", "Spec": {k: v for k, v in s.spec.items() if k != "Data"}}
        for s in plan.secrets
        if not s.external
    ]
    configs = [{"ID": f"id-of-{c.name}", "Spec": c.spec} for c in plan.configs if not c.external]
    return LiveStack(plan.stack, services, networks + FOREIGN_NETWORKS, secrets, configs)


# Round trips -----------------------------------------------------------------------------


def plan_of(
    directory: Path, text: str, name: str, files: dict[str, str] | None = None
) -> StackPlan:
    directory.mkdir(parents=True, exist_ok=True)
    for relative, content in (files or {}).items():
        (directory / relative).write_text(content)
    path = directory / COMPOSE_FILE_NAME
    path.write_text(text)
    return load_stack(StackSource(name, (path,)), {})


def written(
    exported: ExportedStack, directory: Path, secret: str = "filled by the operator"
) -> Path:
    """The export in DIRECTORY as `swarmtui stack export -o` writes it, secrets filled."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / COMPOSE_FILE_NAME).write_text(exported.text())
    for relative, data in exported.config_files.items():
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_bytes(data)
    for relative in exported.secret_files:
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_text(secret)
    return directory / COMPOSE_FILE_NAME


def comparable(spec: Spec) -> Spec:
    """SPEC with its lists in name order again: renaming the stack moves
    its objects' names among the others' (app_x < company_y < copy_x)."""
    template = spec["TaskTemplate"]
    container = template["ContainerSpec"]
    for kind in ("Secret", "Config"):
        if f"{kind}s" in container:
            container[f"{kind}s"].sort(key=lambda reference: reference[f"{kind}Name"])
    template["Networks"].sort(key=lambda network: network["Target"])
    return spec


def network_view(plan: StackPlan) -> dict[str, Spec]:
    return {n["Name"]: {k: v for k, v in n.items() if k != "Id"} for n in listed_networks(plan)}


def assert_round_trip(
    tmp_path: Path, text: str, files: dict[str, str] | None = None
) -> tuple[StackPlan, StackPlan, ExportedStack]:
    original = plan_of(tmp_path / "original", text, "app", files)
    exported = export_stack(live_of(original))
    assert exported.warnings == []
    path = written(exported, tmp_path / "export")
    copied = load_stack(StackSource("copy", (path,)), {})
    assert copied.warnings == []
    assert sorted(copied.services) == sorted(original.services)
    for key, spec in original.services.items():
        again = comparable(stored(copied.services[key]))
        assert again == comparable(renamed(stored(spec), "app", "copy")), key
    assert network_view(copied) == renamed(network_view(original), "app", "copy")
    assert copied.external_networks == original.external_networks
    for kind in ("secrets", "configs"):
        before = {o.name: o for o in getattr(original, kind)}
        after = {o.name: o for o in getattr(copied, kind)}
        assert sorted(after) == sorted(renamed(list(before), "app", "copy"))
        for name, plan in before.items():
            again = after[renamed(name, "app", "copy")]
            assert again.external == plan.external
            if kind == "secrets" and not plan.external and "Driver" not in plan.spec:
                assert again.spec["Data"] == base64.b64encode(b"filled by the operator").decode()
                again_spec = {k: v for k, v in again.spec.items() if k != "Data"}
                assert again_spec == renamed(
                    {k: v for k, v in plan.spec.items() if k != "Data"}, "app", "copy"
                )
            else:
                assert again.spec == renamed(plan.spec, "app", "copy")
    return original, copied, exported


RICH = """\
services:
  web:
    image: nginx:1.25
    command: nginx -g 'daemon off;'
    entrypoint: [/docker-entrypoint.sh, --verbose]
    environment:
      PLAIN: value
      DOLLARS: "cost $$5 and $${HOME}"
      EQUALS: a=b=c
      SPACES: "  two words  "
      EMPTY: ""
      UNSET:
      NUMBER: 8080
    labels: {container.label: "1", dollar: "$$x"}
    hostname: "{{.Node.Hostname}}-web"
    user: "1000:1000"
    working_dir: /srv/app
    init: true
    read_only: true
    tty: true
    stdin_open: true
    stop_signal: SIGQUIT
    stop_grace_period: 1h2m3.5s
    isolation: process
    oom_score_adj: 100
    healthcheck:
      test: curl -fsS http://localhost/health || exit 1
      interval: 30s
      timeout: 2500ms
      retries: 4
      start_period: 1m
      start_interval: 500ms
    extra_hosts: ["db:10.0.0.5", "v6:::1", "other=10.0.0.6"]
    dns: [8.8.8.8, 1.1.1.1]
    dns_search: example.org
    cap_add: [net_admin, SYS_TIME]
    cap_drop: [MKNOD]
    sysctls: {net.core.somaxconn: 1024, net.ipv4.tcp_syncookies: "0"}
    ulimits:
      nproc: 65535
      nofile: {soft: 20000, hard: 40000}
    logging:
      driver: json-file
      options: {max-size: 10m, max-file: "3"}
    ports:
      - "8080:80"
      - "9000-9001:9000-9001/udp"
      - "3000"
      - {target: 443, published: 8443, mode: host}
      - {target: 5000, protocol: sctp}
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      labels: {traefik.enable: "true", price: "$$1"}
      placement:
        constraints: [node.role == worker, node.labels.zone == a]
        preferences: [{spread: node.labels.zone}, {spread: node.id}]
        max_replicas_per_node: 2
      resources:
        limits: {cpus: "1.5", memory: 1G, pids: 100}
        reservations:
          cpus: "0.25"
          memory: "1000"
          generic_resources:
            - discrete_resource_spec: {kind: gpu, value: 2}
      restart_policy: {condition: on-failure, delay: 10s, max_attempts: 5, window: 2m}
      update_config:
        parallelism: 0
        delay: 10s
        failure_action: rollback
        monitor: 1m
        max_failure_ratio: 0.25
        order: start-first
      rollback_config: {parallelism: 2, order: stop-first, monitor: 5s}
"""


def test_every_field_of_a_rich_service_round_trips(tmp_path: Path) -> None:
    original, _, exported = assert_round_trip(tmp_path, RICH)
    web = exported.compose["services"]["web"]
    assert web["image"] == "nginx:1.25"  # the label, not the digest the deploy pinned
    assert list(web)[:6] == ["image", "command", "entrypoint", "environment", "ports", "deploy"]
    assert web["stop_grace_period"] == "1h2m3.5s"
    assert web["extra_hosts"] == ["db:10.0.0.5", "v6:::1", "other:10.0.0.6"]
    assert web["healthcheck"]["test"] == "curl -fsS http://localhost/health || exit 1"
    assert "$$5" in exported.text() and "$${HOME}" in exported.text()
    spec = original.services["web"]["TaskTemplate"]["ContainerSpec"]
    assert "DOLLARS=cost $5 and ${HOME}" in spec["Env"]
    assert "EMPTY=" in web["environment"] and "UNSET" in web["environment"]
    assert any("deploying shell's variable" in line for line in exported.header())


def test_what_a_deploy_would_not_recreate_is_named(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, "services:\n  web: {image: nginx}\n", "app")
    live = live_of(plan)
    spare = {**live.networks[0], "Name": "app_spare", "Id": "id-of-app_spare"}
    exported = export_stack(LiveStack("app", live.services, [*live.networks, spare], [], []))
    assert exported.warnings == [
        "network app_spare: no service uses it, so a deploy would not create it"
    ]
    assert "Not exported:" in exported.header()


MODES = """\
services:
  global: {image: busybox, deploy: {mode: global}}
  job: {image: busybox, deploy: {mode: replicated-job, replicas: 4}}
  onejob: {image: busybox, deploy: {mode: replicated-job}}
  globaljob: {image: busybox, deploy: {mode: global-job}}
  zero: {image: busybox, deploy: {replicas: 0}}
  plain: {image: "busybox@sha256:%s"}
  always: {image: busybox, restart: always, stop_grace_period: 10s}
  onfailure: {image: busybox, restart: "on-failure:3"}
  quiet:
    image: busybox
    init: false
    healthcheck: {disable: true}
    deploy:
      endpoint_mode: vip
      restart_policy: {delay: 0s, window: 0s, max_attempts: 0}
      update_config: {}
      resources: {limits: {}}
  checked:
    image: busybox
    healthcheck: {test: [CMD, /bin/check, --deep], retries: 1}
    logging: {options: {tag: "{{.Name}}"}}
""" % ("ab" * 32)


def test_modes_restart_policies_and_empty_sections_round_trip(tmp_path: Path) -> None:
    _, _, exported = assert_round_trip(tmp_path, MODES)
    services = exported.compose["services"]
    assert services["plain"]["image"] == f"busybox@sha256:{'ab' * 32}"  # written that way
    assert services["job"]["deploy"] == {"mode": "replicated-job", "replicas": 4}
    assert "restart_policy" not in services["always"].get("deploy", {})  # the engine's default
    assert services["quiet"]["healthcheck"] == {"disable": True}
    assert services["checked"]["healthcheck"]["test"] == ["CMD", "/bin/check", "--deep"]


VOLUMES = """\
services:
  db:
    image: postgres:16
    volumes:
      - data:/var/lib/postgresql/data
      - shared:/shared:ro,nocopy
      - legacy:/legacy
      - named:/named
      - /etc/localtime:/etc/localtime:ro
      - /srv/tree:/tree:rshared
      - type: bind
        source: /srv/weird:dir
        target: /weird
        consistency: cached
        bind: {}
      - {type: tmpfs, target: /run, tmpfs: {size: 65536}}
      - {type: tmpfs, target: /tmp}
      - /anonymous
      - {type: volume, target: /anonymous-ro, read_only: true}
  backup:
    image: busybox
    volumes: ["data:/data:ro", "opts:/opts"]
volumes:
  data:
    labels: {backup: daily}
  shared:
    driver: local
    driver_opts: {type: nfs, o: "addr=10.0.0.1,rw", device: ":/export"}
  legacy:
    external: true
    name: legacy-data
  named:
    name: exactly-this
  opts:
    driver_opts: {}
"""


def test_volumes_binds_and_tmpfs_round_trip(tmp_path: Path) -> None:
    _, _, exported = assert_round_trip(tmp_path, VOLUMES)
    assert exported.compose["services"]["db"]["volumes"][:6] == [
        "data:/var/lib/postgresql/data",
        "shared:/shared:ro,nocopy",
        "legacy-data:/legacy",
        "exactly-this:/named",
        "/etc/localtime:/etc/localtime:ro",
        "/srv/tree:/tree:rshared",
    ]
    assert exported.compose["volumes"] == {
        "data": {"labels": {"backup": "daily"}},
        "exactly-this": {"name": "exactly-this"},
        "legacy-data": {"external": True, "name": "legacy-data"},
        "opts": {"driver_opts": {}},
        "shared": {
            "driver": "local",
            "driver_opts": {"type": "nfs", "o": "addr=10.0.0.1,rw", "device": ":/export"},
        },
    }


NETWORKS = """\
services:
  api:
    image: api:2
    networks:
      back:
        aliases: [api-internal, api]
        driver_opts: {com.docker.network.driver.mtu: "1400"}
      front:
      edge:
      default:
  worker:
    image: worker:2
    networks: [back, outside, hostnet]
  lonely:
    image: busybox
networks:
  default:
    labels: {the: default}
  back:
    driver_opts: {encrypted: ""}
    attachable: true
    internal: true
    ipam:
      driver: default
      config: [{subnet: 10.20.0.0/24}]
    labels: [role=backend]
  front:
    driver: overlay
  edge:
    name: exactly-edge
    ipam: {config: [{subnet: 10.30.0.0/24}]}
  outside:
    external: true
    name: proxy
  hostnet:
    external: true
    name: host
"""


def test_networks_aliases_and_external_networks_round_trip(tmp_path: Path) -> None:
    _, _, exported = assert_round_trip(tmp_path, NETWORKS)
    assert exported.compose["services"]["api"]["networks"]["back"] == {
        "aliases": ["api-internal", "api"],  # without the one more the deploy adds
        "driver_opts": {"com.docker.network.driver.mtu": "1400"},
    }
    assert exported.compose["services"]["worker"]["networks"] == ["back", "host", "proxy"]
    assert "networks" not in exported.compose["services"]["lonely"]
    networks = exported.compose["networks"]
    assert networks["proxy"] == {"external": True, "name": "proxy"}
    assert networks["exactly-edge"]["name"] == "exactly-edge"
    assert networks["back"]["driver_opts"] == {"encrypted": ""}  # no VXLAN id


def test_networks_can_be_left_to_the_swarms_subnets(tmp_path: Path) -> None:
    original = plan_of(tmp_path, NETWORKS, "app")
    exported = export_stack(live_of(original), ExportOptions(keep_subnets=False))
    assert all("ipam" not in entry for entry in exported.compose["networks"].values())


OBJECTS = """\
services:
  server:
    image: app:1
    secrets:
      - token
      - source: tls_key
        target: /run/keys/tls.key
        uid: "100"
        gid: "101"
        mode: 0400
      - shared_secret
    configs:
      - source: nginx_conf
        target: /etc/nginx/nginx.conf
        mode: 0440
      - templated
      - shared_config
secrets:
  token:
    file: ./token.txt
    labels: {kind: token}
  tls_key:
    file: ./tls.key
    name: exactly-tls
  unused:
    file: ./token.txt
  shared_secret:
    external: true
    name: company_secret
  plugin:
    driver: vault
    driver_opts: {path: secret/app}
configs:
  nginx_conf:
    file: ./nginx.conf
    labels: {kind: conf}
  templated:
    file: ./templated.txt
    template_driver: golang
  shared_config:
    external: true
"""
OBJECT_FILES = {
    "token.txt": "s3cret\n",
    "tls.key": "-----BEGIN KEY-----\n",
    "nginx.conf": "events {}\nhttp { server { return 200 '$host'; } }\n",
    "templated.txt": "node {{.Node.Hostname}} ${NOT_INTERPOLATED}\n",
}


def test_secrets_and_configs_round_trip_with_their_files(tmp_path: Path) -> None:
    _, _, exported = assert_round_trip(tmp_path, OBJECTS, OBJECT_FILES)
    assert sorted(exported.secret_files) == [
        "secrets/exactly-tls",
        "secrets/token",
        "secrets/unused",
    ]
    assert exported.config_files == {
        "configs/nginx_conf": OBJECT_FILES["nginx.conf"].encode(),
        "configs/templated": OBJECT_FILES["templated.txt"].encode(),
    }
    secrets = exported.compose["secrets"]
    assert secrets["token"] == {"file": "secrets/token", "labels": {"kind": "token"}}
    assert secrets["company_secret"] == {"external": True, "name": "company_secret"}
    assert secrets["plugin"] == {"driver": "vault", "driver_opts": {"path": "secret/app"}}
    server = exported.compose["services"]["server"]
    assert server["secrets"][2] == {
        "source": "exactly-tls",
        "target": "/run/keys/tls.key",
        "uid": "100",
        "gid": "101",
        "mode": 0o400,
    }
    assert "      mode: 0400\n" in exported.text()  # octal, as people write modes
    header = exported.text().split("services:")[0]
    assert "secrets/token" in header and "configs/nginx_conf" in header
    assert "never returns" in header


def test_every_compose_file_of_the_unit_tests_reads_back(tmp_path: Path) -> None:
    """The exported text is a compose file of its own: valid YAML, no anchors, no version."""
    for i, text in enumerate((RICH, MODES, VOLUMES, NETWORKS)):
        plan = plan_of(tmp_path / str(i), text, "app")
        text_out = export_stack(live_of(plan)).text()
        assert "&id" not in text_out and "version" not in yaml.safe_load(text_out)
        parse_compose(text_out, "export", {})


# Chosen services and services of no stack -----------------------------------------------------


def handmade_service() -> Spec:
    """A service made with `docker service create`, not by a stack: no stack labels."""
    return {
        "ID": "handmade1",
        "Spec": {
            "Name": "web",
            "Labels": {"team": "edge"},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": f"nginx:1.25@{DIGEST}",
                    "Env": ["A=1"],
                    "Groups": ["audio"],
                    "DNSConfig": {"Nameservers": ["9.9.9.9"], "Options": ["ndots:2"]},
                    "Privileges": {"CredentialSpec": None, "SELinuxContext": None},
                    "Mounts": [
                        {"Type": "volume", "Source": "webdata", "Target": "/data"},
                        {"Type": "npipe", "Source": "x", "Target": "y"},
                    ],
                    "Secrets": [
                        {
                            "File": {"Name": "api", "UID": "0", "GID": "0", "Mode": 0o444},
                            "SecretID": "s1",
                            "SecretName": "api_key",
                        }
                    ],
                    "Hosts": ["10.0.0.9 a b"],
                },
                "Networks": [{"Target": network_id("proxy")}],
            },
            "Mode": {"Replicated": {"Replicas": 2}},
            "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80}]},
        },
    }


def test_a_service_of_no_stack_keeps_its_name_and_uses_everything_as_external(
    tmp_path: Path,
) -> None:
    live = LiveStack(None, [handmade_service()], FOREIGN_NETWORKS, [], [], whole=False)
    exported = export_stack(live)
    web = exported.compose["services"]["web"]
    assert web["image"] == f"nginx:1.25@{DIGEST}"
    assert web["networks"] == ["proxy"] and web["secrets"] == [
        {"source": "api_key", "target": "api"}
    ]
    assert exported.compose["networks"] == {"proxy": {"external": True, "name": "proxy"}}
    assert exported.compose["volumes"] == {"webdata": {"external": True, "name": "webdata"}}
    assert exported.compose["secrets"] == {"api_key": {"external": True, "name": "api_key"}}
    assert exported.secret_files == [] and exported.config_files == {}
    assert exported.warnings == [
        "service web: ContainerSpec.Groups cannot be written in a stack file; left out",
        "service web: a mount of type npipe cannot be written in a stack file; left out",
        "service web: host line '10.0.0.9 a b' becomes one entry per name",
        "service web: DNS options cannot be written in a stack file; left out",
    ]
    assert exported.header()[0] == "Exported by swarmtui from services web."
    copied = load_stack(StackSource("copy", (written(exported, tmp_path),)), {})
    spec = copied.services["web"]
    assert spec["Name"] == "copy_web" and spec["Labels"]["team"] == "edge"
    assert spec["TaskTemplate"]["Networks"] == [{"Target": "proxy", "Aliases": ["web"]}]
    assert copied.external_networks == ["proxy"]


class StackEngine(DemoMutator):
    """The objects of two stacks and a service of none, as an engine lists them."""

    def __init__(self, live: LiveStack, extra: list[Spec]) -> None:
        super().__init__()
        self.live = live
        self.extra = extra

    def listed(self, kind: StackObjectKind) -> list[Spec]:
        return self.live.services + self.extra if kind == "service" else self.live.networks

    def labelled(self, kind: StackObjectKind, label: str) -> list[Spec]:
        entries = {"secret": self.live.secrets, "config": self.live.configs}.get(kind, [])
        return [e for e in entries if f"{NAMESPACE}={e['Spec']['Labels'][NAMESPACE]}" == label]


def test_chosen_services_of_one_stack_keep_their_short_names(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path,
        OBJECTS.replace("  server:", "  server:\n    networks: [back]") + "networks:\n  back:\n",
        "shop",
        OBJECT_FILES,
    )
    live = live_of(plan)
    engine = StackEngine(live, [handmade_service()])
    chosen = live_services(engine, ["shop_server"])
    assert chosen.stack == "shop" and not chosen.whole
    assert sorted(s["Spec"]["Name"] for s in chosen.secrets) == ["exactly-tls", "shop_token"]
    exported = export_stack(chosen)
    assert exported.warnings == []  # the stack's other networks are not the export's business
    assert list(exported.compose["services"]) == ["server"]
    assert exported.compose["services"]["server"]["networks"] == ["back"]
    assert "back" in exported.compose["networks"]
    mixed = export_stack(live_services(engine, ["service0", "web"]))
    assert sorted(mixed.compose["services"]) == ["shop_server", "web"]
    assert mixed.compose["networks"]["shop_back"] == {"external": True, "name": "shop_back"}
    with pytest.raises(ExportProblem, match="no service 'nothing'"):
        live_services(engine, ["nothing"])


def test_keys_of_the_stack_come_first_and_stay_unique() -> None:
    assert object_keys("app", {"app_db": True, "db": False, "db-2": False, "app_x": False}) == {
        "app_db": "db",
        "app_x": "app_x",
        "db": "db-3",
        "db-2": "db-2",
    }


# Values written back ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        (0, "0s"),
        (1, "1ns"),
        (1_500, "1.5µs"),
        (250_000_000, "250ms"),
        (SECOND, "1s"),
        (90 * SECOND, "1m30s"),
        (3600 * SECOND, "1h0m0s"),
        (3723 * SECOND + SECOND // 2, "1h2m3.5s"),
        (5 * SECOND + 1, "5.000000001s"),
    ],
)
def test_durations_are_written_as_go_writes_them(nanoseconds: int, text: str) -> None:
    assert go_duration(nanoseconds) == text
    assert parse_duration(text) == nanoseconds


@pytest.mark.parametrize(
    ("size", "text"), [(1000, "1000"), (1024, "1K"), (3 << 30, "3G"), (1536, "1536")]
)
def test_sizes_are_written_in_the_largest_whole_unit(size: int, text: str) -> None:
    assert size_text(size) == text and parse_size(text) == size


@pytest.mark.parametrize(
    ("nano", "text"), [(500_000_000, "0.5"), (2 * SECOND, "2"), (1, "0.000000001")]
)
def test_cpus_are_written_exactly(nano: int, text: str) -> None:
    assert cpus_text(nano) == text and parse_cpus(text) == nano
