"""Secrets, configs and networks end to end on the lab swarm, through Pilot key presses; the
engine's state is read back through docker-py (never through swarmtui).

Rotation: a service mounting a secret moves to `NAME.v2` at the same target, uid, gid and
mode, every other field of its spec unchanged; the old secret is then removed. Bad input (a
taken name, a missing file, removing a secret in use) changes nothing.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pilot import (
    AppPilot,
    press_confirm,
    running,
    screen_of,
    static_text,
    swarm_app,
    wait_screen,
    wait_until,
)
from helpers.swarm import create_service, inspect_service, remove_services, running_tasks
from helpers.waiting import wait_for
from textual.widgets import Input

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.object_modals import NetworkModal, ObjectDataModal
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.widgets.object_panes import ObjectsPane

ROLLOUT_TIMEOUT = 180.0
VIEW_KEYS = {"secrets": "5", "configs": "6", "networks": "7"}


@pytest.fixture
def objects_prefix(manager_client: Any, unique_name: str) -> Iterator[str]:
    """This test's name prefix: its services, then its secrets, configs and networks are
    removed afterwards (networks once their tasks are gone)."""
    try:
        yield unique_name
    finally:
        remove_services(manager_client, unique_name)
        for listed in (manager_client.secrets.list(), manager_client.configs.list()):
            for obj in listed:
                if obj.name.startswith(unique_name):
                    obj.remove()

        def networks_gone() -> bool:
            for network in manager_client.networks.list():  # the name filter is no prefix
                if network.name.startswith(unique_name):
                    try:
                        network.remove()
                    except Exception:
                        return False
            return True

        wait_for(networks_gone, 120.0, "the test's networks removed")


def pane_of(app: SwarmTuiApp, view: str) -> ObjectsPane:
    pane = app.main_screen.pane(view)
    assert isinstance(pane, ObjectsPane)
    return pane


async def select_object(pilot: AppPilot, app: SwarmTuiApp, view: str, name: str) -> ObjectsPane:
    """Show VIEW and filter it down to the object NAME (keys only)."""
    pane = pane_of(app, view)
    await pilot.press(VIEW_KEYS[view])

    def listed() -> bool:
        return pane.has_focus and name in pane.names

    await wait_until(pilot, listed, f"{name} listed in {view}")
    await pilot.press("slash", "home", "ctrl+k", *f"^{re.escape(name)}$", "enter")
    await wait_until(
        pilot,
        lambda: pane.selected_object is not None and pane.selected_object.name == name,
        f"{name} selected",
    )
    return pane


async def select_in_use(pilot: AppPilot, app: SwarmTuiApp, view: str, name: str) -> ObjectsPane:
    """select_object, then wait until the pane knows the services using it."""
    pane = await select_object(pilot, app, view, name)
    await wait_until(
        pilot, lambda: pane.selected_object and pane.users(pane.selected_object), "users"
    )
    return pane


async def wait_confirmation(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """Wait for a ConfirmModal with its safe choice (Cancel) focused."""

    def ready() -> bool:
        return isinstance(app.screen, ConfirmModal) and getattr(app.focused, "id", "") == "cancel"

    await wait_until(pilot, ready, "the confirmation", timeout=ROLLOUT_TIMEOUT)


async def confirm(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await wait_confirmation(pilot, app)
    await press_confirm(pilot, app)


def mounting_service(name: str, secret_id: str, secret_name: str) -> dict[str, Any]:
    return {
        "Name": name,
        "Labels": {"team": "objects"},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Args": ["ping", "127.0.0.1"],
                "Env": ["A=1"],
                "StopGracePeriod": 1_000_000_000,
                "Secrets": [
                    {
                        "SecretID": secret_id,
                        "SecretName": secret_name,
                        "File": {"Name": "app_pw", "UID": "100", "GID": "101", "Mode": 0o400},
                    }
                ],
            },
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def config_mounting_service(name: str, config_id: str, config_name: str) -> dict[str, Any]:
    """The same service, mounting a config at /etc/app.conf instead of the secret."""
    spec = mounting_service(name, "", "")
    container = spec["TaskTemplate"]["ContainerSpec"]
    del container["Secrets"]
    container["Configs"] = [
        {
            "ConfigID": config_id,
            "ConfigName": config_name,
            "File": {"Name": "/etc/app.conf", "UID": "0", "GID": "0", "Mode": 0o444},
        }
    ]
    return spec


def secret_refs(spec: dict[str, Any]) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = spec["TaskTemplate"]["ContainerSpec"]["Secrets"]
    return refs


async def test_rotate_a_secret_in_use_then_remove_the_old_one(
    lab_swarm: Lab, manager_client: Any, objects_prefix: str
) -> None:
    name = f"{objects_prefix}-pw"
    old = manager_client.secrets.create(name=name, data=b"first value")
    service_id = create_service(
        manager_client, mounting_service(f"{objects_prefix}-app", old.id, name)
    )
    wait_for(lambda: running_tasks(manager_client, service_id), ROLLOUT_TIMEOUT, "the app runs")
    before = inspect_service(manager_client, service_id)["Spec"]
    value = "rotated-value-9f8e7d"

    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await select_in_use(pilot, app, "secrets", name)
        # Removing it while in use is refused, naming the service: nothing happens.
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is app.main_screen
        await pilot.press("R")
        modal = await wait_screen(pilot, ObjectDataModal)
        assert modal.query_one("#field-name", Input).value == f"{name}.v2"
        await pilot.press("tab", "tab", *value)
        command = static_text(app, "#modal-command")
        assert command.startswith(f"$ docker secret create {name}.v2 - && docker service update")
        assert "source=" + name + ".v2,target=app_pw,uid=100,gid=101,mode=0400" in command
        await pilot.press("enter")
        # The modal waits for the rollout, then offers to remove the old secret.
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ConfirmModal),
            "the offer",
            timeout=ROLLOUT_TIMEOUT,
        )
        offer = screen_of(app, ConfirmModal)
        assert offer.operation.command == f"docker secret rm {name}"
        await confirm(pilot, app)
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the old one removed")
        journal = "\n".join(f"{e.command} {e.result}" for e in app.session.journal.entries)

    assert value not in journal
    assert f"docker secret rm {name}" in journal
    names = {s.name: s.id for s in manager_client.secrets.list()}
    assert name not in names and f"{name}.v2" in names
    new_id = names[f"{name}.v2"]
    after = inspect_service(manager_client, service_id)["Spec"]
    assert secret_refs(after) == [
        {**secret_refs(before)[0], "SecretID": new_id, "SecretName": f"{name}.v2"}
    ]
    unchanged = copy.deepcopy(after)
    unchanged["TaskTemplate"]["ContainerSpec"]["Secrets"] = secret_refs(before)
    assert unchanged == before
    tasks = running_tasks(manager_client, service_id)
    assert [secret_refs({"TaskTemplate": t["Spec"]})[0]["SecretID"] for t in tasks] == [new_id]


async def test_rotate_a_config_from_a_file_and_keep_the_old_one(
    lab_swarm: Lab, manager_client: Any, objects_prefix: str, tmp_path: Path
) -> None:
    """Configs rotate the same way; cancelling the offer keeps the old one."""
    name = f"{objects_prefix}-conf"
    old = manager_client.configs.create(name=name, data=b"level=1\n")
    spec = config_mounting_service(f"{objects_prefix}-app", old.id, name)
    service_id = create_service(manager_client, spec)
    before = inspect_service(manager_client, service_id)["Spec"]
    file = tmp_path / "app.conf"
    file.write_text("level=2\n")
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await select_in_use(pilot, app, "configs", name)
        await pilot.press("R")
        await wait_screen(pilot, ObjectDataModal)
        await pilot.press("tab", *str(file), "tab", "enter")

        await wait_confirmation(pilot, app)
        await pilot.press("enter")  # Cancel: the old one stays
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the offer declined")
    configs = {c.name: c for c in manager_client.configs.list() if c.name.startswith(name)}
    assert sorted(configs) == [name, f"{name}.v2"]
    new = configs[f"{name}.v2"]
    assert new.attrs["Spec"]["Data"] == "bGV2ZWw9Mgo="  # "level=2\n"
    after = inspect_service(manager_client, service_id)["Spec"]
    refs = after["TaskTemplate"]["ContainerSpec"]["Configs"]
    old_refs = before["TaskTemplate"]["ContainerSpec"]["Configs"]
    assert refs == [{**old_refs[0], "ConfigID": new.id, "ConfigName": f"{name}.v2"}]
    after["TaskTemplate"]["ContainerSpec"]["Configs"] = old_refs
    assert after == before


async def test_create_and_remove_secrets_and_configs_bad_input_changes_nothing(
    lab_swarm: Lab, manager_client: Any, objects_prefix: str, tmp_path: Path
) -> None:
    taken = f"{objects_prefix}-taken"
    manager_client.secrets.create(name=taken, data=b"x")
    file = tmp_path / "config.txt"
    file.write_text("listen 80;\n")
    secret_name, config_name = f"{objects_prefix}-s", f"{objects_prefix}-c"

    def secret_names() -> set[str]:
        return {s.name for s in manager_client.secrets.list() if s.name.startswith(objects_prefix)}

    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        pane = await select_object(pilot, app, "secrets", taken)
        await pilot.press("c")
        modal = await wait_screen(pilot, ObjectDataModal)
        # A taken name, then a missing file: refused in the form, nothing sent.
        await pilot.press(*taken, "tab", "tab", *"v", "enter")
        await wait_until(
            pilot, lambda: "already exists" in static_text(app, "#modal-error"), "taken"
        )
        modal.query_one("#field-name", Input).value = secret_name
        modal.query_one("#field-file", Input).value = str(tmp_path / "missing.txt")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "No such file" in static_text(app, "#modal-error"), "missing"
        )
        assert secret_names() == {taken}
        modal.query_one("#field-file", Input).value = ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "created")
        await wait_until(pilot, lambda: secret_name in pane.names, "listed")
        await pilot.press("escape")
        # A config from a file; its content is what the engine holds.
        await pilot.press("6", "c")
        modal = await wait_screen(pilot, ObjectDataModal)
        await pilot.press(*config_name, "tab", *str(file))
        assert static_text(app, "#modal-command") == f"$ docker config create {config_name} {file}"
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "config created")
        config = manager_client.configs.get(config_name)
        assert config.attrs["Spec"]["Data"] == "bGlzdGVuIDgwOwo="  # "listen 80;\n"
        # Remove the new secret: confirmation first.
        await select_object(pilot, app, "secrets", secret_name)
        await pilot.press("x")
        await confirm(pilot, app)
        await wait_until(pilot, lambda: app.screen is app.main_screen, "removed")
    assert secret_names() == {taken}
    assert [e.ok for e in app.session.journal.entries] == [True, True, True]


async def test_create_and_remove_an_overlay_network(
    lab_swarm: Lab, manager_client: Any, objects_prefix: str
) -> None:
    name = f"{objects_prefix}-net"
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await pilot.press("7")
        await wait_until(pilot, lambda: pane_of(app, "networks").loaded, "networks listed")
        await pilot.press("c")
        modal = await wait_screen(pilot, NetworkModal)
        modal.query_one("#field-name", Input).value = name
        modal.query_one("#field-subnet", Input).value = "10.231.0.0/33"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "subnet" in static_text(app, "#modal-error"), "bad subnet")
        assert not manager_client.networks.list(names=[name])
        modal.query_one("#field-subnet", Input).value = "10.231.0.0/24"
        modal.query_one("#field-gateway", Input).value = "10.231.0.254"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "created")
        # The swarm's allocator fills in the driver and addresses just after the create.
        network = wait_for(
            lambda: (n := manager_client.networks.get(name)).attrs["Driver"] and n,
            60.0,
            "the network allocated",
        )
        attrs = network.attrs
        assert (attrs["Driver"], attrs["Scope"], attrs["Attachable"]) == ("overlay", "swarm", True)
        assert attrs["IPAM"]["Config"] == [{"Subnet": "10.231.0.0/24", "Gateway": "10.231.0.254"}]
        assert "encrypted" not in (attrs.get("Options") or {})
        pane = await select_object(pilot, app, "networks", name)
        row = pane.get_row_index(network.id)
        assert pane.get_cell(network.id, "subnet").plain == "10.231.0.0/24", row
        await pilot.press("x")
        await confirm(pilot, app)
        await wait_until(pilot, lambda: app.screen is app.main_screen, "removed")
    assert not [n for n in manager_client.networks.list(names=[name]) if n.name == name]


async def test_esc_stops_waiting_for_a_slow_rollout_and_keeps_the_old_version(
    lab_swarm: Lab, manager_client: Any, objects_prefix: str
) -> None:
    """Two replicas updated a minute apart: the console waits for the rollout until esc,
    which gives up the wait only; the service has moved to the new version already."""
    name = f"{objects_prefix}-slow"
    old = manager_client.configs.create(name=name, data=b"level=1\n")
    spec = config_mounting_service(f"{objects_prefix}-app", old.id, name)
    spec["Mode"] = {"Replicated": {"Replicas": 2}}
    spec["UpdateConfig"] = {"Parallelism": 1, "Delay": 60_000_000_000}
    service_id = create_service(manager_client, spec)
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await select_in_use(pilot, app, "configs", name)
        await pilot.press("R")
        modal = await wait_screen(pilot, ObjectDataModal)
        await pilot.press("tab", "tab", *"level=2", "enter")
        await wait_until(
            pilot,
            lambda: "esc: stop waiting" in static_text(app, "#modal-error"),
            "the rollout awaited",
            timeout=ROLLOUT_TIMEOUT,
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the wait given up")
        assert modal.outcome == "left"
    configs = {c.name: c for c in manager_client.configs.list() if c.name.startswith(name)}
    assert sorted(configs) == [name, f"{name}.v2"]
    refs = inspect_service(manager_client, service_id)["Spec"]["TaskTemplate"]["ContainerSpec"]
    assert [r["ConfigName"] for r in refs["Configs"]] == [f"{name}.v2"]
