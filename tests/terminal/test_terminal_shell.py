"""A shell in a task on a worker, from the installed console in a real pseudo-terminal.

`e` on a task running on a lab worker hands the terminal to a shell in that container
(through the worker's own engine: the manager's API cannot exec there); the test types into
the real pty, reads the answers, resizes the terminal, exits and finds the console intact.
Keys are written as bursts, as an SSH link delivers them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest
from helpers.lab_ssh import fingerprints, home_reaching_over_ssh, node_named
from helpers.pty_console import ENTER, ESC, PtyConsole
from helpers.swarm import create_service, pinned_service
from helpers.waiting import wait_for

from swarmtui.adapters.docker.lab import Lab, lab_node_host_keys

WORKER = "worker1"


def running_container(manager: Any, service_id: str) -> tuple[str, str]:
    """(task id, container id) of the service's running task."""

    def probe() -> tuple[str, str] | None:
        for task in manager.api.tasks(filters={"service": service_id}):
            status = task.get("Status") or {}
            container = (status.get("ContainerStatus") or {}).get("ContainerID", "")
            if status.get("State") == "running" and container:
                return str(task["ID"]), str(container)
        return None

    return wait_for(probe, 120, "the task running")


def test_a_shell_in_a_task_on_a_worker(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, pinned_service(f"{prefix}-sh", WORKER))
    task_id, container = running_container(manager_client, service_id)
    worker_engine = docker.APIClient(base_url=node_named(lab_swarm, WORKER).api_url)
    try:
        inspected = worker_engine.inspect_container(container)
    finally:
        worker_engine.close()
    hostname = inspected["Config"]["Hostname"]
    cmdline = " ".join([inspected["Path"], *inspected["Args"]])
    home = tmp_path / "home"
    home.mkdir()
    args = ["--host", lab_swarm.manager_url, "--lab", lab_swarm.name]
    with PtyConsole(args, home, cols=100, rows=30) as console:
        console.wait_for(service_id[:12], what="the service in the services pane")
        # The nodes pane says how a shell reaches each node: the manager in use for its
        # own node, the lab's published engines for the workers.
        console.wait_for(
            lambda text: all(
                any(name in line and via in line for line in text.splitlines())
                for name, via in (
                    ("manager1", "connected"),
                    ("worker1", "dind"),
                    ("worker2", "dind"),
                )
            ),
            what="SHELL VIA for every lab node",
        )
        # Filter the services to ours (its tasks show below), focus the tasks, open a shell,
        # and type the first command before the shell is even there: one burst.
        console.write(f"/{prefix}-sh{ENTER}3")
        console.wait_for(task_id[:12], what="the task in the tasks pane")
        console.write(f"e echo typed-ahead-$((6*7)){ENTER}")
        console.wait_for("typed-ahead-42", what="the typed-ahead command's answer")
        engine_url = node_named(lab_swarm, WORKER).api_url
        banner = f"[swarmtui] shell in {prefix}-sh.1 on {WORKER}: docker -H {engine_url} exec -it"
        assert banner in "".join(console.text().splitlines())  # shown before the shell, wrapped
        console.write(f"hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo{ENTER}")
        console.wait_for(f"\n{hostname}", what=f"the container's hostname {hostname}")
        console.wait_for(cmdline, what=f"the container's main process {cmdline!r}")
        console.resize(110, 32)
        time.sleep(0.5)  # the relay polls the size too; SIGWINCH is immediate
        console.write(f"stty size{ENTER}")
        console.wait_for("32 110", what="the new size inside the container")
        console.write(f"exit 7{ENTER}")
        screen = console.wait_for(
            lambda text: "[2] Services" in text and "ended (exit" in text,
            what="the console back, saying how the shell ended",
        )
        assert "[1] Nodes" in screen and "Tasks" in screen
        assert len(screen.splitlines()[0]) == 110  # repainted at the new size
        console.write("J")
        journal = console.wait_for("exec -it", what="the shell in the journal")
        assert f"docker -H {node_named(lab_swarm, WORKER).api_url} exec -it" in journal
        assert container[:12] in journal
        assert "exit 7" in journal


SSH_WORKER = "worker2"


@pytest.fixture
def ssh_home(engine: Any, lab_swarm: Lab, tmp_path: Path) -> Iterator[Path]:
    """A HOME whose key the lab's nodes accept, and a config mapping worker2 to its sshd
    (the console is not told about the lab, so SSH is the only way to worker2's engine)."""
    with home_reaching_over_ssh(engine, lab_swarm, tmp_path / "home", SSH_WORKER) as home:
        yield home


def test_a_shell_over_ssh_after_the_host_key_is_confirmed(
    engine: Any, lab_swarm: Lab, manager_client: Any, prefix: str, ssh_home: Path
) -> None:
    service_id = create_service(manager_client, pinned_service(f"{prefix}-ssh", SSH_WORKER))
    task_id, container = running_container(manager_client, service_id)
    node = node_named(lab_swarm, SSH_WORKER)
    expected = fingerprints(lab_node_host_keys(node.address))
    known_hosts = ssh_home / ".local" / "share" / "swarmtui" / "known_hosts"
    with PtyConsole(["--host", lab_swarm.manager_url], ssh_home, cols=100, rows=30) as console:
        console.wait_for(service_id[:12], what="the service in the services pane")
        # Its route is known, its host key not yet trusted: the nodes pane says so.
        console.wait_for(
            lambda text: any(
                SSH_WORKER in line and "mapped (new key)" in line for line in text.splitlines()
            ),
            what="worker2 reached through its [nodes] entry, the key still to confirm",
        )
        console.write(f"/{prefix}-ssh{ENTER}3")
        console.wait_for(task_id[:12], what="the task in the tasks pane")
        console.write("e")
        screen = console.wait_for("Trust this host key", what="the host key question")
        shown = " ".join(screen.split())
        assert any(fp in shown for fp in expected), f"no fingerprint of {expected} in {shown}"
        assert not known_hosts.exists() or node.address not in known_hosts.read_text()
        # Cancel has the focus: tab to Trust, enter, then a command typed ahead of the shell.
        console.write(f"\t{ENTER}echo over-ssh-$((6*7)){ENTER}")
        console.wait_for("over-ssh-42", what="the typed-ahead command's answer over SSH")
        console.write(f"hostname{ENTER}")
        console.wait_for(f"\n{container[:12]}", what="the container's hostname")
        console.resize(90, 28)
        time.sleep(0.5)
        console.write(f"stty size{ENTER}")
        console.wait_for("28 90", what="the new size inside the container, over SSH")
        console.write(f"exit{ENTER}")
        console.wait_for(
            lambda text: "[2] Services" in text and "ended (exit" in text,
            what="the console back, saying how the shell ended",
        )
        assert node.address in known_hosts.read_text()
        console.write("J")
        journal = " ".join(console.wait_for("ssh -t", what="the journal").split())
        assert f"ssh -t root@{node.address} docker exec -it {container[:12]}" in journal
        assert "exit 0" in journal

        # A shell on the node itself (`S` in the nodes pane), then its SSH session killed:
        # the console comes back and says the connection dropped.
        console.write(ESC)  # alone: ESC then 1 in one burst reads as alt+1
        console.wait_for(lambda text: "Action journal" not in text, what="the journal closed")
        console.write(f"1/{SSH_WORKER}{ENTER}S")
        console.wait_for("[swarmtui] shell in node", what="the node shell's banner")
        console.write(f"echo node-$((2*21)); hostname{ENTER}")
        console.wait_for("node-42", what="the node shell's answer")
        engine.containers.get(node.container_id).exec_run(
            ["sh", "-c", "pkill -KILL -f 'sshd: root'"]
        )
        console.wait_for(
            lambda text: "[1] Nodes" in text and "dropped" in text,
            what="the console back after the dropped connection",
        )
