"""Issue 10, items 1 and 5: a dind machine made to join a swarm lands where the swarm's
manager is reachable, and says so plainly when it cannot reach it; creating one pulls no image
and probes the engine's container profile (--privileged or the capability profile) once.

End to end on the real lab: from the console (the machines view wired as `swarmtui` wires it)
on the session lab and on a second lab of its own network, from the CLI, and with a machine
put on a network that cannot reach the manager.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import docker
import pytest
from helpers.demo_app import open_machine_dialog
from helpers.machines import forget_machine, leftovers, networks_of, ready_worker
from helpers.pilot import running, static_text, swarm_app, wait_until
from textual.widgets import Input, Log, Select

from swarmtui.adapters.docker.dind_driver import (
    DindDriver,
    container_name,
    volume_name,
)
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import NODE_IMAGE
from swarmtui.adapters.docker.lab import Lab, LabError, lab_down, lab_status, lab_up
from swarmtui.cli.console import console_machines
from swarmtui.core.endpoints import Endpoint
from swarmtui.machines.manager import MachineManager
from swarmtui.machines.model import CreateRequest, MachineError
from swarmtui.machines.store import MachineStore
from swarmtui.session.cluster_access import BackendAccess

CREATE_TIMEOUT = 240.0  # create + join of a dind machine on a loaded 2-core machine


@pytest.fixture(scope="module")
def far_lab(engine: Any, run_id: str) -> Iterator[Lab]:
    """A second lab (1 manager, no worker) on a network of its own, removed afterwards."""
    name = f"swarmtui-f{run_id}"
    try:
        yield lab_up(name, 1, 0, load_images=())
    finally:
        lab_down(name)


def _manager_addr(client: Any) -> str:
    return str(client.info()["Swarm"]["NodeAddr"])


# --- item 1: placement next to the manager, from the console ------------------------------


async def _create_from_console(manager_url: str, name: str) -> tuple[Any, list[str], str]:
    """`M`, `c`, NAME, join as worker, ctrl+s in the console connected to MANAGER_URL, the
    machines view wired as `swarmtui` wires it. Returns (record, step lines, dialog text)."""
    app = swarm_app(manager_url)
    app.session.machines = console_machines(app.session.cluster_access)
    async with running(app) as pilot:
        dialog = await open_machine_dialog(pilot)
        dialog.query_one("#field-name", Input).value = name
        dialog.query_one("#field-role", Select).value = "worker"
        await pilot.pause()
        started = time.monotonic()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.running, "the creation to start")
        await wait_until(
            pilot, lambda: not dialog.running, "the creation and the join", CREATE_TIMEOUT
        )
        print(f"console: create and join of {name} ended after {time.monotonic() - started:.1f} s")
        lines = [str(line) for line in dialog.query_one("#machine-log", Log).lines]
        return dialog.created, lines, static_text(app, "#modal-error")


@pytest.mark.parametrize("which", ["session lab", "lab on another network"])
async def test_console_machine_joins_the_lab_it_is_connected_to(
    which: str,
    request: pytest.FixtureRequest,
    engine: Any,
    run_id: str,
    data_home: Path,
) -> None:
    lab: Lab = request.getfixturevalue("lab_swarm" if which == "session lab" else "far_lab")
    name = f"m{run_id}-w{'s' if which == 'session lab' else 'f'}"
    try:
        record, lines, said = await _create_from_console(lab.manager_url, name)
        assert record is not None, f"{said}\n" + "\n".join(lines)
        assert record.role == "worker"
        # Placed on the manager's network (not swarmtui-machines), and joined for real.
        assert networks_of(engine, name) == [lab.network]
        assert record.extra["network"] == lab.network
        assert any(f"on network {lab.network}" in line for line in lines), lines
        node = ready_worker(lab.manager_url, name)
        assert node["Spec"]["Role"] == "worker"
        assert node["ID"] == record.extra["node_id"]
        assert node["Status"]["Addr"] == record.address
        # Retire it again with the same machine engine (drain, leave, remove node and machine).
        backend = DockerBackend(Endpoint(lab.manager_url, "test"))
        try:
            manager = MachineManager(MachineStore(), {"dind": DindDriver()})
            manager.retire(name, print, BackendAccess(lambda: backend))
        finally:
            backend.close()
        assert leftovers(engine, name) == []
    finally:
        forget_machine(engine, lab.manager_url, name)


def test_cli_machine_create_joins_a_lab_on_another_network(
    far_lab: Lab, engine: Any, run_id: str, data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from swarmtui.cli.main import main

    name = f"m{run_id}-cli"
    url = far_lab.manager_url
    try:
        argv = ["machine", "create", name, "--driver", "dind", "--role", "worker"]
        assert main([*argv, "--manager", url]) == 0, capsys.readouterr()
        out = capsys.readouterr().out
        assert f"on network {far_lab.network}" in out
        assert networks_of(engine, name) == [far_lab.network]
        node = ready_worker(url, name)
        assert node["Spec"]["Role"] == "worker"
        # The lab cannot be removed under the machine: refused, nothing removed.
        with pytest.raises(LabError, match=container_name(name)):
            lab_down(far_lab.name)
        after = lab_status(far_lab.name)
        assert after is not None and [n.name for n in after.nodes if n.api_url] == ["manager1"]
        assert main(["machine", "retire", name, "--host", url]) == 0, capsys.readouterr()
        assert leftovers(engine, name) == []
    finally:
        forget_machine(engine, url, name)


def test_a_manager_the_machine_cannot_reach_is_named_plainly(
    lab_swarm: Lab, manager_client: Any, engine: Any, run_id: str, data_home: Path
) -> None:
    """The machine is put on a network of its own (docker isolates bridge networks): the join
    is refused before it is posted, naming the manager's address and port and where from."""
    far = f"swarmtui-t{run_id}-isolated"
    name = f"m{run_id}-lost"
    engine.networks.create(far, driver="bridge", labels={"swarmtui.test": run_id})
    store = MachineStore()
    manager = MachineManager(store, {"dind": DindDriver(node_image=NODE_IMAGE, load_images=())})
    backend = DockerBackend(Endpoint(lab_swarm.manager_url, "test"))
    lines: list[str] = []
    checking: list[float] = []  # when the check began, when the failure was known

    def log(line: str) -> None:
        if "checking that it reaches" in line or "creation failed" in line:
            checking.append(time.monotonic())
        lines.append(line)

    try:
        request = CreateRequest(name=name, driver="dind", role="worker", network=far)
        started = time.monotonic()
        with pytest.raises(MachineError) as failure:
            manager.create(request, log, BackendAccess(lambda: backend))
        ended = time.monotonic()
        assert len(checking) == 2, lines
        print(
            f"unreachable manager: known {checking[1] - checking[0]:.1f} s after the check "
            f"began (create, check and clean-up {ended - started:.1f} s)"
        )
        addr = _manager_addr(manager_client)
        message = failure.value.message
        assert f"{name} cannot reach the manager {addr}:2377" in message, message
        assert f"on network {far}" in message, message
        assert "Timeout was reached" not in message
        assert failure.value.hint
        # Nothing half-made stays: no record, no container, no volume, no swarm node.
        assert store.list() == []
        assert leftovers(engine, name) == []
        hostnames = [n.attrs["Description"].get("Hostname") for n in manager_client.nodes.list()]
        assert name not in hostnames
    finally:
        backend.close()
        forget_machine(engine, lab_swarm.manager_url, name)
        engine.networks.get(far).remove()


# --- item 5: no pull, one capability probe per engine --------------------------------------


class RecordingEngine:
    """Client factory of the real local engine that records every HTTP request sent to it."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []

    def __call__(self) -> Any:
        client = engine_client()
        client.api.hooks["response"].append(self._seen)
        return client

    def _seen(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.requests.append((response.request.method, response.request.path_url))

    def count(self, method: str, path_part: str) -> int:
        return sum(1 for m, p in self.requests if m == method and path_part in p)


def _error_lines(lines: list[str]) -> list[str]:
    words = ("error", "failed", "does not start", "oci", "✗", "cannot")
    return [line for line in lines if any(w in line.lower() for w in words)]


def test_dind_create_pulls_nothing_and_probes_the_engine_once(
    lab_swarm: Lab, engine: Any, run_id: str, data_home: Path
) -> None:
    names = [f"m{run_id}-p1", f"m{run_id}-p2", f"m{run_id}-p3"]
    recorder = RecordingEngine()
    driver = DindDriver(network=lab_swarm.network, load_images=(), client_factory=recorder)
    per_create: list[tuple[list[str], int]] = []
    since = datetime.now(UTC) - timedelta(seconds=1)

    def create(with_driver: DindDriver, name: str) -> None:
        lines: list[str] = []
        before = recorder.count("POST", "/containers/create")
        with_driver.create(CreateRequest(name=name, driver="dind"), lines.append)
        per_create.append((lines, recorder.count("POST", "/containers/create") - before))

    try:
        create(driver, names[0])
        create(driver, names[1])
        # Another process (a CLI call) on the same engine: remembered as well.
        again = DindDriver(network=lab_swarm.network, load_images=(), client_factory=recorder)
        create(again, names[2])
        until = datetime.now(UTC) + timedelta(seconds=1)
        pulls = [
            e
            for e in engine.events(since=since, until=until, filters={"type": "image"}, decode=True)
            if e.get("Action") == "pull"
        ]
        assert pulls == []
        assert recorder.count("POST", "/images/create") == 0, recorder.requests
        images = {engine.containers.get(container_name(n)).image.tags[0] for n in names}
        assert images == {NODE_IMAGE}
        for lines, _ in per_create:
            assert _error_lines(lines) == [], lines
        # The first create may have had to find the profile; the next ones try only it.
        assert [made for _, made in per_create[1:]] == [1, 1], per_create
    finally:
        for name in names:
            with contextlib.suppress(docker.errors.NotFound):
                engine.containers.get(container_name(name)).remove(force=True, v=True)
            with contextlib.suppress(docker.errors.NotFound):
                engine.volumes.get(volume_name(name)).remove(force=True)
    for name in names:
        assert leftovers(engine, name) == []
