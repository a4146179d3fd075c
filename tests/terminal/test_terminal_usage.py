"""Live usage in a real pseudo-terminal on the lab: `U` and `t` written with the keys before
them in ONE write(), as an SSH link or a paste delivers them; the figures come from the
worker's own engine (the lab's nodes are the console's machines: `--lab`)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from helpers.pty_console import ENTER, ESC, PtyConsole
from helpers.swarm import create_service

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab

FIGURE = re.compile(r"\d+\.\d%")
QUIET_SETTLE = 3.0  # the last round's repaint and a footer refresh
QUIET_SECONDS = 6.0
BUSY = "while :; do :; done"


def busy_service(name: str) -> dict[str, Any]:
    """One task on worker1: a CPU loop capped at 20 % of a CPU."""
    return {
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Command": ["sh", "-c", BUSY]},
            "Resources": {"Limits": {"NanoCPUs": 200_000_000}},
            "Placement": {"Constraints": ["node.hostname == worker1"]},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def line_with(screen: str, *texts: str, but: str = "\0") -> str:
    """The first line of SCREEN holding every one of TEXTS and not BUT."""
    lines = screen.splitlines()
    return next((x for x in lines if all(t in x for t in texts) and but not in x), "")


def test_usage_columns_and_the_top_view(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-busy"
    service_id = create_service(manager_client, busy_service(name))
    home = tmp_path / "home"
    home.mkdir()
    args = ["--host", lab_swarm.manager_url, "--lab", lab_swarm.name]
    with PtyConsole(args, home, cols=120, rows=40) as console:
        console.wait_for(service_id[:12], what=f"{name} in the services pane")
        console.wait_for(lambda s: "CPU %" not in s, what="no usage column by default")
        # The service's row, its tasks below, then the usage columns: one burst.
        console.write(f"2/^{name}${ENTER}U")

        def task_with_figures(screen: str) -> bool:
            row = line_with(screen, WORKLOAD_IMAGE, "worker1")  # the tasks pane's one row
            return "CPU %" in screen and bool(FIGURE.search(row)) and "iB / " in row

        console.wait_for(task_with_figures, timeout=90, what=f"CPU and memory of {name}.1")
        console.wait_for(
            lambda s: (
                "TASKS" in s and bool(FIGURE.search(line_with(s, "worker1", but=WORKLOAD_IMAGE)))
            ),
            what="worker1's totals in the nodes pane",
        )

        console.write("t")

        def top_with_our_task(screen: str) -> bool:
            row = line_with(screen, name[:16], "worker1")
            return "running tasks on" in screen and bool(FIGURE.search(row))

        console.wait_for(top_with_our_task, timeout=90, what=f"the top view with {name}")
        # By memory, then back (an escape ends a burst: followed by a key it reads as alt+key).
        console.write(f"s{ESC}")
        console.wait_for(
            lambda s: "[1] Nodes" in s and "CPU %" in s, what="the main screen, usage still on"
        )
        console.write("U")
        console.wait_for(
            lambda s: "[1] Nodes" in s and "CPU %" not in s and "TASKS" not in s,
            what="the main screen without usage columns",
        )
        # Usage off: as idle as before it was on (no sampling, no repaint).
        time.sleep(QUIET_SETTLE)
        before = console.bytes_read
        time.sleep(QUIET_SECONDS)
        assert console.bytes_read == before, "the console kept writing after usage went off"
