"""Service and node operations end to end: Pilot key presses in the console against the real
lab swarm, then the engine's state read back through docker-py.

Services live on the shared lab (`lab_swarm`); node operations run on a lab of their own
(1 manager, 2 workers) so draining, promoting and removing nodes disturbs no other test.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import docker
import docker.errors
import pytest
from helpers.pilot import (
    AppPilot,
    choose_option,
    notifications,
    pane,
    press_confirm,
    running,
    screen_of,
    select_row,
    static_text,
    swarm_app,
    type_text,
    wait_modal_closed,
    wait_modal_error,
    wait_until,
)
from helpers.swarm import (
    BackendWithMutations,
    Spec,
    client_of,
    create_service,
    inspect_service,
    lab_logger,
    lab_of_run,
    update_service_raw,
)
from helpers.waiting import wait_for
from textual.widgets import Input

from swarmtui.actions.operations import join_command
from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.adapters.docker.mutations import Mutations
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import Node
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.node_actions import NodeMenu
from swarmtui.ui.modals.operation_modal import ConfirmModal, ImageModal, LabelsModal, ScaleModal

NEVER = "node.labels.swarmtui-never==1"  # matches no node: tasks stay pending, cost nothing
CONVERGE_TIMEOUT = 60.0


# Engine-side helpers (docker-py, never through swarmtui) --------------------------------


def service_spec(
    name: str, replicas: int = 1, *, runs: bool = True, mode: str = "replicated"
) -> Spec:
    template: Spec = {
        "ContainerSpec": {
            "Image": WORKLOAD_IMAGE,
            "Command": ["ping", "127.0.0.1"],
            "StopGracePeriod": 1_000_000_000,  # busybox ping as PID 1 ignores SIGTERM
        },
    }
    if not runs:
        template["Placement"] = {"Constraints": [NEVER]}
    spec_mode: Spec = {"Global": {}} if mode == "global" else {"Replicated": {"Replicas": replicas}}
    return {"Name": name, "TaskTemplate": template, "Mode": spec_mode}


def service_exists(client: Any, service_id: str) -> bool:
    try:
        client.api.inspect_service(service_id)
    except docker.errors.NotFound:
        return False
    return True


def version(client: Any, service_id: str) -> int:
    return int(inspect_service(client, service_id)["Version"]["Index"])


def replicas(client: Any, service_id: str) -> int:
    return int(inspect_service(client, service_id)["Spec"]["Mode"]["Replicated"]["Replicas"])


def image_of(data: Spec) -> str:
    return str(data["TaskTemplate"]["ContainerSpec"]["Image"])


def toggle_label(spec: Spec) -> None:
    labels = spec.setdefault("Labels", {}) or {}
    labels["swarmtui.test.toggle"] = str(int(labels.get("swarmtui.test.toggle", "0")) + 1)
    spec["Labels"] = labels


def node_named(client: Any, hostname: str) -> Spec | None:
    for node in client.api.nodes():
        if node["Description"]["Hostname"] == hostname:
            found: Spec = node
            return found
    return None


def snapshot_nodes(app: SwarmTuiApp) -> tuple[Node, ...]:
    snapshot = app.main_screen.snapshot
    return () if snapshot is None else snapshot.nodes


def row_text(app: Any, pane_name: str, key: str) -> list[str]:
    table = pane(app, pane_name)
    return [getattr(cell, "plain", str(cell)) for cell in table.get_row(key)]


# Fixtures -------------------------------------------------------------------------------


# Services: each action through the UI ---------------------------------------------------


async def open_service(pilot: AppPilot, app: Any, service_id: str, name: str) -> None:
    await wait_until(
        pilot,
        lambda: app.main_screen.snapshot.service(service_id),
        f"service {name} in the snapshot",
    )
    # The first column shows the id's first 12 characters: a short filter to type.
    await select_row(pilot, app, "services", service_id, service_id[:12])


async def test_scale_to_two(lab_swarm: Lab, manager_client: Any, prefix: str) -> None:
    name = prefix
    service_id = create_service(manager_client, service_spec(name, 1))
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, name)
        await pilot.press("s")
        assert isinstance(app.screen, ScaleModal)
        assert app.screen.query_one("#modal-input", Input).value == "1"
        await type_text(pilot, "2")
        assert static_text(app, "#modal-command") == f"$ docker service scale {name}=2"
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        assert replicas(manager_client, service_id) == 2
        entry = app.session.journal.entries[-1]
        assert (entry.command, entry.ok) == (f"docker service scale {name}=2", True)
        # The services pane follows: both tasks run on the lab's nodes.
        await wait_until(
            pilot,
            lambda: row_text(app, "services", service_id)[3] == "2/2",
            "2/2 replicas in the services pane",
            CONVERGE_TIMEOUT,
        )


async def test_update_image_then_roll_back(
    lab_swarm: Lab, manager_client: Any, prefix: str, image_v2: str
) -> None:
    name = prefix
    spec = service_spec(name, 1)
    # Short monitor periods: the update and the rollback complete in a second or two.
    spec["UpdateConfig"] = {"Monitor": 500_000_000, "Order": "start-first"}
    spec["RollbackConfig"] = {"Monitor": 500_000_000, "Order": "start-first"}
    service_id = create_service(manager_client, spec)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, name)
        await pilot.press("u")
        assert isinstance(app.screen, ImageModal)
        assert app.screen.query_one("#modal-input", Input).value == WORKLOAD_IMAGE
        await type_text(pilot, image_v2)
        assert static_text(app, "#modal-command") == (
            f"$ docker service update --image {image_v2} {name}"
        )
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        data = inspect_service(manager_client, service_id)
        assert image_of(data["Spec"]) == image_v2
        assert image_of(data["PreviousSpec"]) == WORKLOAD_IMAGE

        # The rolling update completes with tasks of the new tag (loaded, never pulled).
        def updated() -> bool:
            state = inspect_service(manager_client, service_id).get("UpdateStatus", {})
            return bool(state.get("State") == "completed")

        await wait_until(pilot, updated, "the image update to complete", CONVERGE_TIMEOUT)
        await wait_until(
            pilot,
            lambda: row_text(app, "services", service_id)[4] == image_v2,
            "the new image in the services pane",
        )

        await pilot.press("b")
        assert isinstance(app.screen, ConfirmModal)
        assert static_text(app, "#modal-command") == f"$ docker service rollback {name}"
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        data = inspect_service(manager_client, service_id)
        assert image_of(data["Spec"]) == WORKLOAD_IMAGE
        assert image_of(data["PreviousSpec"]) == image_v2

        def rolled_back() -> bool:
            state = inspect_service(manager_client, service_id).get("UpdateStatus", {})
            return bool(state.get("State") == "rollback_completed")

        await wait_until(pilot, rolled_back, "the rollback to complete", CONVERGE_TIMEOUT)
        assert [e.command for e in app.session.journal.entries] == [
            f"docker service update --image {image_v2} {name}",
            f"docker service rollback {name}",
        ]


async def test_rollback_without_previous_spec_says_why(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 0))
    before = version(manager_client, service_id)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        await pilot.press("b")
        await press_confirm(pilot, app)
        message = await wait_modal_error(pilot, app, "no previous spec")
        assert "roll back" in message
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
    assert version(manager_client, service_id) == before


async def test_force_redeploy(lab_swarm: Lab, manager_client: Any, prefix: str) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 1, runs=False))
    before = inspect_service(manager_client, service_id)["Spec"]
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        await pilot.press("f")
        assert isinstance(app.screen, ConfirmModal)
        assert static_text(app, "#modal-command") == f"$ docker service update --force {prefix}"
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
    after = inspect_service(manager_client, service_id)["Spec"]
    assert (
        after["TaskTemplate"].get("ForceUpdate", 0)
        == before["TaskTemplate"].get("ForceUpdate", 0) + 1
    )
    expected = copy.deepcopy(before)
    expected["TaskTemplate"]["ForceUpdate"] = after["TaskTemplate"]["ForceUpdate"]
    assert after == expected


async def test_remove_cancel_escape_then_confirm(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 1, runs=False))
    before = version(manager_client, service_id)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        # Cancel has the focus: enter cancels.
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmModal)
        assert prefix in static_text(app, "#confirm-question")
        assert static_text(app, "#modal-command") == f"$ docker service rm {prefix}"
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        # Escape cancels too.
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
        assert version(manager_client, service_id) == before
        assert app.session.journal.entries == ()
        # Confirmed: the service is gone, from the engine and from the pane.
        await pilot.press("x")
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        assert not service_exists(manager_client, service_id)
        services = pane(app, "services")
        await wait_until(
            pilot,
            lambda: service_id not in [row.value for row in services.rows],
            "the removed service to leave the services pane",
        )


async def test_fields_the_user_did_not_change_are_kept(
    lab_swarm: Lab, manager_client: Any, prefix: str, image_v2: str
) -> None:
    spec: Spec = {
        "Name": prefix,
        "Labels": {"team": "ops", "tier": "web"},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Command": ["sh", "-c"],
                "Args": ["while true; do echo hi; sleep 1; done"],
                "Env": ["A=1", "GREETING=hello world"],
                "Labels": {"container": "label"},
                "Hostname": "svc-host",
                "StopGracePeriod": 2_000_000_000,
            },
            "Placement": {"Constraints": [NEVER, "node.role!=manager"]},
            "Resources": {
                "Limits": {"NanoCPUs": 500_000_000, "MemoryBytes": 64 * 2**20},
                "Reservations": {"NanoCPUs": 100_000_000, "MemoryBytes": 16 * 2**20},
            },
            "RestartPolicy": {"Condition": "on-failure", "Delay": 2_000_000_000, "MaxAttempts": 3},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
        "UpdateConfig": {
            "Parallelism": 2,
            "Delay": 3_000_000_000,
            "FailureAction": "rollback",
            "Order": "start-first",
            "MaxFailureRatio": 0.25,
        },
        "RollbackConfig": {"Parallelism": 1, "FailureAction": "pause", "Order": "stop-first"},
    }
    service_id = create_service(manager_client, spec)
    original = inspect_service(manager_client, service_id)["Spec"]
    assert original["Labels"] == spec["Labels"]  # the engine took every field
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        await pilot.press("s")
        await type_text(pilot, "2")
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        scaled = inspect_service(manager_client, service_id)
        expected = copy.deepcopy(original)
        expected["Mode"]["Replicated"]["Replicas"] = 2
        assert scaled["Spec"] == expected
        assert scaled["PreviousSpec"] == original

        await pilot.press("u")
        await type_text(pilot, image_v2)
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        updated = inspect_service(manager_client, service_id)["Spec"]
        expected["TaskTemplate"]["ContainerSpec"]["Image"] = image_v2
        assert updated == expected


# Versions: a concurrent writer forces "update out of sequence" ----------------------------


class InterferingMutations(Mutations):
    """Before the post of the next INTERFERE scale-inspects, another client updates the service."""

    def __init__(self, api: docker.APIClient, endpoint: str, other: Any) -> None:
        super().__init__(api, endpoint)
        self.other = other
        self.interfere = 0

    def _inspect_service(self, service_id: str) -> Spec:
        data = super()._inspect_service(service_id)
        if self.interfere > 0:
            self.interfere -= 1
            update_service_raw(self.other, service_id, toggle_label)  # real engine, real bump
        return data


async def test_scale_retries_after_a_concurrent_update(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 1, runs=False))
    backends: list[BackendWithMutations[InterferingMutations]] = []

    def connector() -> BackendWithMutations[InterferingMutations]:
        backend = BackendWithMutations(
            Endpoint(lab_swarm.manager_url, "--host"),
            lambda api, label: InterferingMutations(api, label, manager_client),
        )
        backends.append(backend)
        return backend

    app = swarm_app(lab_swarm.manager_url, connector=connector)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        mutations = backends[-1].mutations
        mutations.interfere = 1
        await pilot.press("s")
        await type_text(pilot, "3")
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        assert mutations.retries == 1
        assert mutations.interfere == 0
    data = inspect_service(manager_client, service_id)
    assert data["Spec"]["Mode"]["Replicated"]["Replicas"] == 3
    # The other writer's change survives: the retry re-read the spec instead of resetting it.
    assert data["Spec"]["Labels"]["swarmtui.test.toggle"] == "1"


def test_scale_lands_while_another_thread_hammers_the_service(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 0, runs=False))
    stop = threading.Event()
    updates = [0]
    errors: list[BaseException] = []

    def hammer() -> None:
        client = engine_client(lab_swarm.manager_url)
        try:
            deadline = time.monotonic() + 60
            while not stop.is_set() and updates[0] < 500 and time.monotonic() < deadline:
                try:
                    update_service_raw(client, service_id, toggle_label)
                    updates[0] += 1
                except docker.errors.APIError as exc:
                    if "out of sequence" not in str(exc):
                        raise
                stop.wait(0.08)
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    class WaitForHammer(Mutations):
        """The first inspect of each scale waits for the hammer's next update: a stale version."""

        first = True

        def _inspect_service(self, sid: str) -> Spec:
            data = super()._inspect_service(sid)
            if self.first:
                self.first = False
                seen = updates[0]
                wait_for(lambda: updates[0] > seen or errors, 60, "the hammer's next update")
            return data

    api = docker.APIClient(base_url=lab_swarm.manager_url, version="auto", timeout=30)
    thread = threading.Thread(target=hammer, name="hammer", daemon=True)
    thread.start()
    retries: list[int] = []
    try:
        for attempt in range(1, 5):
            mutations = WaitForHammer(api, lab_swarm.manager_url)
            mutations.scale_service(service_id, attempt)
            assert replicas(manager_client, service_id) == attempt
            retries.append(mutations.retries)
    finally:
        stop.set()
        thread.join(10)
        api.close()
    assert not errors, errors
    assert updates[0] >= 4
    assert all(r >= 1 for r in retries), retries
    assert (
        int(inspect_service(manager_client, service_id)["Spec"]["Labels"]["swarmtui.test.toggle"])
        == updates[0]
    )


# Bad input: a message in the modal, nothing sent ------------------------------------------


async def test_bad_scale_and_image_input_leave_the_service_unchanged(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 1, runs=False))
    before = inspect_service(manager_client, service_id)
    cases = {
        "abc": "'abc' is not a whole number >= 0.",
        "-1": "'-1' is not a whole number >= 0.",
        "1000000000": "1000000000 replicas is more than the limit of 10000.",
        "": "Enter a number of replicas.",
        "2.5": "'2.5' is not a whole number >= 0.",
    }
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        await pilot.press("s")
        scale = screen_of(app, ScaleModal)
        for text, message in cases.items():
            await type_text(pilot, text)
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda m=message: static_text(app, "#modal-error") == m,  # type: ignore[misc]
                f"{message!r} for {text!r}",
            )
            assert app.screen is scale
            assert not scale.running
            assert static_text(app, "#modal-command") == ""
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)

        await pilot.press("u")
        image = screen_of(app, ImageModal)
        for text in ("swarmtui-workload: 2", "swarm tui", "", "UPPER CASE:1"):
            await type_text(pilot, text)
            await pilot.press("enter")

            def refused() -> bool:
                error = static_text(app, "#modal-error")
                return "not a valid image reference" in error or "image is required" in error

            await wait_until(pilot, refused, f"the image {text!r} refused")
            assert app.screen is image
            assert not image.running
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
        assert app.session.journal.entries == ()
    after = inspect_service(manager_client, service_id)
    assert after["Version"] == before["Version"]
    assert after["Spec"] == before["Spec"]


async def test_service_removed_while_its_modal_is_open(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 1, runs=False))
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        await pilot.press("s")
        modal = screen_of(app, ScaleModal)
        manager_client.api.remove_service(service_id)  # someone else
        await type_text(pilot, "4")
        await pilot.press("enter")
        message = await wait_modal_error(pilot, app)
        assert "not found" in message.lower(), message
        assert app.screen is modal and not modal.running
        assert [(e.ok, e.command) for e in app.session.journal.entries] == [
            (False, f"docker service scale {prefix}=4")
        ]
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
        # The same with a confirmation modal.
        service_id2 = create_service(manager_client, service_spec(f"{prefix}-b", 1, runs=False))
        await open_service(pilot, app, service_id2, f"{prefix}-b")
        await pilot.press("f")
        manager_client.api.remove_service(service_id2)
        await press_confirm(pilot, app)
        message = await wait_modal_error(pilot, app)
        assert "not found" in message.lower(), message
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
    assert not service_exists(manager_client, service_id)
    assert not service_exists(manager_client, service_id2)
    assert not [
        s
        for s in manager_client.api.services(filters={"name": prefix})
        if s["Spec"]["Name"].startswith(prefix)
    ]


@pytest.mark.parametrize(
    ("mode", "spec_mode", "why"),
    [
        ("global", {"Global": {}}, "is a global service: global services"),
        (
            "replicated-job",
            {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 2}},
            "is a replicated-job service: jobs",
        ),
    ],
)
async def test_scaling_a_global_service_or_job_is_refused(
    lab_swarm: Lab, manager_client: Any, prefix: str, mode: str, spec_mode: Spec, why: str
) -> None:
    spec = service_spec(prefix, runs=False)
    spec["Mode"] = spec_mode
    service_id = create_service(manager_client, spec)
    before = inspect_service(manager_client, service_id)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        await pilot.press("s")
        await wait_until(
            pilot,
            lambda: any(
                f"{prefix} {why}" in m and "cannot be scaled" in m for m in notifications(app)
            ),
            "the refusal",
        )
        await pilot.pause(0.2)
        assert app.screen is app.main_screen  # no modal opens
        assert app.session.journal.entries == ()
    after = inspect_service(manager_client, service_id)
    assert after["Version"] == before["Version"]
    assert after["Spec"]["Mode"] == before["Spec"]["Mode"]


# Read-only mode ---------------------------------------------------------------------------


async def test_read_only_mode_changes_nothing(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    service_id = create_service(manager_client, service_spec(prefix, 1, runs=False))
    update_service_raw(manager_client, service_id, toggle_label)  # so a rollback would apply
    before = inspect_service(manager_client, service_id)
    # A node's version also moves with its status; its spec is what the console would change.
    nodes_before = {n["ID"]: n["Spec"] for n in manager_client.api.nodes()}
    worker = node_named(manager_client, "worker1")
    assert worker is not None
    app = swarm_app(lab_swarm.manager_url, read_only=True)
    async with running(app) as pilot:
        await open_service(pilot, app, service_id, prefix)
        for key in ("s", "u", "f", "b", "x"):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert app.screen is app.main_screen, key
        await select_row(pilot, app, "nodes", worker["ID"], "worker1")
        for key in ("m", "l"):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert app.screen is app.main_screen, key
        await pilot.pause(0.5)
        assert app.screen is app.main_screen
        assert app.session.journal.entries == ()
    after = inspect_service(manager_client, service_id)
    assert after["Version"] == before["Version"]
    assert {n["ID"]: n["Spec"] for n in manager_client.api.nodes()} == nodes_before


# Nodes: a lab of their own ----------------------------------------------------------------


@pytest.fixture(scope="module")
def node_lab(engine: Any, run_id: str) -> Iterator[Lab]:
    with lab_of_run(f"swarmtui-n{run_id}", 1, 2, lab_logger("node lab")) as lab:
        yield lab


@pytest.fixture(scope="module")
def node_client(node_lab: Lab) -> Iterator[Any]:
    with client_of(node_lab.manager_url) as client:
        yield client


def node_spec(client: Any, hostname: str) -> Spec:
    node = node_named(client, hostname)
    assert node is not None, f"no node {hostname}"
    spec: Spec = node["Spec"]
    return spec


async def open_node(pilot: AppPilot, app: Any, client: Any, hostname: str) -> str:
    node = node_named(client, hostname)
    assert node is not None
    await select_row(pilot, app, "nodes", node["ID"], hostname)
    return str(node["ID"])


async def node_menu_choice(
    pilot: AppPilot, app: Any, client: Any, hostname: str, choice: str
) -> None:
    await open_node(pilot, app, client, hostname)
    await pilot.press("m")
    assert isinstance(app.screen, NodeMenu)
    await choose_option(pilot, app, choice)


async def wait_snapshot_node(
    pilot: AppPilot, app: Any, hostname: str, check: Callable[[Any], bool], what: str
) -> None:
    def seen() -> bool:
        snapshot = app.main_screen.snapshot
        return any(n.hostname == hostname and check(n) for n in snapshot.nodes)

    await wait_until(pilot, seen, what)


def availability_is(availability: str) -> Callable[[Any], bool]:
    return lambda node: bool(node.availability == availability)


async def test_node_availability_drain_pause_active(node_lab: Lab, node_client: Any) -> None:
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        for availability in ("drain", "pause", "active"):
            await node_menu_choice(
                pilot, app, node_client, "worker1", f"availability:{availability}"
            )
            assert isinstance(app.screen, ConfirmModal)
            assert static_text(app, "#modal-command") == (
                f"$ docker node update --availability {availability} worker1"
            )
            await press_confirm(pilot, app)
            await wait_modal_closed(pilot, app)
            assert node_spec(node_client, "worker1")["Availability"] == availability
            await wait_snapshot_node(
                pilot,
                app,
                "worker1",
                availability_is(availability),
                f"worker1 {availability} in the nodes pane",
            )
    assert [e.command for e in app.session.journal.entries] == [
        f"docker node update --availability {a} worker1" for a in ("drain", "pause", "active")
    ]


async def test_node_labels_add_and_remove(node_lab: Lab, node_client: Any) -> None:
    before = node_spec(node_client, "worker2")
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        await open_node(pilot, app, node_client, "worker2")
        await pilot.press("l")
        assert isinstance(app.screen, LabelsModal)
        await type_text(pilot, "zone=a tier=web")
        assert static_text(app, "#modal-command") == (
            "$ docker node update --label-add zone=a --label-add tier=web worker2"
        )
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        assert node_spec(node_client, "worker2")["Labels"] == {"zone": "a", "tier": "web"}
        await wait_snapshot_node(
            pilot, app, "worker2", lambda n: dict(n.labels).get("tier") == "web", "labels shown"
        )
        # The modal starts from the current labels; "-zone" removes one.
        await pilot.press("l")
        assert isinstance(app.screen, LabelsModal)
        value = app.screen.query_one("#modal-input", Input).value
        assert sorted(value.split()) == ["tier=web", "zone=a"]
        await pilot.press("end", *" -zone")
        assert static_text(app, "#modal-command") == (
            "$ docker node update --label-rm zone worker2"
        )
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
        assert node_spec(node_client, "worker2")["Labels"] == {"tier": "web"}
        await wait_snapshot_node(
            pilot, app, "worker2", lambda n: dict(n.labels) == {"tier": "web"}, "label removed"
        )
        # Through the node menu, removing the last one.
        await node_menu_choice(pilot, app, node_client, "worker2", "labels")
        assert isinstance(app.screen, LabelsModal)
        await type_text(pilot, "")
        await pilot.press("enter")
        await wait_modal_closed(pilot, app)
    after = node_spec(node_client, "worker2")
    assert after.get("Labels") in ({}, None)
    assert after["Availability"] == before["Availability"]
    assert after["Role"] == before["Role"]


async def test_promote_then_demote_a_worker(node_lab: Lab, node_client: Any) -> None:
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        await node_menu_choice(pilot, app, node_client, "worker1", "promote")
        assert static_text(app, "#modal-command") == "$ docker node promote worker1"
        assert "odd number of managers" in static_text(app, "#confirm-warning")
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        assert node_spec(node_client, "worker1")["Role"] == "manager"

        def reachable() -> bool:
            node = node_named(node_client, "worker1") or {}
            return bool(node.get("ManagerStatus", {}).get("Reachability") == "reachable")

        await wait_until(pilot, reachable, "worker1 to be a reachable manager", CONVERGE_TIMEOUT)
        await wait_snapshot_node(
            pilot, app, "worker1", lambda n: n.role == "manager", "worker1 a manager in the pane"
        )

        await node_menu_choice(pilot, app, node_client, "worker1", "demote")
        assert static_text(app, "#modal-command") == "$ docker node demote worker1"
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        assert node_spec(node_client, "worker1")["Role"] == "worker"

        def demoted() -> bool:
            node = node_named(node_client, "worker1") or {}
            return (
                "ManagerStatus" not in node
                and len(node_client.api.nodes(filters={"role": "manager"})) == 1
            )

        await wait_until(pilot, demoted, "worker1 to leave the managers", CONVERGE_TIMEOUT)
        await wait_snapshot_node(
            pilot, app, "worker1", lambda n: n.role == "worker", "worker1 a worker in the pane"
        )


async def test_demoting_the_last_manager_is_refused(node_lab: Lab, node_client: Any) -> None:
    before = node_named(node_client, "manager1")
    assert before is not None
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        await wait_until(
            pilot,
            lambda: sum(n.role == "manager" for n in snapshot_nodes(app)) == 1,
            "one manager in the snapshot",
        )
        await node_menu_choice(pilot, app, node_client, "manager1", "demote")
        assert isinstance(app.screen, NodeMenu)  # no confirmation: refused at once
        assert "last manager" in static_text(app, "#modal-error")
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
        assert app.session.journal.entries == ()
    after = node_named(node_client, "manager1")
    assert after is not None
    assert after["Spec"] == before["Spec"]  # (its version moves with status updates too)
    assert after["Spec"]["Role"] == "manager"


async def test_removing_an_active_worker_needs_force(node_lab: Lab, node_client: Any) -> None:
    before = node_named(node_client, "worker1")
    assert before is not None
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        await node_menu_choice(pilot, app, node_client, "worker1", "remove")
        assert isinstance(app.screen, NodeMenu)
        assert "only down nodes can be removed without force" in static_text(app, "#modal-error")
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
        # A manager is never removed, even forced: demote it first.
        await node_menu_choice(pilot, app, node_client, "manager1", "remove_force")
        assert isinstance(app.screen, NodeMenu)
        assert "demote it first" in static_text(app, "#modal-error")
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
        assert app.session.journal.entries == ()
    after = node_named(node_client, "worker1")
    assert after is not None and after["Spec"] == before["Spec"]
    assert node_named(node_client, "manager1") is not None


async def test_remove_a_worker_that_left_then_join_it_again(
    node_lab: Lab, node_client: Any
) -> None:
    worker = next(n for n in node_lab.workers if n.name == "worker2")
    left = node_named(node_client, "worker2")
    assert left is not None
    left_id = left["ID"]
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        worker_client = engine_client(worker.api_url)
        try:
            worker_client.swarm.leave()
        finally:
            worker_client.close()
        await wait_until(
            pilot,
            lambda: (
                (node_named(node_client, "worker2") or {}).get("Status", {}).get("State") == "down"
            ),
            "worker2 down on the manager",
            CONVERGE_TIMEOUT,
        )
        await wait_snapshot_node(
            pilot, app, "worker2", lambda n: n.status == "down", "worker2 down in the pane"
        )
        await node_menu_choice(pilot, app, node_client, "worker2", "remove")
        assert isinstance(app.screen, ConfirmModal)
        assert static_text(app, "#modal-command") == "$ docker node rm worker2"
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        assert node_named(node_client, "worker2") is None
        nodes = pane(app, "nodes")
        await wait_until(
            pilot,
            lambda: left_id not in [row.value for row in nodes.rows],
            "worker2 gone from the nodes pane",
        )

        # Join: the worker token read through the mutator brings the engine back.
        backend = connect([Endpoint(node_lab.manager_url, "--host")])
        try:
            worker_token, manager_token = backend.mutator().join_tokens()
        finally:
            backend.close()
        assert worker_token.startswith("SWMTKN-1-") and manager_token != worker_token
        manager = node_lab.managers[0]
        command = join_command(worker_token, manager.address)
        assert command == f"docker swarm join --token {worker_token} {manager.address}:2377"
        worker_client = engine_client(worker.api_url)
        try:
            worker_client.swarm.join(
                remote_addrs=[f"{manager.address}:2377"],
                join_token=worker_token,
                advertise_addr=worker.address,
                listen_addr="0.0.0.0:2377",
            )
        finally:
            worker_client.close()

        def rejoined() -> Spec | None:
            node = node_named(node_client, "worker2")
            ready = node is not None and node["Status"]["State"] == "ready"
            return node if ready and node is not None and node["ID"] != left_id else None

        joined = await wait_until(pilot, rejoined, "worker2 to join again", CONVERGE_TIMEOUT)
        assert joined["Spec"]["Role"] == "worker"
        await wait_until(
            pilot,
            lambda: joined["ID"] in [row.value for row in nodes.rows],
            "the new worker2 in the nodes pane",
        )


async def test_force_remove_an_active_worker(node_lab: Lab, node_client: Any) -> None:
    node = node_named(node_client, "worker1")
    assert node is not None and node["Status"]["State"] == "ready"
    app = swarm_app(node_lab.manager_url)
    async with running(app) as pilot:
        await node_menu_choice(pilot, app, node_client, "worker1", "remove_force")
        assert isinstance(app.screen, ConfirmModal)
        assert static_text(app, "#modal-command") == "$ docker node rm --force worker1"
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        assert node_named(node_client, "worker1") is None
        nodes = pane(app, "nodes")
        await wait_until(
            pilot,
            lambda: node["ID"] not in [row.value for row in nodes.rows],
            "worker1 gone from the nodes pane",
        )
