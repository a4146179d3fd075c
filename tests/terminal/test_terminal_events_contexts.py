"""The events view's filter and the context picker in a real pseudo-terminal on the lab,
each key sequence written in ONE write(), as an SSH link or a paste delivers it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers.contexts import write_docker_context
from helpers.pty_console import DOWN, ENTER, ESC, UP, PtyConsole
from helpers.swarm import ping_service
from helpers.waiting import wait_for

from swarmtui.adapters.docker.lab import Lab


def test_events_filter_and_context_picker(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-pty"
    service = ping_service(manager_client, name, 1)
    service.scale(2)

    def scaled() -> bool:
        service.reload()
        return bool(service.attrs["Spec"]["Mode"]["Replicated"]["Replicas"] == 2)

    wait_for(scaled, 30, "the scale")
    home = tmp_path / "home"
    docker_dir = home / ".docker"
    direct = f"tcp://{lab_swarm.managers[0].address}:2375"
    write_docker_context(docker_dir, "lab-direct", direct)
    (docker_dir / "config.json").write_text(json.dumps({"currentContext": "default"}))
    args = ["--host", lab_swarm.manager_url, "--lab", lab_swarm.name]
    with PtyConsole(args, home, cols=120, rows=40) as console:
        console.wait_for(service.id[:12], what=f"{name} in the services pane")
        # The service, its events, only its scale: one burst.
        console.write(f"2/^{name}${ENTER}V/replicas{ENTER}")
        screen = console.wait_for("matching 'replicas'", what="the filtered events view")
        console.wait_for(
            lambda s: any("replicas 1→2" in line and name in line for line in s.splitlines()),
            what=f"{name}'s scale in the events view",
        )
        assert f"of service {name}" in screen
        console.write(ESC)
        console.wait_for("[1] Nodes", what="the main screen")
        # The picker opens on the one in use (the lab's manager, a machine of the console:
        # `--lab`, listed after the docker contexts); to the top (default), one down to
        # lab-direct, enter: one burst.
        console.write(f"C{UP}{UP}{DOWN}{ENTER}")
        console.wait_for(
            lambda s: "context lab-direct" in s and direct in s and "● live" in s,
            timeout=90,
            what="the header on lab-direct",
        )
        console.wait_for(service.id[:12], what="the services read again")
