"""`swarmtui stack ...` on a real swarm: deploy, see, update in place, remove; read-only and
broken files change nothing. The services run the workload image every lab node has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.waiting import wait_for

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.cli.main import main

LABEL = "com.docker.stack.namespace"
STACK_FILE = f"""\
services:
  pinger:
    image: {WORKLOAD_IMAGE}
    command: [ping, 127.0.0.1]
    stop_grace_period: 1s
    environment: [ROLE=pinger]
    secrets: [token]
    configs: [{{source: motd, target: /etc/motd}}]
    networks: [back]
    deploy:
      replicas: ${{PINGERS:-2}}
  sleeper:
    image: {WORKLOAD_IMAGE}
    command: sleep 3600
    stop_grace_period: 1s
    deploy:
      mode: global
networks:
  back:
    attachable: true
secrets:
  token:
    file: ./token.txt
configs:
  motd:
    file: ./motd.txt
"""


def stack_objects(client: Any, stack: str) -> dict[str, list[str]]:
    label = {"label": [f"{LABEL}={stack}"]}
    return {
        "services": sorted(s["Spec"]["Name"] for s in client.api.services(filters=label)),
        "networks": sorted(n["Name"] for n in client.api.networks(filters=label)),
        "secrets": sorted(s["Spec"]["Name"] for s in client.api.secrets(filters=label)),
        "configs": sorted(c["Spec"]["Name"] for c in client.api.configs(filters=label)),
    }


def nothing_of(client: Any, stack: str) -> bool:
    return not any(stack_objects(client, stack).values())


@pytest.fixture
def stack(manager_client: Any, unique_name: str, lab_swarm: Lab) -> Iterator[str]:
    name = unique_name.replace("-", "")[:30]
    yield name
    main(["-H", lab_swarm.manager_url, "stack", "rm", name])
    wait_for(lambda: nothing_of(manager_client, name), 90, f"stack {name} removed")


@pytest.fixture
def stack_dir(tmp_path: Path) -> Path:
    (tmp_path / "docker-stack.yml").write_text(STACK_FILE)
    (tmp_path / "token.txt").write_text("not-a-real-token\n")
    (tmp_path / "motd.txt").write_text("hello from the stack\n")
    return tmp_path


def test_deploy_see_update_and_remove_a_stack(
    lab_swarm: Lab,
    manager_client: Any,
    stack: str,
    stack_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = lab_swarm.manager_url
    file = str(stack_dir / "docker-stack.yml")
    assert main(["-H", url, "stack", "deploy", "--no-detach", "-c", file, stack]) == 0
    assert stack_objects(manager_client, stack) == {
        "services": [f"{stack}_pinger", f"{stack}_sleeper"],
        "networks": [f"{stack}_back", f"{stack}_default"],
        "secrets": [f"{stack}_token"],
        "configs": [f"{stack}_motd"],
    }
    pinger = manager_client.api.inspect_service(f"{stack}_pinger")
    assert pinger["Spec"]["Mode"] == {"Replicated": {"Replicas": 2}}
    running = [
        t
        for t in manager_client.api.tasks(filters={"service": pinger["ID"]})
        if t["Status"]["State"] == "running"
    ]
    assert len(running) == 2  # --no-detach returned once converged

    capsys.readouterr()
    assert main(["-H", url, "stack", "ls"]) == 0
    assert any(line.split() == [stack, "2"] for line in capsys.readouterr().out.splitlines())
    assert main(["-H", url, "stack", "services", stack]) == 0
    listing = capsys.readouterr().out
    assert f"{stack}_pinger" in listing and "2/2" in listing and "global" in listing
    assert main(["-H", url, "stack", "ps", stack]) == 0
    tasks = capsys.readouterr().out
    assert tasks.count(f"{stack}_pinger.") == 2 and "running" in tasks

    # An update changes the services in place: same ids, a newer version.
    before = {
        s["Spec"]["Name"]: s
        for s in manager_client.api.services(filters={"label": f"{LABEL}={stack}"})
    }
    override = stack_dir / "override.yml"
    override.write_text(
        "services:\n  pinger:\n    environment: [ROLE=updated]\n    deploy: {replicas: 1}\n"
    )
    assert main(["-H", url, "stack", "deploy", "-c", file, "-c", str(override), stack]) == 0
    after = manager_client.api.inspect_service(f"{stack}_pinger")
    assert after["ID"] == before[f"{stack}_pinger"]["ID"]
    assert after["Version"]["Index"] > before[f"{stack}_pinger"]["Version"]["Index"]
    assert after["Spec"]["Mode"] == {"Replicated": {"Replicas": 1}}
    assert "ROLE=updated" in after["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"]
    sleeper = manager_client.api.inspect_service(f"{stack}_sleeper")
    assert sleeper["ID"] == before[f"{stack}_sleeper"]["ID"]

    assert main(["-H", url, "stack", "rm", stack]) == 0
    wait_for(lambda: nothing_of(manager_client, stack), 90, "every object of the stack removed")


def test_read_only_and_broken_files_change_nothing(
    lab_swarm: Lab,
    manager_client: Any,
    stack: str,
    stack_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = lab_swarm.manager_url
    file = str(stack_dir / "docker-stack.yml")
    assert main(["-H", url, "--read-only", "stack", "deploy", "-c", file, stack]) == 1
    assert "Read-only" in capsys.readouterr().err
    assert nothing_of(manager_client, stack)

    broken = stack_dir / "broken.yml"
    broken.write_text(STACK_FILE.replace("networks: [back]", "networks: [front]"))
    assert main(["-H", url, "stack", "deploy", "-c", str(broken), stack]) == 1
    error = capsys.readouterr().err
    assert f"{broken}:9: services.pinger.networks" in error and "undefined network 'front'" in error
    assert nothing_of(manager_client, stack)

    # A missing external secret is found before anything is created.
    external = stack_dir / "external.yml"
    external.write_text(STACK_FILE.replace("    file: ./token.txt", "    external: true"))
    assert main(["-H", url, "stack", "deploy", "-c", str(external), stack]) == 1
    assert "token" in capsys.readouterr().err
    assert nothing_of(manager_client, stack)
