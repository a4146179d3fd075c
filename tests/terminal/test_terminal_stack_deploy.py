"""Stacks in a real terminal: the deploy dialog typed in one write(), as a paste or an SSH
link delivers it; the engine's state is asserted afterwards."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pty_console import CTRL_P, ENTER, TAB, PtyConsole

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.cli.main import main

LABEL = "com.docker.stack.namespace"


def stack_services(client: Any, stack: str) -> list[str]:
    services = client.api.services(filters={"label": [f"{LABEL}={stack}"]})
    return sorted(s["Spec"]["Name"] for s in services)


def wait_engine(probe: Any, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"the engine never reached: {what}")
        time.sleep(0.25)


@pytest.fixture
def stack(lab_swarm: Lab, manager_client: Any, unique_name: str) -> Iterator[str]:
    name = unique_name.replace("-", "")[:30]
    yield name
    main(["-H", lab_swarm.manager_url, "stack", "rm", name])
    wait_engine(lambda: not stack_services(manager_client, name), f"{name} removed")


def test_deploy_dialog_in_one_write(
    lab_swarm: Lab, manager_client: Any, tmp_path: Path, stack: str
) -> None:
    compose = tmp_path / "docker-stack.yml"
    compose.write_text(
        f"services:\n  api:\n    image: {WORKLOAD_IMAGE}\n    command: [sleep, '3600']\n"
        f"    stop_grace_period: 1s\n  worker:\n    image: {WORKLOAD_IMAGE}\n"
        "    command: [sleep, '3600']\n    stop_grace_period: 1s\n    deploy: {replicas: 2}\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home) as console:
        console.wait_for("manager1", what="the nodes pane")
        console.write(CTRL_P + "Deploy stack" + ENTER + str(compose) + TAB + stack + ENTER)
        wait_engine(
            lambda: stack_services(manager_client, stack) == [f"{stack}_api", f"{stack}_worker"],
            "both services of the stack created",
        )
        console.wait_for("every service converged", what="the stack converged")
    worker = manager_client.api.inspect_service(f"{stack}_worker")
    assert worker["Spec"]["Mode"] == {"Replicated": {"Replicas": 2}}


def test_remove_from_the_stacks_view_in_one_write(
    lab_swarm: Lab, manager_client: Any, tmp_path: Path, stack: str
) -> None:
    compose = tmp_path / "docker-stack.yml"
    compose.write_text(
        f"services:\n  api:\n    image: {WORKLOAD_IMAGE}\n    command: [sleep, '3600']\n"
        "    stop_grace_period: 1s\n    networks: [back]\nnetworks:\n  back: {}\n"
    )
    assert main(["-H", lab_swarm.manager_url, "stack", "deploy", "-c", str(compose), stack]) == 0
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home) as console:
        console.wait_for(stack, what="the stack's service")
        # `x` looks the stack up before it asks; TAB ENTER are meant for the confirmation.
        console.write("4" + f"/^{stack}$" + ENTER + "x" + TAB + ENTER)
        wait_engine(
            lambda: not stack_services(manager_client, stack), "the stack's services removed"
        )
        label = {"label": [f"{LABEL}={stack}"]}
        wait_engine(lambda: not manager_client.api.networks(filters=label), "its networks removed")
