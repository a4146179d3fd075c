"""The quorum guards in the node menu on the demo cluster (one manager, two workers): refusals
stay in the menu and send nothing; promoting to an even number of managers warns before it
is confirmed. The same keys against a real swarm: tests/lab/test_operations_swarm.py; the
rules case by case: tests/unit/test_operation_rules.py."""

from __future__ import annotations

from helpers.demo_app import running_demo
from helpers.pilot import (
    AppPilot,
    choose_option,
    pane,
    press_confirm,
    put_cursor_on,
    static_text,
    wait_modal_closed,
    wait_screen,
)

from swarmtui.demo.cluster import NODES_JSON, DemoBackend
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.node_actions import NodeMenu
from swarmtui.ui.modals.operation_modal import ConfirmModal

NODE_IDS = {node["Description"]["Hostname"]: str(node["ID"]) for node in NODES_JSON}


async def node_menu_choice(pilot: AppPilot, app: SwarmTuiApp, hostname: str, choice: str) -> None:
    await pilot.press("1")
    await put_cursor_on(pilot, pane(app, "nodes"), NODE_IDS[hostname])
    await pilot.press("m")
    await wait_screen(pilot, NodeMenu)
    await choose_option(pilot, app, choice)


async def test_refusals_stay_in_the_menu_and_send_nothing() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        for hostname, choice, refusal in [
            ("manager1", "demote", "manager1 is the last manager"),
            ("manager1", "remove_force", "demote it first"),
            ("worker1", "remove", "only down nodes can be removed without force"),
        ]:
            await node_menu_choice(pilot, app, hostname, choice)
            assert isinstance(app.screen, NodeMenu), choice  # no confirmation: refused at once
            assert refusal in static_text(app, "#modal-error"), choice
            await pilot.press("escape")
            await wait_modal_closed(pilot, app)
        assert backend.demo_mutator.calls == []
        assert app.session.journal.entries == ()


async def test_promoting_to_two_managers_warns_then_promotes() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        await node_menu_choice(pilot, app, "worker1", "promote")
        await wait_screen(pilot, ConfirmModal)
        assert static_text(app, "#modal-command") == "$ docker node promote worker1"
        assert "2 managers tolerate no more failures than 1" in static_text(app, "#confirm-warning")
        assert backend.demo_mutator.calls == []  # nothing before the confirmation
        await press_confirm(pilot, app)
        await wait_modal_closed(pilot, app)
        assert backend.demo_mutator.calls == [("set_node_role", (NODE_IDS["worker1"], "manager"))]
        (entry,) = app.session.journal.entries
        assert entry.ok and entry.command == "docker node promote worker1"
