"""`swarmtui stack export` on a real swarm: a rich stack deployed, exported, removed, and the
export deployed under another name; the engine's stored specs of services, networks, secrets
and configs are the same field by field once the stack name and the ids are normalised, and
exporting the copy gives the same file.

Every node is drained while the stacks exist: no task is scheduled, so no node asks a registry
for an image (deploys use --resolve-image never). The copy is deployed after the original is
removed: both publish the same ports, and the networks keep their subnets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import docker.errors
import pytest
from helpers.stacks import renamed
from helpers.waiting import wait_for

from swarmtui.adapters.docker.lab import Lab
from swarmtui.cli.main import main

Spec = dict[str, Any]
LABEL = "com.docker.stack.namespace"
VXLAN = "com.docker.network.driver.overlay.vxlanid_list"
DIGEST = "sha256:" + "0123456789abcdef" * 4
STACK_FILE = """\
services:
  web:
    image: nginx:1.25
    command: [nginx, -g, "daemon off;"]
    entrypoint: /docker-entrypoint.sh
    environment:
      MODE: production
      PRICE: "$$5"
      {empty_variable}: ""
    labels: {{com.example.container: "yes"}}
    hostname: "{{{{.Node.Hostname}}}}"
    user: "101"
    working_dir: /usr/share/nginx
    init: true
    read_only: true
    stop_signal: SIGQUIT
    stop_grace_period: 1m30s
    healthcheck:
      test: curl -fsS localhost || exit 1
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 10s
    extra_hosts: ["db.local:10.1.2.3"]
    dns: [10.0.0.2]
    dns_search: [example.internal]
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    sysctls: {{net.core.somaxconn: "1024"}}
    ulimits: {{nofile: {{soft: 10000, hard: 20000}}, nproc: 4096}}
    logging: {{driver: json-file, options: {{max-size: 10m}}}}
    ports: ["18080:80", {{target: 443, published: 18443, mode: host}}, "9000/udp"]
    volumes:
      - content:/usr/share/nginx/html:ro
      - /etc/localtime:/etc/localtime:ro
      - {{type: tmpfs, target: /var/cache/nginx, tmpfs: {{size: 1048576}}}}
      - shared:/shared
    networks:
      front: {{aliases: [www]}}
      back:
      outside:
    secrets:
      - {{source: tls_key, target: /run/secrets/tls.key, mode: 0400}}
      - external_token
    configs:
      - {{source: nginx_conf, target: /etc/nginx/nginx.conf, mode: 0440}}
      - templated
    deploy:
      replicas: 2
      labels: {{traefik.enable: "true"}}
      placement:
        constraints: [node.role == worker]
        preferences: [{{spread: node.hostname}}]
        max_replicas_per_node: 1
      resources:
        limits: {{cpus: "0.5", memory: 256M}}
        reservations: {{cpus: "0.1", memory: 64M}}
      restart_policy: {{condition: on-failure, delay: 10s, max_attempts: 3, window: 1m}}
      update_config: {{delay: 10s, order: start-first, failure_action: rollback}}
      rollback_config: {{parallelism: 0, monitor: 30s}}
  worker:
    image: busybox@{digest}
    command: sh -c 'sleep 1000'
    volumes: [{{type: volume, source: legacy, target: /legacy, volume: {{nocopy: true}}}}]
    networks: [back]
    deploy: {{mode: global, endpoint_mode: dnsrr}}
  migrate:
    image: busybox:1.36
    tty: true
    stdin_open: true
    healthcheck: {{disable: true}}
    deploy: {{mode: replicated-job, replicas: 3, restart_policy: {{condition: none}}}}
  cleanup:
    image: busybox:1.36
    init: false
    deploy: {{mode: global-job}}
networks:
  front:
    attachable: true
    labels: {{tier: front}}
  back:
    internal: true
    driver_opts: {{encrypted: ""}}
    ipam: {{config: [{{subnet: 10.231.0.0/24}}]}}
  outside:
    external: true
    name: {external_network}
volumes:
  content:
    labels: {{backup: daily}}
    driver_opts: {{type: tmpfs, device: tmpfs}}
  shared:
    name: {unique}-shared
  legacy:
    external: true
    name: legacy-data
secrets:
  tls_key:
    file: ./tls.key
    labels: {{kind: tls}}
  external_token:
    external: true
    name: {external_secret}
configs:
  nginx_conf:
    file: ./nginx.conf
    labels: {{app: web}}
  templated:
    file: ./motd.txt
    template_driver: golang
  spare:
    file: ./motd.txt
    name: {unique}-spare
"""
NGINX_CONF = "events {}\nhttp { server { return 200 '$host'; } }\n"
MOTD = "served by {{.Service.Name}} on {{.Node.Hostname}}\n"


def stack_objects(client: Any, stack: str) -> dict[str, list[Spec]]:
    label = {"label": [f"{LABEL}={stack}"]}
    return {
        "services": client.api.services(filters=label),
        "networks": client.api.networks(filters=label),
        "secrets": client.api.secrets(filters=label),
        "configs": client.api.configs(filters=label),
    }


def nothing_of(client: Any, stack: str) -> bool:
    return not any(stack_objects(client, stack).values())


def comparable(stack: str, objects: dict[str, list[Spec]], names: dict[str, str]) -> Spec:
    """What must be equal between two deploys of one file, by name: the stored specs with
    networks by name and without the ids of secrets and configs; networks as listed without
    id, creation time and VXLAN id; the secrets' and configs' specs."""
    services = {}
    for service in objects["services"]:
        spec = service["Spec"]
        template = spec["TaskTemplate"]
        container = template["ContainerSpec"]
        for network in template.get("Networks", []):
            network["Target"] = names[network["Target"]]
        template.get("Networks", []).sort(key=lambda n: str(renamed(n["Target"], stack, "S")))
        for kind in ("Secret", "Config"):
            for reference in container.get(f"{kind}s", []):
                reference.pop(f"{kind}ID")
            container.get(f"{kind}s", []).sort(
                key=lambda r, kind=kind: str(renamed(r[f"{kind}Name"], stack, "S"))
            )
        services[spec["Name"]] = spec
    networks = {}
    for network in objects["networks"]:
        listed = {k: v for k, v in network.items() if k not in ("Id", "Created", "Containers")}
        listed["Options"] = {k: v for k, v in listed["Options"].items() if k != VXLAN}
        networks[network["Name"]] = listed
    result: Spec = renamed(
        {
            "services": services,
            "networks": networks,
            "secrets": {s["Spec"]["Name"]: s["Spec"] for s in objects["secrets"]},
            "configs": {c["Spec"]["Name"]: c["Spec"] for c in objects["configs"]},
        },
        stack,
        "S",
    )
    return result


def network_names(client: Any) -> dict[str, str]:
    return {n["Id"]: n["Name"] for n in client.api.networks()}


@pytest.fixture
def drained(manager_client: Any) -> Iterator[None]:
    """Every node drained for the test, then as it was."""
    before = {}
    for node in manager_client.nodes.list():
        before[node.id] = node.attrs["Spec"]["Availability"]
        node.update({**node.attrs["Spec"], "Availability": "drain"})
    try:
        yield
    finally:
        for node_id, availability in before.items():
            node = manager_client.nodes.get(node_id)
            node.update({**node.attrs["Spec"], "Availability": availability})


@pytest.fixture
def external_objects(manager_client: Any, unique_name: str) -> Iterator[tuple[str, str]]:
    """An overlay network and a secret the stack uses as external."""
    network = manager_client.networks.create(f"{unique_name}-net", driver="overlay")
    secret = manager_client.secrets.create(name=f"{unique_name}-token", data=b"token")
    try:
        yield network.name, secret.name
    finally:
        with contextlib.suppress(docker.errors.NotFound):
            secret.remove()
        wait_for(lambda: _removed(network), 90, f"network {network.name} removed")


def _removed(network: Any) -> bool:
    try:
        network.remove()
    except docker.errors.NotFound:
        return True
    except docker.errors.APIError:
        return False  # still in use while a stack's removal settles
    return True


@pytest.fixture
def stacks(
    lab_swarm: Lab,
    manager_client: Any,
    unique_name: str,
    drained: None,
    external_objects: tuple[str, str],
) -> Iterator[tuple[str, str]]:
    """The names of the original stack and of its copy, both removed afterwards (before the
    external objects they use and before the nodes are made available again)."""
    base = unique_name.replace("-", "")[:28]
    original, copy = f"{base}a", f"{base}b"
    yield original, copy
    for stack in (copy, original):
        main(["-H", lab_swarm.manager_url, "stack", "rm", stack])
    for stack in (copy, original):
        wait_for(partial(nothing_of, manager_client, stack), 120, f"stack {stack} removed")


def test_an_exported_stack_deploys_back_to_the_same_specs(
    lab_swarm: Lab,
    manager_client: Any,
    stacks: tuple[str, str],
    external_objects: tuple[str, str],
    unique_name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = lab_swarm.manager_url
    original, copy = stacks
    source = tmp_path / "source"
    source.mkdir()
    (source / "tls.key").write_text("-----BEGIN PRIVATE KEY-----\n")
    (source / "nginx.conf").write_text(NGINX_CONF)
    (source / "motd.txt").write_text(MOTD)
    (source / "docker-stack.yml").write_text(
        STACK_FILE.format(
            digest=DIGEST,
            external_network=external_objects[0],
            external_secret=external_objects[1],
            unique=unique_name,
            empty_variable=f"EMPTY_{unique_name.replace('-', '_').upper()}",
        )
    )
    deploy = ["-H", url, "stack", "deploy", "--resolve-image", "never", "-c"]
    assert main([*deploy, str(source / "docker-stack.yml"), original]) == 0
    before = comparable(
        original, stack_objects(manager_client, original), network_names(manager_client)
    )
    assert len(before["services"]) == 4 and len(before["configs"]) == 3

    capsys.readouterr()
    assert main(["-H", url, "stack", "export", original]) == 0
    printed = capsys.readouterr()
    assert "configs/nginx_conf" in printed.err and "secrets/tls_key" in printed.err
    exported = tmp_path / "export"
    assert main(["-H", url, "stack", "export", original, "-o", str(exported)]) == 0
    text = (exported / "docker-stack.yml").read_text()
    assert text == printed.out
    assert (exported / "configs" / "nginx_conf").read_text() == NGINX_CONF
    assert (exported / "configs" / "templated").read_text() == MOTD
    assert (exported / "secrets" / "tls_key").read_text() == ""  # for the operator to fill
    assert "warning" not in capsys.readouterr().err
    (exported / "secrets" / "tls_key").write_text("-----BEGIN PRIVATE KEY-----\n")

    # Both publish ports 18080 and 18443, and the networks keep their subnets: one at a time.
    assert main(["-H", url, "stack", "rm", original]) == 0
    wait_for(lambda: nothing_of(manager_client, original), 120, f"stack {original} removed")
    assert main([*deploy, str(exported / "docker-stack.yml"), copy]) == 0
    after = comparable(copy, stack_objects(manager_client, copy), network_names(manager_client))

    for kind in ("services", "networks", "secrets", "configs"):
        assert sorted(after[kind]) == sorted(before[kind]), kind
        for name in before[kind]:
            assert after[kind][name] == before[kind][name], f"{kind} {name}"

    capsys.readouterr()
    assert main(["-H", url, "stack", "export", copy]) == 0
    assert capsys.readouterr().out == text.replace(f"stack {original}.", f"stack {copy}.")

    # Chosen services of one stack keep their short names; the stack's objects they use
    # come along, the others' stay out.
    assert main(["-H", url, "stack", "export", "--service", f"{copy}_worker"]) == 0
    chosen = capsys.readouterr().out
    assert f"from services {copy}_worker." in chosen and "\n  worker:\n" in chosen
    assert "  back:\n" in chosen and "front" not in chosen and "secrets" not in chosen
    assert main(["-H", url, "stack", "export", original]) == 1
    assert f"nothing found in stack: {original}" in capsys.readouterr().err
    assert main(["-H", url, "stack", "export", "--service", f"{original}_web"]) == 1
    assert f"no service '{original}_web'" in capsys.readouterr().err
