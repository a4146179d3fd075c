"""The events view (`V`) and the context picker (`C`) on the demo cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.contexts import DEMO_HOST, switchable_demo_app, use_docker_config
from helpers.demo_app import running_demo, wait_main
from helpers.pilot import header_text, running, static_text, wait_screen, wait_until
from textual.command import CommandList
from textual.widgets import DataTable

from swarmtui.core.config import Config
from swarmtui.demo.cluster import NODES_JSON, SERVICES_JSON
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.contexts_screen import ContextsScreen
from swarmtui.ui.screens.events_screen import EventsScreen
from swarmtui.ui.widgets.panes import TasksPane

WEB = SERVICES_JSON[1]["ID"]
HELLOWORLD = SERVICES_JSON[0]["ID"]
DEMO_EVENTS = 10


def objects(screen: EventsScreen) -> list[str]:
    return [row.object for row in screen.rows]


async def test_v_shows_the_selected_services_events_and_x_all() -> None:
    async with running_demo() as (app, pilot):
        main = app.main_screen
        main.select_object("services", WEB)
        await pilot.press("V")
        screen = await wait_screen(pilot, EventsScreen)
        await wait_until(pilot, lambda: len(screen.rows) == 3, "web's three events")
        assert objects(screen) == ["service web"] * 3
        newest = screen.rows[0]
        assert newest.action == "update"
        assert newest.changes == "image httpd:2.4.57→httpd:2.4.58, updatestate ∅→updating"
        assert screen.rows[1].changes == "replicas 2→3"
        assert "of service web (x: all objects)" in static_text(app, "#events-status")
        await pilot.press("x")
        await wait_until(pilot, lambda: len(screen.rows) == DEMO_EVENTS, "every event")
        assert screen.actor_id is None
        kinds = {row.kind for row in screen.rows}
        assert kinds == {"service", "node", "secret", "config", "network"}
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "back on the main screen")


async def test_typed_filter_by_type_and_text_and_escape_clears() -> None:
    async with running_demo() as (app, pilot):
        app.main_screen.action_events(whole_swarm=True)
        screen = await wait_screen(pilot, EventsScreen)
        await wait_until(pilot, lambda: len(screen.rows) == DEMO_EVENTS, "every event")
        await pilot.press("slash", *"type:node", "enter")
        await wait_until(pilot, lambda: len(screen.rows) == 2, "the node events")
        assert all(row.object == "node worker2" for row in screen.rows)
        assert [row.changes for row in screen.rows] == [
            "availability drain→active",
            "availability active→drain",
        ]
        await pilot.press("slash", "ctrl+u", *"create", "enter")
        await wait_until(pilot, lambda: len(screen.rows) == 6, "the created objects")
        assert "matching 'create'" in static_text(app, "#events-status")
        await pilot.press("slash", "escape")
        await wait_until(pilot, lambda: len(screen.rows) == DEMO_EVENTS, "the filter cleared")
        assert screen.filter_text == ""


async def test_the_palette_offers_events_and_contexts() -> None:
    async with running_demo() as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*":ctx")
        await wait_until(pilot, lambda: _palette_offers(app, "Contexts"), "the :ctx entry")
        await pilot.press("enter")
        await wait_screen(pilot, ContextsScreen)


def _palette_offers(app: SwarmTuiApp, label: str) -> bool:
    found = app.screen.query(CommandList)
    return bool(found) and any(label in str(o.prompt) for o in found.first().options)


async def test_c_lists_contexts_and_switches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_docker_config(
        monkeypatch, tmp_path, {"staging": "tcp://10.0.0.7:2375", "prod": "tcp://10.0.0.8:2376"}
    )
    config = Config(path=None, hosts=(DEMO_HOST,), read_only_contexts=("prod",))
    app, opened = switchable_demo_app(config)
    async with running(app, ready=wait_main) as pilot:
        await pilot.press("C")
        screen = await wait_screen(pilot, ContextsScreen)
        await wait_until(pilot, lambda: len(screen.choices) == 4, "the contexts")
        assert [c.name for c in screen.choices] == ["default", "prod", "staging", DEMO_HOST]
        table = screen.query_one("#contexts-table", DataTable)
        assert table.cursor_row == 3  # the one in use
        assert "Read-only: prod" in static_text(app, "#contexts-status")
        await pilot.press("up", "up", "enter")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        await wait_until(pilot, lambda: "context prod" in header_text(app), "the new name")
        assert opened == [DEMO_HOST, "tcp://10.0.0.8:2376"]
        assert app.session.read_only
        assert app.session.endpoint_label == "tcp://10.0.0.8:2376"
        await wait_main(pilot)
        ring = app.session.model.events  # emptied by the switch, the new swarm's history read
        await wait_until(pilot, lambda: len(ring.events()) == DEMO_EVENTS, "its events")


async def test_v_on_a_node_and_on_a_task() -> None:
    """A node's own events; a task's are its service's."""
    async with running_demo() as (app, pilot):
        main = app.main_screen
        main.select_object("nodes", NODES_JSON[2]["ID"])
        await pilot.press("V")
        screen = await wait_screen(pilot, EventsScreen)
        await wait_until(pilot, lambda: len(screen.rows) == 2, "worker2's events")
        assert objects(screen) == ["node worker2"] * 2
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        main.select_object("services", HELLOWORLD)
        # The tasks pane follows the service once its tasks are read: `V` on it before
        # that is about a task of the node shown before (as on screen).
        tasks = main.query_one(TasksPane)
        await wait_until(
            pilot,
            lambda: tasks.scope_label == "service helloworld" and tasks.row_count > 0,
            "helloworld's tasks",
        )
        await pilot.press("3", "V")
        screen = await wait_screen(pilot, EventsScreen)
        assert screen.actor_id == HELLOWORLD
        await wait_until(pilot, lambda: objects(screen) == ["service helloworld"], "its service")
