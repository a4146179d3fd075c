"""More operations end to end: the create-service form, the rollout view, join tokens, leaving
the swarm and the journal export, through Pilot key presses against the real lab swarm, with
the engine's state read back through docker-py afterwards.

Services live on the shared lab (`lab_swarm`). Join tokens and leaving the swarm run on a tiny
lab of their own (one manager, no workers): rotating tokens on the shared lab could break a
join another test is doing, and leaving destroys that lab's swarm.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pilot import (
    AppPilot,
    notifications,
    pane,
    plain,
    press_confirm,
    running,
    screen_of,
    select_row,
    static_text,
    swarm_app,
    type_text,
    wait_modal_closed,
    wait_until,
)
from helpers.swarm import (
    Spec,
    client_of,
    create_service,
    inspect_service,
    lab_logger,
    lab_of_run,
    remove_services,
    running_tasks,
    services_named,
    update_service_raw,
)
from helpers.waiting import wait_for
from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.core.secrets import TOKEN_RE
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.screens.create_service_screen import FORM_FIELDS, CreateServiceScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen

NEVER = "node.labels.swarmtui-never==1"  # matches no node: tasks stay pending, cost nothing
CONVERGE_TIMEOUT = 60.0
SECOND = 1_000_000_000


# Engine-side helpers (docker-py, never through swarmtui) --------------------------------


def swarm_state(client: Any) -> str:
    return str(client.info()["Swarm"]["LocalNodeState"])


def free_port(run_id: str, offset: int) -> int:
    """A published port per run, so runs sharing a lab do not collide."""
    return 30000 + (int(run_id, 16) % 1000) * 4 + offset


async def wait_screen(pilot: AppPilot, app: SwarmTuiApp, screen: Screen[Any]) -> None:
    def back() -> bool:
        return app.screen is screen

    await wait_until(pilot, back, f"{type(screen).__name__} to be the active screen")


# Fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_lab(engine: Any, run_id: str) -> Iterator[Lab]:
    """One manager, no workers: its tokens are rotated and it finally leaves its swarm."""
    with lab_of_run(f"swarmtui-j{run_id}", 1, 0, lab_logger("tiny lab")) as lab:
        yield lab


@pytest.fixture
def tiny_client(tiny_lab: Lab) -> Iterator[Any]:
    with client_of(tiny_lab.manager_url) as client:
        yield client


# The create-service form ----------------------------------------------------------------


async def open_form(pilot: AppPilot, app: SwarmTuiApp) -> CreateServiceScreen:
    await pilot.press("2", "c")
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, CreateServiceScreen) and app.screen.is_mounted,
        "the form",
    )
    return screen_of(app, CreateServiceScreen)


async def type_into(pilot: AppPilot, form: CreateServiceScreen, values: dict[str, str]) -> None:
    """Type each value into its Input field, key by key."""
    for name, value in values.items():
        field = form.query_one(f"#field-{name}", Input)
        field.focus()
        await pilot.pause()
        await type_text(pilot, value)
        assert field.value == value, name


async def choose(pilot: AppPilot, form: CreateServiceScreen, name: str, value: str) -> None:
    """Open a Select with enter, move down to VALUE, enter."""
    select: Select[str] = form.query_one(f"#field-{name}", Select)
    choices = next(hint for field, _, hint in FORM_FIELDS if field == name)
    assert isinstance(choices, tuple)
    select.focus()
    await pilot.pause()
    downs = choices.index(value) - choices.index(str(select.value))
    await pilot.press("enter", *(["down"] * downs), "enter")
    await pilot.pause()
    assert select.value == value, name


async def submit_and_wait_error(
    pilot: AppPilot, app: SwarmTuiApp, form: CreateServiceScreen, field: str
) -> str:
    """ctrl+s; wait for the engine's refusal next to FIELD (the form stays open)."""
    await pilot.press("ctrl+s")

    def error() -> str | None:
        if form.running or not form.query_one(f"#error-{field}", Static).display:
            return None
        return static_text(app, f"#error-{field}") or None

    message = await wait_until(pilot, error, f"the engine's error at {field}")
    assert app.screen is form, "the form stays open"
    return message


async def test_create_a_service_through_the_form(
    lab_swarm: Lab, manager_client: Any, prefix: str, run_id: str
) -> None:
    name = f"{prefix}-web"
    port = free_port(run_id, 0)
    typed = {
        "image": WORKLOAD_IMAGE,
        "name": name,
        "replicas": "2",
        "command": "ping 127.0.0.1",
        "env": "A=1 GREETING=hello",
        "ports": f"{port}:80",
        "constraints": "node.role!=nonexistent node.labels.swarmtui-zone!=nowhere",
        "labels": "team=web tier",
        "mounts": "bind:/etc:/host-etc:ro",
        "update_parallelism": "1",
        "update_delay": "2s",
        "limit_cpus": "0.5",
        "limit_memory": "64M",
        "reserve_cpus": "0.1",
        "reserve_memory": "16M",
    }
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        form = await open_form(pilot, app)
        await type_into(pilot, form, typed)
        await choose(pilot, form, "restart_condition", "on-failure")
        await choose(pilot, form, "update_order", "start-first")
        await choose(pilot, form, "update_failure_action", "rollback")
        command = static_text(app, "#modal-command")
        assert command.startswith(f"$ docker service create --name {name} --replicas 2 ")
        await pilot.press("ctrl+s")
        await wait_modal_closed(pilot, app)

        services = services_named(manager_client, name)
        assert list(services) == [name]
        service_id = services[name]["ID"]
        spec = inspect_service(manager_client, service_id)["Spec"]
        assert spec["Name"] == name
        assert spec["Labels"] == {"team": "web", "tier": ""}
        assert spec["Mode"] == {"Replicated": {"Replicas": 2}}
        template = spec["TaskTemplate"]
        container = template["ContainerSpec"]
        assert container["Image"] == WORKLOAD_IMAGE
        assert container["Args"] == ["ping", "127.0.0.1"]
        assert "Command" not in container
        assert container["Env"] == ["A=1", "GREETING=hello"]
        assert container["Mounts"] == [
            {"Type": "bind", "Source": "/etc", "Target": "/host-etc", "ReadOnly": True}
        ]
        assert template["Placement"]["Constraints"] == [
            "node.role!=nonexistent",
            "node.labels.swarmtui-zone!=nowhere",
        ]
        assert template["Resources"] == {
            "Limits": {"NanoCPUs": SECOND // 2, "MemoryBytes": 64 * 2**20},
            "Reservations": {"NanoCPUs": SECOND // 10, "MemoryBytes": 16 * 2**20},
        }
        assert template["RestartPolicy"]["Condition"] == "on-failure"
        update = spec["UpdateConfig"]
        assert (update["Parallelism"], update["Delay"]) == (1, 2 * SECOND)
        assert (update["Order"], update["FailureAction"]) == ("start-first", "rollback")
        assert spec["EndpointSpec"]["Ports"] == [
            {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": port, "PublishMode": "ingress"}
        ]

        # The pane shows it, both replicas running on the lab's nodes.
        services_pane = pane(app, "services")

        def shown() -> bool:
            if service_id not in [row.value for row in services_pane.rows]:
                return False
            cells = [plain(c) for c in services_pane.get_row(service_id)]
            return name in cells and "2/2" in cells

        await wait_until(pilot, shown, "the new service at 2/2 in the pane", CONVERGE_TIMEOUT)
        assert f"Service {name} created." in notifications(app)
        (entry,) = app.session.journal.entries
        assert entry.ok
        assert entry.command == command.removeprefix("$ ")
        assert entry.command.startswith(f"docker service create --name {name} --replicas 2 ")
        assert entry.command.endswith(f"{WORKLOAD_IMAGE} ping 127.0.0.1")
        for flag in (
            "--env GREETING=hello",
            f"--publish published={port},target=80",
            "--constraint 'node.role!=nonexistent'",  # ! is quoted for the shell
            "--label team=web --label tier",
            "--mount type=bind,source=/etc,target=/host-etc,readonly",
            "--restart-condition on-failure",
            "--update-parallelism 1 --update-delay 2s",
            "--update-order start-first --update-failure-action rollback",
            "--limit-cpu 0.5 --limit-memory 64M --reserve-cpu 0.1 --reserve-memory 16M",
        ):
            assert flag in entry.command, flag


async def test_duplicate_name_is_refused_in_the_form(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    existing = create_service(
        manager_client,
        {
            "Name": prefix,
            "TaskTemplate": {
                "ContainerSpec": {"Image": WORKLOAD_IMAGE},
                "Placement": {"Constraints": [NEVER]},
            },
            "Mode": {"Replicated": {"Replicas": 1}},
        },
    )
    before = inspect_service(manager_client, existing)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        form = await open_form(pilot, app)
        await type_into(pilot, form, {"image": WORKLOAD_IMAGE, "name": prefix, "replicas": "3"})
        message = await submit_and_wait_error(pilot, app, form, "name")
        assert "already exists" in message or "name conflicts" in message, message
        assert app.focused is form.query_one("#field-name")
        assert prefix in static_text(app, "#modal-error")
        (entry,) = app.session.journal.entries
        assert not entry.ok and entry.command.startswith(f"docker service create --name {prefix}")
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
    services = services_named(manager_client, prefix)
    assert [s["ID"] for s in services.values()] == [existing]
    after = inspect_service(manager_client, existing)
    assert after["Version"] == before["Version"] and after["Spec"] == before["Spec"]


async def test_a_published_port_in_use_is_refused_in_the_form(
    lab_swarm: Lab, manager_client: Any, prefix: str, run_id: str
) -> None:
    port = free_port(run_id, 1)
    holder = create_service(
        manager_client,
        {
            "Name": f"{prefix}-holder",
            "TaskTemplate": {
                "ContainerSpec": {"Image": WORKLOAD_IMAGE},
                "Placement": {"Constraints": [NEVER]},
            },
            "Mode": {"Replicated": {"Replicas": 0}},
            "EndpointSpec": {
                "Ports": [
                    {
                        "TargetPort": 80,
                        "PublishedPort": port,
                        "Protocol": "tcp",
                        "PublishMode": "ingress",
                    }
                ]
            },
        },
    )
    # The allocator gives the service its port after the create, in an update of its own
    # (the version goes up): compare with the service as it is from then on.
    before = wait_for(
        lambda: (
            (found := inspect_service(manager_client, holder)).get("Endpoint", {}).get("Ports")
            and found
        ),
        60,
        "the holder's port allocated",
    )
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        form = await open_form(pilot, app)
        await type_into(
            pilot,
            form,
            {"image": WORKLOAD_IMAGE, "name": f"{prefix}-second", "ports": f"{port}:8080"},
        )
        message = await submit_and_wait_error(pilot, app, form, "ports")
        assert f"'{port}' is already in use" in message, message
        assert f"{prefix}-holder" in message
        assert app.focused is form.query_one("#field-ports")
        assert [e.ok for e in app.session.journal.entries] == [False]
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
    assert list(services_named(manager_client, prefix)) == [f"{prefix}-holder"]
    after = inspect_service(manager_client, holder)
    assert after["Version"] == before["Version"] and after["Spec"] == before["Spec"]


BAD_FIELDS = [
    ("name", "bad name!", "use letters"),
    ("name", "-leading-dash", "use letters"),
    ("image", "my image", "not a valid image reference"),
    ("replicas", "abc", "is not a whole number"),
    ("replicas", "-1", "is not a whole number"),
    ("ports", "70000", "not between 1 and 65535"),
    ("ports", "70000:80", "not between 1 and 65535"),
    ("constraints", "node.role=manager", "constraints look like"),
    ("constraints", "role==manager", "constraints look like"),
    ("env", "DEBUG", "KEY=VALUE"),
    ("update_delay", "10 seconds", "durations look like"),
]


async def test_form_validation_errors_send_nothing(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    before = {s["ID"]: s["Version"] for s in manager_client.api.services()}
    name = "-".join(prefix.split("-")[:2]) + "-valid"  # short: typed key by key, often
    valid = {"image": WORKLOAD_IMAGE, "name": name, "replicas": "1"}
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        form = await open_form(pilot, app)
        await type_into(pilot, form, valid)
        for field, bad, message in BAD_FIELDS:
            await type_into(pilot, form, {field: bad})
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form, field
            assert not form.running, field
            assert app.focused is form.query_one(f"#field-{field}"), (field, bad)
            assert form.query_one(f"#error-{field}", Static).display, (field, bad)
            assert message in static_text(app, f"#error-{field}"), (field, bad)
            assert message in static_text(app, "#modal-error"), (field, bad)
            await type_into(pilot, form, {field: valid.get(field, "")})  # clears the error
            assert not form.query_one(f"#error-{field}", Static).display, (field, bad)
        await pilot.pause(0.5)
        assert not app.session.journal.entries
        await pilot.press("escape")
        await wait_modal_closed(pilot, app)
    created = services_named(manager_client, name)
    remove_services(manager_client, name)
    assert created == {}
    after = {s["ID"]: s["Version"] for s in manager_client.api.services()}
    # Others may work on a shared lab: of what existed before, nothing changed because of us.
    assert {k: v for k, v in after.items() if k in before} == {
        k: v for k, v in before.items() if k in after
    }
    assert services_named(manager_client, prefix) == {}


# The rollout view -----------------------------------------------------------------------


def rollout_rows(screen: RolloutScreen) -> dict[str, list[str]]:
    table: DataTable[Text] = screen.query_one("#rollout-slots", DataTable)
    return {str(key.value): [plain(cell) for cell in table.get_row(key)] for key in table.rows}


async def test_rollout_view_follows_an_update_then_rolls_back(
    lab_swarm: Lab, manager_client: Any, prefix: str, image_v2: str
) -> None:
    spec: Spec = {
        "Name": prefix,
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Command": ["ping", "127.0.0.1"],
                "StopGracePeriod": SECOND,  # busybox ping as PID 1 ignores SIGTERM
            },
        },
        "Mode": {"Replicated": {"Replicas": 2}},
        # One slot at a time, 2 s apart: the update runs for several seconds.
        "UpdateConfig": {"Parallelism": 1, "Delay": 2 * SECOND, "Monitor": SECOND // 2},
        "RollbackConfig": {"Parallelism": 0, "Monitor": SECOND // 2},
    }
    service_id = create_service(manager_client, spec)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await wait_until(
            pilot,
            lambda: len(running_tasks(manager_client, service_id)) == 2,
            "2 running tasks",
            CONVERGE_TIMEOUT,
        )
        await wait_until(
            pilot,
            lambda: app.main_screen.snapshot and app.main_screen.snapshot.service(service_id),
            "the service in the snapshot",
        )
        await select_row(pilot, app, "services", service_id, service_id[:12])
        await pilot.press("o")
        view = screen_of(app, RolloutScreen)

        def summary() -> str:
            return static_text(app, "#rollout-summary")

        await wait_until(pilot, lambda: "no update" in summary(), "the rollout before an update")
        assert sorted(rollout_rows(view)) == ["1", "2"]

        def set_image(spec: Spec) -> None:
            spec["TaskTemplate"]["ContainerSpec"]["Image"] = image_v2

        update_service_raw(manager_client, service_id, set_image)  # a rolling update starts
        await wait_until(pilot, lambda: "updating" in summary(), "the view to say updating")
        assert f"{WORKLOAD_IMAGE} -> {image_v2}" in summary()
        assert (inspect_service(manager_client, service_id).get("UpdateStatus") or {}).get(
            "State"
        ) in ("updating", "completed")
        await wait_until(
            pilot, lambda: "completed" in summary(), "the view to say completed", CONVERGE_TIMEOUT
        )
        data = inspect_service(manager_client, service_id)
        assert data["UpdateStatus"]["State"] == "completed"

        def slots_updated() -> dict[str, list[str]] | None:
            rows = rollout_rows(view)
            done = all(
                row[1].startswith(f"{WORKLOAD_IMAGE} ")
                and row[2] == f"{image_v2} running"
                and row[3] == ""
                for row in rows.values()
            )
            return rows if done and sorted(rows) == ["1", "2"] else None

        await wait_until(pilot, slots_updated, "every slot old -> new in the view")
        assert "2/2 slots on the new spec" in summary()
        assert static_text(app, "#rollout-failures") == "No failed tasks."

        # b + confirm: the engine rolls back to the previous spec.
        await pilot.press("b")
        confirm = screen_of(app, ConfirmModal)
        assert static_text(app, "#modal-command") == f"$ docker service rollback {prefix}"
        await press_confirm(pilot, app)
        await wait_screen(pilot, app, view)
        assert confirm.is_attached is False
        data = inspect_service(manager_client, service_id)
        assert data["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"] == WORKLOAD_IMAGE
        assert data["PreviousSpec"]["TaskTemplate"]["ContainerSpec"]["Image"] == image_v2
        assert str(data["UpdateStatus"]["State"]).startswith("rollback_"), data["UpdateStatus"]

        def rolled_back() -> bool:
            state = inspect_service(manager_client, service_id)["UpdateStatus"]["State"]
            return bool(state == "rollback_completed")

        await wait_until(pilot, rolled_back, "the rollback to complete", CONVERGE_TIMEOUT)
        await wait_until(
            pilot, lambda: "rollback_completed" in summary(), "the view to say rollback_completed"
        )
        await wait_until(
            pilot,
            lambda: all(
                row[2] == f"{WORKLOAD_IMAGE} running" for row in rollout_rows(view).values()
            ),
            "every slot back on the old image in the view",
        )
        assert [(e.command, e.ok) for e in app.session.journal.entries] == [
            (f"docker service rollback {prefix}", True)
        ]


# Join tokens, the journal export, leaving the swarm (on the tiny lab) ------------------------


async def open_join(pilot: AppPilot, app: SwarmTuiApp) -> JoinTokensScreen:
    await pilot.press("T")
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, JoinTokensScreen) and app.screen.is_mounted,
        "the join screen",
    )
    screen = screen_of(app, JoinTokensScreen)
    await wait_until(pilot, lambda: screen.tokens, "the tokens")
    await pilot.pause()
    return screen


def engine_tokens(client: Any) -> tuple[str, str]:
    tokens = client.api.inspect_swarm()["JoinTokens"]
    return str(tokens["Worker"]), str(tokens["Manager"])


SWARM_SPEC_PARTS = (
    "Raft",
    "Dispatcher",
    "CAConfig",
    "TaskDefaults",
    "Orchestration",
    "EncryptionConfig",
)


async def rotate(
    pilot: AppPilot, app: SwarmTuiApp, screen: JoinTokensScreen, key: str, role: str
) -> None:
    await pilot.press(key)
    screen_of(app, ConfirmModal)
    assert static_text(app, "#modal-command") == f"$ docker swarm join-token --rotate {role}"
    await press_confirm(pilot, app)
    await wait_screen(pilot, app, screen)


async def test_join_tokens_masked_copied_rotated_and_journal_exported(
    tiny_lab: Lab,
    tiny_client: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    swarm_before = tiny_client.api.inspect_swarm()
    worker, manager = engine_tokens(tiny_client)
    address = f"{tiny_lab.managers[0].address}:2377"
    app = swarm_app(tiny_lab.manager_url)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with running(app) as pilot:
        screen = await open_join(pilot, app)
        assert screen.tokens == {"worker": worker, "manager": manager}

        # Masked on the screen, in the widgets and in what the terminal would show.
        for role in ("worker", "manager"):
            assert static_text(app, f"#join-{role}") == (
                f"docker swarm join --token SWMTKN-1-<masked> {address}"
            )
        shown = app.export_screenshot()
        for token in (worker, manager):
            secret = token.rsplit("-", 1)[1]
            assert secret[:12] not in shown
            assert token.split("-")[2][:12] not in shown
        assert "Tokens are masked" in static_text(app, "#modal-error")
        await pilot.press("v")
        assert static_text(app, "#join-worker") == f"docker swarm join --token {worker} {address}"
        assert static_text(app, "#join-manager") == (
            f"docker swarm join --token {manager} {address}"
        )
        await pilot.press("v")
        assert "SWMTKN-1-<masked>" in static_text(app, "#join-worker")

        # Copy: OSC52 gets the real command; the notification names no token.
        await pilot.press("w", "M")
        assert copied == [
            f"docker swarm join --token {worker} {address}",
            f"docker swarm join --token {manager} {address}",
        ]
        await pilot.pause()
        messages = notifications(app)
        assert any("worker join command was copied" in m for m in messages), messages
        assert any("manager join command was copied" in m for m in messages), messages
        assert not [m for m in messages if TOKEN_RE.search(m)], messages

        # ctrl+r + confirm: only the worker token changes; the swarm spec stays.
        await rotate(pilot, app, screen, "ctrl+r", "worker")
        new_worker, same_manager = engine_tokens(tiny_client)
        assert new_worker != worker and same_manager == manager
        after = tiny_client.api.inspect_swarm()
        for part in SWARM_SPEC_PARTS:
            assert after["Spec"].get(part) == swarm_before["Spec"].get(part), part
        assert after["Spec"] == swarm_before["Spec"]
        assert after["Version"]["Index"] > swarm_before["Version"]["Index"]
        await wait_until(
            pilot, lambda: screen.tokens.get("worker") == new_worker, "the new worker token"
        )
        assert "SWMTKN-1-<masked>" in static_text(app, "#join-worker")

        # ctrl+t + confirm: likewise for the manager token.
        await rotate(pilot, app, screen, "ctrl+t", "manager")
        newest_worker, new_manager = engine_tokens(tiny_client)
        assert newest_worker == new_worker and new_manager != manager
        final = tiny_client.api.inspect_swarm()
        for part in SWARM_SPEC_PARTS:
            assert final["Spec"].get(part) == swarm_before["Spec"].get(part), part
        assert final["Spec"] == swarm_before["Spec"]
        await wait_until(
            pilot, lambda: screen.tokens.get("manager") == new_manager, "the new manager token"
        )
        assert any("manager join token was rotated" in m for m in notifications(app))

        # A copy after rotating carries the new token.
        await pilot.press("w")
        assert copied[-1] == f"docker swarm join --token {new_worker} {address}"

        # J, e: the journal exported as a script, with the commands and no token.
        await pilot.press("escape")
        await wait_screen(pilot, app, app.main_screen)
        await pilot.press("J")
        journal = screen_of(app, JournalScreen)
        await wait_until(
            pilot,
            lambda: static_text(app, "#journal-status").startswith("2 actions"),
            "the journal's two entries",
        )
        await pilot.press("e")
        scripts = await wait_until(
            pilot, lambda: sorted(tmp_path.glob("swarmtui-journal-*.sh")), "the exported script"
        )
        await wait_until(
            pilot,
            lambda: any("Journal exported to" in m for m in notifications(app)),
            "the export notification",
        )
        assert app.screen is journal
    (script_path,) = scripts
    script = script_path.read_text()
    assert script.startswith("#!/bin/sh\n")
    assert script_path.stat().st_mode & 0o111
    commands = [line for line in script.splitlines() if line and not line.startswith("#")]
    assert commands == [
        "set -e",
        "docker swarm join-token --rotate worker",
        "docker swarm join-token --rotate manager",
    ]
    assert "SWMTKN" not in script
    for token in (worker, manager, new_worker, new_manager):
        assert token not in script
        assert token.rsplit("-", 1)[1] not in script


async def test_leave_the_swarm_declined_then_confirmed(tiny_lab: Lab, tiny_client: Any) -> None:
    assert swarm_state(tiny_client) == "active"
    app = swarm_app(tiny_lab.manager_url)
    async with running(app) as pilot:
        screen = await open_join(pilot, app)

        # Declined twice: escape, then enter on the focused Cancel.
        await pilot.press("ctrl+l")
        modal = screen_of(app, ConfirmModal)
        assert static_text(app, "#modal-command") == "$ docker swarm leave --force"
        assert "destroys the swarm" in static_text(app, "#confirm-warning")
        await pilot.press("escape")
        await wait_screen(pilot, app, screen)
        assert not modal.is_attached
        await pilot.press("ctrl+l")
        screen_of(app, ConfirmModal)
        assert app.focused is not None and app.focused.id == "cancel"
        await pilot.press("enter")
        await wait_screen(pilot, app, screen)
        await pilot.pause(0.5)
        assert swarm_state(tiny_client) == "active"
        assert not app.session.journal.entries

        # Confirmed: the engine is no longer in a swarm.
        await pilot.press("ctrl+l")
        screen_of(app, ConfirmModal)
        await press_confirm(pilot, app)
        # The join screen closes only once the leave succeeded; then the engine's own state.
        await wait_until(
            pilot,
            lambda: app.screen is app.main_screen and not screen.is_attached,
            "the confirmation and the join screen to close onto the main screen",
        )
        await wait_until(
            pilot,
            lambda: swarm_state(tiny_client) == "inactive",
            "the engine to be out of the swarm",
            step=0.5,
        )
        assert any("left the swarm" in m for m in notifications(app)), notifications(app)
        assert [(e.command, e.ok) for e in app.session.journal.entries] == [
            ("docker swarm leave --force", True)
        ]
