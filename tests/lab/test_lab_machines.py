"""The lab's nodes are machines (issue 10, defect 2): the machines view and `swarmtui machine ls`
list manager1, worker1 and worker2 of the lab with their state and role; `machine ssh` reaches
them; a lab worker and the lab's manager stop and start from the machines service and come back
Ready where the swarm knows them; a lab worker retires and `lab up` makes it again; retiring or
removing the lab's only manager is refused with nothing changed; `lab down` takes the lab's
machines with it.

The shared session lab is only read (and refused changes); stop / start / retire run on a lab of
the test's own."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static

from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import Lab, lab_down, lab_status, lab_up
from swarmtui.adapters.docker.lab_machines import LabNodes
from swarmtui.cli.console import console_machines
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.machines.manager import ConnectedMachineService, MachineManager
from swarmtui.machines.model import CreateRequest, MachineError, MachineRecord, lab_of
from swarmtui.machines.store import MachineStore
from swarmtui.session.cluster_access import BackendAccess
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.machine_task_modal import MachineTaskModal
from swarmtui.ui.screens.machines_screen import MachinesScreen

UI_TIMEOUT = 30.0
DOWN_TIMEOUT = 60.0  # a silent node is marked down after ~12-15 s; a loaded host is slower
READY_TIMEOUT = 90.0
NODES = ["manager1", "worker1", "worker2"]


def _wait(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)


async def _wait_ui(pilot: Pilot[None], check: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + UI_TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {UI_TIMEOUT:.0f} s waiting for {what}")
        await pilot.pause(0.05)


def _swarm_nodes(client: Any) -> dict[str, tuple[str, str, str, str, str]]:
    """hostname -> (id, role, availability, state, address) as the manager sees it."""
    return {
        n.attrs["Description"].get("Hostname"): (
            n.id,
            n.attrs["Spec"]["Role"],
            n.attrs["Spec"]["Availability"],
            n.attrs["Status"]["State"],
            n.attrs["Status"]["Addr"],
        )
        for n in client.nodes.list()
    }


def _membership(client: Any) -> dict[str, tuple[str, str, str, str]]:
    """What a refused retire or remove must leave alone: every node's id, role, availability
    and address (not its state: other tests may have a node of the shared lab recovering)."""
    return {h: (i, r, a, addr) for h, (i, r, a, _, addr) in _swarm_nodes(client).items()}


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


# --- the session lab: listed, reached, guarded -------------------------------------------------


async def test_machines_view_lists_the_lab_nodes_and_refuses_retiring_its_only_manager(
    lab_swarm: Lab, manager_client: Any, data_home: Path
) -> None:
    url = lab_swarm.manager_url
    session = Session(lambda: connect([Endpoint(url, "--host")]), Config(), endpoint_label=url)
    session.machines = console_machines(session.cluster_access, lab_swarm.name)
    app = SwarmTuiApp(session)
    before = _membership(manager_client), lab_status(lab_swarm.name)
    async with app.run_test(size=(140, 40)) as pilot:
        await _wait_ui(pilot, lambda: app.session.connected, "the connection")
        await pilot.press("M")
        await _wait_ui(
            pilot,
            lambda: isinstance(app.screen, MachinesScreen) and len(app.screen.machines) >= 3,
            "the lab's nodes in the machines view",
        )
        screen = app.screen
        assert isinstance(screen, MachinesScreen)
        table = screen.query_one("#machines-table", DataTable)
        rows = {
            _plain(table.get_row_at(i)[0]): [_plain(c) for c in table.get_row_at(i)]
            for i in range(table.row_count)
        }
        assert [n for n in rows if n in NODES] == NODES
        addresses = {n.name: n.address for n in lab_swarm.nodes}
        for name in NODES:
            _, driver, address, role, state, _, swarm, _ = rows[name]
            assert (driver, state, swarm) == ("dind", "running", "active"), name
            assert role == ("manager" if name == "manager1" else "worker"), name
            assert address == addresses[name]

        # Retire the lab's only manager (x on a machine in a swarm), confirmed: refused.
        table.move_cursor(row=list(rows).index("manager1"))
        await pilot.pause()
        await pilot.press("x")
        await _wait_ui(
            pilot,
            lambda: isinstance(app.screen, MachineTaskModal) and app.screen.is_mounted,
            "the retire question",
        )
        modal = app.screen
        assert isinstance(modal, MachineTaskModal)
        question = modal.query_one("#confirm-question", Static).content
        assert "Retire machine manager1?" in _plain(question)
        modal.query_one("#remove", Button).press()

        def refused() -> str:
            return "" if modal.running else _plain(modal.query_one("#modal-error", Static).content)

        await _wait_ui(pilot, lambda: "only manager" in refused(), "the quorum guard's refusal")
        assert "manager1 is the only manager: retiring it ends the swarm." in refused()
        assert not modal.succeeded
    assert (_membership(manager_client), lab_status(lab_swarm.name)) == before


def _machine_cli(lab: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swarmtui", "--lab", lab, "machine", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_machine_ls_lists_the_lab_nodes_and_ssh_reaches_them(
    lab_swarm: Lab, manager_client: Any, data_home: Path
) -> None:
    listed = _machine_cli(lab_swarm.name, "ls")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[1:]}
    addresses = {n.name: n.address for n in lab_swarm.nodes}
    for name in NODES:
        # NAME DRIVER ADDRESS ROLE STATE SWARM ENGINE
        _, driver, address, role, state, swarm = rows[name][:6]
        assert (driver, address, state, swarm) == ("dind", addresses[name], "running", "active")
        assert role == ("manager" if name == "manager1" else "worker")

    reached = _machine_cli(lab_swarm.name, "ssh", "worker2", "hostname")
    assert reached.returncode == 0, reached.stderr
    assert reached.stdout.strip() == "worker2"

    before = _membership(manager_client), lab_status(lab_swarm.name)
    for command, refusal in (
        ("retire", "manager1 is the only manager: retiring it ends the swarm."),
        ("rm", "manager1 is still part of a swarm."),
    ):
        result = _machine_cli(lab_swarm.name, command, "manager1")
        assert result.returncode == 1
        assert refusal in result.stderr
    assert (_membership(manager_client), lab_status(lab_swarm.name)) == before
    assert not (data_home / "swarmtui" / "machines.json").exists()  # nothing was stored


def test_a_machine_cannot_take_a_lab_nodes_name(lab_swarm: Lab, tmp_path: Path) -> None:
    store = MachineStore(tmp_path / "machines.json")
    manager = MachineManager(store, {}, lab=LabNodes(lab_swarm.name))
    with pytest.raises(MachineError, match="A machine named 'worker1' already exists"):
        manager.create(CreateRequest(name="worker1", driver="dind"), print)
    assert store.list() == []
    # A stored machine of a lab node's name (made before the lab) hides that node.
    stored = MachineRecord(name="worker2", driver="ssh", address="192.0.2.7")
    store.add(stored)
    machines = {r.name: r for r in manager.machines()}
    assert machines["worker2"] == stored and manager.record("worker2") == stored
    assert lab_of(machines["worker1"]) == lab_swarm.name


# --- a lab of the test's own: stop and start, then lab down -----------------------------------


@pytest.fixture
def small_lab(engine: Any, run_id: str) -> Iterator[Lab]:
    """1 manager + 1 worker, removed afterwards (also after a failure)."""
    name = f"swarmtui-m{run_id}"
    try:
        yield lab_up(name, 1, 1, load_images=())
    finally:
        lab_down(name)


def test_lab_nodes_stop_start_and_retire_from_the_machines_service(
    engine: Any, small_lab: Lab, tmp_path: Path
) -> None:
    store = MachineStore(tmp_path / "machines.json")
    manager = MachineManager(store, {}, lab=LabNodes(small_lab.name))
    backend: list[DockerBackend] = [DockerBackend(Endpoint(small_lab.manager_url, "test"))]
    service = ConnectedMachineService(manager, lambda: BackendAccess(lambda: backend[0]))
    lines: list[str] = []

    def states() -> dict[str, tuple[str, str | None]]:
        return {r.name: (s.state, r.role) for r, s in service.list_machines()}

    def manager_client() -> Any:
        status = lab_status(small_lab.name)
        assert status is not None
        return engine_client(status.manager_url, timeout=10)

    def node_state(hostname: str) -> str:
        try:
            client = manager_client()
            try:
                return _swarm_nodes(client)[hostname][3]
            finally:
                client.close()
        except Exception:
            return "(no answer)"

    try:
        assert states() == {"manager1": ("running", "manager"), "worker1": ("running", "worker")}
        client = manager_client()
        try:
            before = _swarm_nodes(client)
        finally:
            client.close()

        # A worker: stopped, its node goes Down; started, Ready again, same node.
        started = time.monotonic()
        service.stop("worker1", lines.append)
        print(f"worker1 stopped in {time.monotonic() - started:.1f} s")
        assert states()["worker1"] == ("stopped", "worker")
        _wait(lambda: node_state("worker1") == "down", DOWN_TIMEOUT, "worker1 Down")
        started = time.monotonic()
        service.start("worker1", lines.append)
        print(f"worker1 started in {time.monotonic() - started:.1f} s")
        assert states()["worker1"] == ("running", "worker")
        _wait(lambda: node_state("worker1") == "ready", READY_TIMEOUT, "worker1 Ready again")

        # The manager: its engine API moves to a new host port, but raft finds it at its
        # fixed address: the same swarm, leader again, the worker Ready.
        service.stop("manager1", lines.append)
        assert states()["manager1"] == ("stopped", "manager")
        started = time.monotonic()
        service.start("manager1", lines.append)
        print(f"manager1 started in {time.monotonic() - started:.1f} s")
        backend[0].close()
        restarted = lab_status(small_lab.name)
        assert restarted is not None
        backend[0] = DockerBackend(Endpoint(restarted.manager_url, "test"))

        def swarm_back() -> bool:
            try:
                client = manager_client()
                try:
                    nodes = client.nodes.list()
                finally:
                    client.close()
            except Exception:
                return False
            ready = {
                n.attrs["Description"].get("Hostname"): n.attrs["Status"]["State"] for n in nodes
            }
            leaders = [
                n.attrs["Description"].get("Hostname")
                for n in nodes
                if (n.attrs.get("ManagerStatus") or {}).get("Leader")
            ]
            return ready == {"manager1": "ready", "worker1": "ready"} and leaders == ["manager1"]

        _wait(swarm_back, READY_TIMEOUT, "the swarm back with manager1 leading")
        client = manager_client()
        try:
            after = _swarm_nodes(client)
        finally:
            client.close()
        assert after == before  # same node ids, roles, availability, state and addresses
        assert states() == {"manager1": ("running", "manager"), "worker1": ("running", "worker")}
        assert any("starting swarmtui-m" in line for line in lines)
        # A stopped lab node is found with no engine URL: no "moved from <nothing>" line.
        assert not any("engine moved from  to" in line for line in lines), lines

        # `lab up` takes the lab as it is now.
        again = lab_up(small_lab.name, 1, 1, load_images=())
        assert again == lab_status(small_lab.name)

        # A retired worker is drained, leaves, its node and its container and volume go; the
        # guard lets it (the manager stays). `lab up` makes it again, a machine again.
        started = time.monotonic()
        service.retire("worker1", lines.append)
        print(f"worker1 retired in {time.monotonic() - started:.1f} s")
        assert states() == {"manager1": ("running", "manager")}
        client = manager_client()
        try:
            assert set(_swarm_nodes(client)) == {"manager1"}
        finally:
            client.close()
        worker = f"{small_lab.name}-worker1"
        assert [c.name for c in engine.containers.list(all=True) if c.name == worker] == []
        assert [v.name for v in engine.volumes.list() if v.name == f"{worker}-docker"] == []
        lab_up(small_lab.name, 1, 1, load_images=())
        assert states() == {"manager1": ("running", "manager"), "worker1": ("running", "worker")}
        _wait(lambda: node_state("worker1") == "ready", READY_TIMEOUT, "a new worker1 Ready")
    finally:
        backend[0].close()
        lab_down(small_lab.name)
    # `lab down` takes its machines with it: nothing found, nothing ever stored.
    assert service.list_machines() == []
    assert not store.path.exists()
