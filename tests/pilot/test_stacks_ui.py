"""Pilot tests of the stacks view on the demo cluster (stacks `monitoring` and `shop`, three
services outside stacks): `4`, drill down with `enter`, back up with `escape`, the services
pane's stack filter (`S`, `stack:NAME`), the palette, and the service keys in a stack."""

from __future__ import annotations

from helpers.demo_app import refreshed, running_demo
from helpers.pilot import AppPilot, wait_screen, wait_until
from textual.command import CommandPalette
from textual.widgets import OptionList

from swarmtui.demo.cluster import SERVICES_JSON, DemoBackend
from swarmtui.diagnosis.marks import MARK
from swarmtui.display.stacks import NO_STACK
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.operation_modal import ConfirmModal, ScaleModal
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, StacksPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable

SERVICE_IDS = {s["Spec"]["Name"]: s["ID"] for s in SERVICES_JSON}
ALL_SERVICES = len(SERVICES_JSON)


def names(pane: ResourceTable, column: str = "name") -> list[str]:
    return [pane.get_cell(row.value, column).plain.removesuffix(MARK) for row in pane.rows]


def panes(app: SwarmTuiApp) -> tuple[StacksPane, ServicesPane, TasksPane]:
    main = app.main_screen
    return main.query_one(StacksPane), main.query_one(ServicesPane), main.query_one(TasksPane)


async def select_stack(pilot: AppPilot, app: SwarmTuiApp, stack: str) -> None:
    """`4`, then the cursor down to STACK."""
    stacks, _, _ = panes(app)
    await pilot.press("4")
    await wait_until(pilot, lambda: stacks.has_focus, "the stacks pane")
    while stacks.selected_key != stack:
        await pilot.press("j")


async def drill_into(pilot: AppPilot, app: SwarmTuiApp, stack: str) -> None:
    """`4`, the cursor on STACK, `enter`: its services, focused."""
    _, services, _ = panes(app)
    await select_stack(pilot, app, stack)
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: services.has_focus and services.stack == stack, f"{stack}'s services"
    )


async def test_key_4_shows_the_stacks_in_place_of_the_nodes() -> None:
    async with running_demo() as (app, pilot):
        stacks, services, tasks = panes(app)
        nodes = app.main_screen.query_one(NodesPane)
        assert not stacks.display and nodes.display
        await pilot.press("4")
        await wait_until(pilot, lambda: stacks.has_focus, "the stacks pane focused")
        assert stacks.display and not nodes.display
        assert names(stacks) == ["monitoring", "shop", "(no stack)"]
        assert stacks.border_title == "[4] Stacks (3)"
        assert [stacks.get_cell("shop", c).plain for c in ("services", "tasks", "update")] == [
            "2",
            "3/3",
            "",
        ]
        assert stacks.get_cell("monitoring", "update").plain == "paused"
        assert services.row_count == ALL_SERVICES  # nothing chosen yet: every service

        await pilot.press("tab")  # tab goes round the panes on screen
        assert services.has_focus
        await pilot.press("tab", "tab")
        assert stacks.has_focus
        await pilot.press("shift+tab")
        assert tasks.has_focus

        await pilot.press("1")  # the nodes come back in their place
        await wait_until(pilot, lambda: nodes.has_focus, "the nodes pane focused")
        assert nodes.display and not stacks.display
        await pilot.press("tab", "tab", "tab")
        assert nodes.has_focus


async def test_enter_drills_down_to_a_stacks_services_and_their_tasks() -> None:
    async with running_demo() as (app, pilot):
        _, services, tasks = panes(app)
        await drill_into(pilot, app, "shop")
        assert names(services) == ["shop_db", "shop_web"]
        assert services.border_title == "[2] Services (2) of stack shop"
        assert services.selected_key == SERVICE_IDS["shop_db"]
        await wait_until(pilot, lambda: tasks.scope_label == "service shop_db", "shop_db's tasks")
        assert names(tasks) == ["shop_db.1"]

        await pilot.press("j")  # the tasks follow the service, as everywhere
        await wait_until(pilot, lambda: tasks.scope_label == "service shop_web", "shop_web's tasks")
        await wait_until(pilot, lambda: tasks.row_count == 2, "shop_web's two tasks")
        assert names(tasks) == ["shop_web.1", "shop_web.2"]

        await refreshed(pilot)  # a refresh keeps the drill-down
        assert names(services) == ["shop_db", "shop_web"]
        assert services.selected_key == SERVICE_IDS["shop_web"]


async def test_escape_goes_back_up_tasks_services_stacks() -> None:
    async with running_demo() as (app, pilot):
        stacks, services, tasks = panes(app)
        await drill_into(pilot, app, "monitoring")
        await pilot.press("3")
        assert tasks.has_focus
        await pilot.press("escape")  # tasks -> the stack's services
        await wait_until(pilot, lambda: services.has_focus, "back to the services")
        assert services.stack == "monitoring"
        await pilot.press("escape")  # services -> the stacks, every service again
        await wait_until(pilot, lambda: stacks.has_focus, "back to the stacks")
        assert services.stack is None and services.row_count == ALL_SERVICES
        assert services.border_title == f"[2] Services ({ALL_SERVICES})"
        assert stacks.selected_key == "monitoring"  # where we came from
        await pilot.press("escape")  # the top: nothing more to go back to
        await pilot.pause()
        assert stacks.has_focus and app.screen is app.main_screen


async def test_escape_does_nothing_outside_a_drill_down() -> None:
    async with running_demo() as (app, pilot):
        _, services, tasks = panes(app)
        await pilot.press("2")
        assert not app.main_screen.check_action("back", ())  # hidden from the footer
        await pilot.press("escape")
        await pilot.pause()
        assert services.has_focus
        await pilot.press("3", "escape")
        await pilot.pause()
        assert tasks.has_focus


async def test_services_outside_stacks_have_their_row() -> None:
    async with running_demo() as (app, pilot):
        _, services, _ = panes(app)
        await drill_into(pilot, app, NO_STACK)
        assert names(services) == ["helloworld", "monitor", "web"]
        assert services.border_title == "[2] Services (3) outside stacks"


async def test_the_service_keys_work_on_a_stacks_services() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        _, services, _ = panes(app)
        await drill_into(pilot, app, "shop")
        await pilot.press("j")  # shop_web
        shop_web = SERVICE_IDS["shop_web"]

        await pilot.press("enter")  # inspect
        inspect = await wait_screen(pilot, InspectScreen, "the inspect screen")
        assert inspect.heading == "service shop_web"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "inspect closed")
        assert services.has_focus and services.stack == "shop"  # still in the stack

        await pilot.press("s", "ctrl+u", "4")
        await wait_screen(pilot, ScaleModal, "the scale modal")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: ("scale_service", (shop_web, 4)) in backend.demo_mutator.calls,
            "shop_web scaled",
        )
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the modal closed")

        async def confirmed(key: str, call: str) -> None:
            await pilot.press(key)
            await wait_screen(pilot, ConfirmModal, "the confirmation")
            await pilot.press("tab", "enter")
            sent = (call, (shop_web,))
            await wait_until(pilot, lambda: sent in backend.demo_mutator.calls, call)
            await wait_until(pilot, lambda: app.screen is app.main_screen, "the modal closed")

        await confirmed("b", "rollback_service")
        await confirmed("x", "remove_service")

        await pilot.press("L")  # the logs of the selected service
        logs = await wait_screen(pilot, LogScreen, "the logs")
        assert logs.target.service_name == "shop_web"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "logs closed")


async def test_key_S_cycles_the_services_pane_through_the_stacks() -> None:
    async with running_demo() as (app, pilot):
        _, services, _ = panes(app)
        await pilot.press("2")
        seen = []
        for _ in range(4):
            await pilot.press("S")
            seen.append((services.stack, services.border_title))
        assert seen == [
            ("monitoring", "[2] Services (2) of stack monitoring"),
            ("shop", "[2] Services (2) of stack shop"),
            (NO_STACK, "[2] Services (3) outside stacks"),
            (None, f"[2] Services ({ALL_SERVICES})"),
        ]


async def test_the_filter_takes_stack_names() -> None:
    async with running_demo() as (app, pilot):
        _, services, _ = panes(app)
        await pilot.press("2", "slash", *"stack:shop")
        await wait_until(pilot, lambda: services.row_count == 2, "shop's services")
        assert names(services) == ["shop_db", "shop_web"]
        assert services.border_title == f"[2] Services (2/{ALL_SERVICES}) /stack:shop"
        await pilot.press(*" web")  # and a text filter on top
        await wait_until(pilot, lambda: services.row_count == 1, "shop_web")
        assert names(services) == ["shop_web"]
        await pilot.press("ctrl+u", *"stack:^m")  # a regex on the stack name
        await wait_until(pilot, lambda: services.row_count == 2, "monitoring's services")
        assert names(services) == ["monitoring_node-exporter", "monitoring_prometheus"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: services.row_count == ALL_SERVICES, "every service")


async def palette_choose(pilot: AppPilot, app: SwarmTuiApp, query: str) -> None:
    await pilot.press("ctrl+p")
    palette = await wait_screen(pilot, CommandPalette, "the palette")
    await pilot.press(*query)

    def first_hit() -> str:
        options = palette.query_one(OptionList)
        if not options.option_count or options.highlighted is None:
            return ""
        prompt = options.get_option_at_index(options.highlighted).prompt
        return str(getattr(prompt, "plain", prompt))

    await wait_until(pilot, lambda: first_hit().startswith(query), f"the palette: {query}")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen is app.main_screen, "the palette closed")


async def test_the_palette_opens_the_stacks_and_a_stack() -> None:
    async with running_demo() as (app, pilot):
        stacks, services, _ = panes(app)
        await palette_choose(pilot, app, "stack shop")
        await wait_until(pilot, lambda: services.stack == "shop", "shop's services")
        assert services.has_focus and stacks.display
        assert stacks.selected_key == "shop"
        await pilot.press("escape")
        await wait_until(pilot, lambda: stacks.has_focus, "back to the stacks")
        await pilot.press("1")
        await palette_choose(pilot, app, "Stacks view")
        await wait_until(pilot, lambda: stacks.has_focus and stacks.display, "the stacks view")


async def test_jumping_to_a_service_leaves_the_drill_down() -> None:
    async with running_demo() as (app, pilot):
        _, services, _ = panes(app)
        await drill_into(pilot, app, "shop")
        await palette_choose(pilot, app, "service helloworld")
        await wait_until(
            pilot, lambda: services.selected_key == SERVICE_IDS["helloworld"], "helloworld"
        )
        assert services.stack is None and services.row_count == ALL_SERVICES


async def test_L_on_a_stack_merges_the_logs_of_its_services() -> None:
    async with running_demo() as (app, pilot):
        stacks, _, _ = panes(app)
        await pilot.press("4", "j")  # shop: shop_web (2 tasks) and shop_db (1 task)
        await wait_until(pilot, lambda: stacks.selected_key == "shop", "shop selected")
        await pilot.press("L")
        logs = await wait_screen(pilot, LogScreen, "the stack's logs")
        assert logs.selection.title == "stack shop"
        assert [f.target.service_name for f in logs.followers] == ["shop_db", "shop_web"]
        model = logs.view.model
        await wait_until(pilot, lambda: len(model.buffer) == 90, "30 lines of each of 3 tasks")
        stamps = [line.timestamp for line in model.buffer]
        assert stamps == sorted(stamps)  # one stream of lines, in time order
        labels = {model.labels.label(line.task_id, line.node_id) for line in model.buffer}
        assert labels == {"shop_web.1@worker1", "shop_web.2@worker2", "shop_db.1@worker2"}
        followers = list(logs.followers)
        await pilot.press("escape")  # every stream closes with the view
        await wait_until(pilot, lambda: app.screen is app.main_screen, "logs closed")
        assert all(f.closed for f in followers)


async def test_remove_a_stack_asks_first_and_names_what_goes() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        stacks, _, _ = panes(app)
        await pilot.press("4")
        await wait_until(pilot, lambda: stacks.has_focus, "the stacks pane")
        while stacks.selected_key != "shop":
            await pilot.press("j")
        await pilot.press("x")
        modal = await wait_screen(pilot, ConfirmModal, "the confirmation")
        assert modal.operation.command == "docker stack rm shop"
        assert "2 services: shop_db, shop_web" in modal.operation.warning
        assert modal.query_one("#cancel").has_focus  # the safe choice
        await pilot.press("enter")  # Cancel
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmModal), "closed")
        assert "remove_service" not in [name for name, _ in backend.mutator().calls]


async def test_no_stack_row_cannot_be_removed_and_d_prefills_the_stack() -> None:
    async with running_demo() as (app, pilot):
        stacks, _, _ = panes(app)
        await select_stack(pilot, app, NO_STACK)
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        await pilot.press("k", "d")
        from textual.widgets import Input

        from swarmtui.ui.modals.stack_deploy_modal import StackDeployModal

        modal = await wait_screen(pilot, StackDeployModal, "the deploy dialog")
        assert modal.query_one("#stack-name", Input).value == stacks.selected_key


async def test_read_only_hides_deploy_and_remove() -> None:
    async with running_demo(read_only=True) as (app, pilot):
        stacks, _, _ = panes(app)
        await pilot.press("4")
        await wait_until(pilot, lambda: stacks.has_focus, "the stacks pane")
        await pilot.press("x", "d")
        await pilot.pause()
        assert app.screen is app.main_screen
