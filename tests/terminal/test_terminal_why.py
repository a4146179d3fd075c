"""`w` in a real pseudo-terminal on the lab: the keys that find a failed task and ask why,
in ONE write(); the installed console explains it with the task's log and the container's
state read from the worker's own engine (the lab's nodes are the console's machines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.pty_console import ENTER, ESC, PtyConsole
from helpers.swarm import create_service
from helpers.waiting import wait_for

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab


def test_w_explains_a_task_that_exited(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-exits"
    service_id = create_service(
        manager_client,
        {
            "Name": name,
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": WORKLOAD_IMAGE,
                    "Command": ["sh", "-c", "echo last-words-here; exit 7"],
                },
                "RestartPolicy": {"Condition": "none"},
                "Placement": {"Constraints": ["node.role == worker"]},
            },
            "Mode": {"Replicated": {"Replicas": 1}},
        },
    )
    wait_for(
        lambda: any(
            t["Status"]["State"] == "failed"
            for t in manager_client.api.tasks(filters={"service": service_id})
        ),
        120,
        "the task to fail",
        step=0.5,
    )
    home = tmp_path / "home"
    home.mkdir()
    args = ["--host", lab_swarm.manager_url, "--lab", lab_swarm.name]
    with PtyConsole(args, home, cols=120, rows=40) as console:
        console.wait_for(name[:20], what=f"{name} in the services pane")
        # its row and its tasks with the history (the failed one): one burst; then `w` once
        # the task is listed (the tasks pane fills after the scope changed, not per key)
        console.write(f"2/^{name}${ENTER}3a")
        console.wait_for("Failed", timeout=60, what="the failed task in the tasks pane")
        console.write("w")
        console.wait_for(
            lambda s: "exited with code 7" in s and "last-words-here" in s,
            timeout=90,
            what="the explanation with the task's last log line",
        )
        screen = console.wait_for("OOM-killed: no (the node's container state)", timeout=30)
        assert "Why is this task not running?" in screen
        console.write(ESC)
        console.wait_for("[1] Nodes", what="back on the main screen")
