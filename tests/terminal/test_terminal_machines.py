"""The tutorial's central step typed as one burst in a real terminal: `M`, `c`, a name, join
as worker, ctrl+s, in the installed console connected to the lab, and the machine becomes a
Ready worker of the lab's swarm (before the fix its join timed out: wrong network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.machines import forget_machine, leftovers, networks_of, ready_worker
from helpers.pty_console import CTRL_S, DOWN, ENTER, TAB, PtyConsole

from swarmtui.adapters.docker.lab import Lab


@pytest.fixture
def machine_name(engine: Any, lab_swarm: Lab, run_id: str) -> Iterator[str]:
    name = f"m{run_id}-pty"
    try:
        yield name
    finally:
        forget_machine(engine, lab_swarm.manager_url, name)


def test_create_and_join_a_machine_in_one_burst(
    lab_swarm: Lab, engine: Any, machine_name: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home) as console:
        console.wait_for("manager1", what="the nodes pane")
        # Name (focused first), tab to "Join as", enter opens its list, down: worker, enter.
        console.write(f"Mc{machine_name}{TAB}{ENTER}{DOWN}{ENTER}{CTRL_S}")
        node = ready_worker(lab_swarm.manager_url, machine_name)
        assert node["Spec"]["Role"] == "worker"
        assert networks_of(engine, machine_name) == [lab_swarm.network]
        console.wait_for(machine_name, what="the machine in the machines view")
    forget_machine(engine, lab_swarm.manager_url, machine_name)
    assert leftovers(engine, machine_name) == []
