"""The stacks view in a real pseudo-terminal on the lab: `4`, a filter, the drill-down keys and
`escape` written in ONE write(), as an SSH link or a paste delivers them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.pty_console import ENTER, ESC, PtyConsole
from helpers.swarm import create_service, remove_services

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.display.stacks import STACK_LABEL


def stack_service(stack: str, name: str) -> dict[str, Any]:
    return {
        "Name": f"{stack}_{name}",
        "Labels": {STACK_LABEL: stack},
        "TaskTemplate": {"ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "1d"]}},
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def test_stack_drill_down_and_back_in_one_burst(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str
) -> None:
    stack = "-".join(prefix.split("-")[:2])  # t<run id>-<n>: short enough for the titles
    try:
        drill_down_and_back(lab_swarm, tmp_path, manager_client, stack)
    finally:
        remove_services(manager_client, f"{stack}_")


def drill_down_and_back(lab_swarm: Lab, tmp_path: Path, manager_client: Any, stack: str) -> None:
    web = create_service(manager_client, stack_service(stack, "web"))
    db = create_service(manager_client, stack_service(stack, "db"))
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home, cols=120, rows=40) as console:
        console.wait_for(web[:12], what=f"{stack}_web in the services pane")
        console.wait_for(db[:12], what=f"{stack}_db in the services pane")
        # The stacks, filtered to ours; enter keeps the filter, enter drills down; j: the
        # second service (its tasks below); 3: the tasks pane; escape: back up to the stack's
        # services; escape: back up to the stacks.
        console.write(f"4/^{stack}${ENTER}{ENTER}j3{ESC}{ESC}")

        def back_at_the_stacks(screen: str) -> bool:
            return (
                "[4] Stacks (1/" in screen  # in the nodes' place, still filtered to ours
                and "[1] Nodes" not in screen
                and f"of stack {stack}" not in screen  # every service again
                and f"Tasks (1) of service {stack}_web" in screen  # where the drill went
                and "⏎ Services" in screen  # the stacks pane's footer: it has the focus
                and "esc Back" not in " ".join(screen.split())
            )

        console.wait_for(back_at_the_stacks, what="the stacks after the drill-down and back")
