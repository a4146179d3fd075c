"""Pilot tests of the secrets, configs and networks panes on the demo cluster: keys 5, 6, 7
and the palette, the services using each object, inspect, create, remove (refused while in
use), rotate, read-only mode. The demo records what was asked of it."""

from __future__ import annotations

from typing import TypeVar

from helpers.demo_app import running_demo
from helpers.pilot import AppPilot, notifications, text_of, wait_screen, wait_until
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Static

from swarmtui.demo.cluster import DemoBackend
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.object_modals import NetworkModal, ObjectDataModal
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.screens.object_inspect_screen import ObjectInspectScreen
from swarmtui.ui.widgets.object_panes import ConfigsPane, NetworksPane, ObjectsPane, SecretsPane
from swarmtui.ui.widgets.panes import NodesPane
from swarmtui.ui.widgets.resource_table import ResourceTable

Form = TypeVar("Form", ObjectDataModal, NetworkModal)


def column(pane: ResourceTable, key: str) -> list[str]:
    return [pane.get_cell(row.value, key).plain for row in pane.rows]


async def shown(
    pilot: AppPilot, app: SwarmTuiApp, key: str, kind: type[ObjectsPane]
) -> ObjectsPane:
    pane = app.main_screen.query_one(kind)
    await pilot.press(key)
    await wait_until(
        pilot, lambda: pane.has_focus and pane.loaded and pane.row_count > 0, kind.TITLE
    )
    return pane


async def select(pilot: AppPilot, pane: ObjectsPane, name: str) -> None:
    pane.move_cursor(column(pane, "name").index(name))
    await pilot.pause()


async def test_keys_5_6_7_show_the_objects_with_their_users() -> None:
    async with running_demo() as (app, pilot):
        nodes = app.main_screen.query_one(NodesPane)
        secrets = await shown(pilot, app, "5", SecretsPane)
        assert not nodes.display
        assert column(secrets, "name") == ["api_token", "shop_db_password"]
        assert column(secrets, "used_by") == ["-", "shop_db"]
        assert secrets.border_title == "[5] Secrets (2)"
        configs = await shown(pilot, app, "6", ConfigsPane)
        assert not secrets.display
        assert column(configs, "used_by") == ["monitoring_prometheus", "shop_web"]
        networks = await shown(pilot, app, "7", NetworksPane)
        rows = dict(zip(column(networks, "name"), column(networks, "used_by"), strict=True))
        assert rows["shop_backend"] == "shop_db,shop_web"
        assert rows["tools"] == "-"
        backend_row = column(networks, "encrypted")[column(networks, "name").index("shop_backend")]
        assert backend_row == "yes"
        await pilot.press("1")
        await wait_until(pilot, lambda: nodes.display and not networks.display, "nodes back")


async def test_palette_opens_the_views() -> None:
    async with running_demo() as (app, pilot):
        await pilot.press("ctrl+p")
        palette = await wait_screen(pilot, CommandPalette)
        palette.query_one(Input).value = ":networks"
        options = palette.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count > 0, "palette hits")
        await pilot.press("enter")
        networks = app.main_screen.query_one(NetworksPane)
        await wait_until(pilot, lambda: networks.has_focus and networks.loaded, "networks")


async def inspected(
    pilot: AppPilot, app: SwarmTuiApp, key: str, kind: type[ObjectsPane], name: str
) -> str:
    """The inspect screen's text for object NAME, opened from its pane (KEY)."""
    await select(pilot, await shown(pilot, app, key, kind), name)
    await pilot.press("enter")
    screen = await wait_screen(pilot, ObjectInspectScreen)
    await wait_until(pilot, lambda: screen.loaded, f"{name} inspected")
    return text_of(screen.query_one("#inspect-text", Static))


async def test_inspect_shows_config_content_and_never_a_secret_value() -> None:
    async with running_demo() as (app, pilot):
        text = await inspected(pilot, app, "6", ConfigsPane, "shop_nginx_conf")
        assert "proxy_pass http://backend;" in text
        assert "shop_web" in text and "target=/etc/shop_nginx_conf" in text
        await pilot.press("escape")
        text = await inspected(pilot, app, "5", SecretsPane, "shop_db_password")
        assert "never returns a secret's value" in text and "shop_db" in text


async def test_remove_in_use_is_refused_naming_the_services() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        secrets = await shown(pilot, app, "5", SecretsPane)
        await select(pilot, secrets, "shop_db_password")
        assert secrets.refusal("remove_object") is not None
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        await select(pilot, secrets, "api_token")
        await pilot.press("x")
        confirm = await wait_screen(pilot, ConfirmModal)
        assert confirm.operation.command == "docker secret rm api_token"
        await pilot.press("tab", "enter")  # the safe choice has the focus: tab to confirm
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmModal), "removed")
        calls = backend.demo_mutator.calls
        assert ("remove_object", ("secret", "s3cr3t4p1t0k3n00000000001")) in calls
        assert app.session.journal.entries[-1].command == "docker secret rm api_token"


async def create_form(
    pilot: AppPilot, app: SwarmTuiApp, key: str, kind: type[ObjectsPane], form: type[Form]
) -> Form:
    """`c` in the pane KEY shows: its create form."""
    await shown(pilot, app, key, kind)
    await pilot.press("c")
    return await wait_screen(pilot, form)


async def test_create_secret_typed_is_masked_and_journalled_without_value() -> None:
    backend = DemoBackend()
    value = "hunter2-typed-value"
    async with running_demo(backend) as (app, pilot):
        modal = await create_form(pilot, app, "5", SecretsPane, ObjectDataModal)
        await pilot.press(*"app_key", "tab", "tab", *value)
        command = command_of(modal)
        assert command == "$ docker secret create app_key -"
        assert modal.query_one("#field-value", Input).password
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ObjectDataModal), "created")
        assert ("create_object", ("secret", "app_key")) in backend.demo_mutator.calls
        journal = "\n".join(e.command + e.result for e in app.session.journal.entries)
        assert "docker secret create app_key -" in journal and value not in journal


async def test_create_refuses_a_taken_name_and_a_missing_file() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        modal = await create_form(pilot, app, "5", SecretsPane, ObjectDataModal)
        await pilot.press(*"api_token", "tab", "tab", "x", "enter")
        await wait_until(pilot, lambda: "already exists" in error_text(modal), "taken name")
        modal.query_one("#field-name", Input).value = "fresh"
        modal.query_one("#field-file", Input).value = "/nonexistent/secret.txt"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "No such file" in error_text(modal), "missing file")
        assert not [c for c in backend.demo_mutator.calls if c[0] == "create_object"]


def error_text(modal: ObjectDataModal | NetworkModal) -> str:
    return text_of(modal.query_one("#modal-error", Static))


def command_of(modal: ObjectDataModal | NetworkModal) -> str:
    return text_of(modal.query_one("#modal-command", Static))


async def rotate_nginx_conf(pilot: AppPilot, app: SwarmTuiApp) -> ObjectDataModal:
    """`6`, shop_nginx_conf selected, `R`: the rotate form, a new content typed."""
    configs = await shown(pilot, app, "6", ConfigsPane)
    await select(pilot, configs, "shop_nginx_conf")
    await pilot.press("R")
    modal = await wait_screen(pilot, ObjectDataModal)
    modal.query_one("#field-value", Input).value = "server {}"
    return modal


async def test_rotate_a_config_prefills_the_next_version() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        modal = await rotate_nginx_conf(pilot, app)
        assert modal.query_one("#field-name", Input).value == "shop_nginx_conf.v2"
        await pilot.pause()
        command = command_of(modal)
        assert command.startswith("$ docker config create shop_nginx_conf.v2 - && ")
        assert (
            "docker service update --config-rm shop_nginx_conf --config-add "
            "source=shop_nginx_conf.v2,target=/etc/shop_nginx_conf shop_web"
        ) in command


async def test_create_network_command_and_validation() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        modal = await create_form(pilot, app, "7", NetworksPane, NetworkModal)
        modal.query_one("#field-name", Input).value = "backend2"
        modal.query_one("#field-subnet", Input).value = "10.20.0.0/33"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "subnet" in error_text(modal), "bad subnet")
        modal.query_one("#field-subnet", Input).value = "10.20.0.0/24"
        await pilot.pause()
        command = command_of(modal)
        expected = "docker network create --driver overlay --attachable --subnet 10.20.0.0/24"
        assert command == f"$ {expected} backend2"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NetworkModal), "created")
        assert [c[1][0] for c in backend.demo_mutator.calls if c[0] == "create_network"] == [
            "backend2"
        ]


async def test_read_only_hides_and_refuses_the_writes() -> None:
    async with running_demo(read_only=True) as (app, pilot):
        secrets = await shown(pilot, app, "5", SecretsPane)
        for key in ("c", "x", "R"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.main_screen
        assert secrets.has_focus


async def test_esc_stops_waiting_for_a_rotation_s_rollout_and_keeps_the_old_version() -> None:
    """The demo's tasks never move to the new version: the rollout is awaited until esc,
    which only gives up the wait (the writes are done) and the offer to remove the old."""
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        modal = await rotate_nginx_conf(pilot, app)
        await pilot.press("ctrl+s")
        error = modal.query_one("#modal-error", Static)
        await wait_until(pilot, lambda: "esc: stop waiting" in text_of(error), "the wait")
        assert "waiting for the rollout of shop_web" in text_of(error)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not modal, "the form closed")
        assert modal.outcome == "left"
        assert not isinstance(app.screen, ConfirmModal)  # no offer to remove the old one
        assert any("shop_nginx_conf is kept" in n for n in notifications(app))
        asked = [call[0] for call in backend.demo_mutator.calls]
        assert "create_object" in asked and "replace_service" in asked
