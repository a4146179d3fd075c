"""Pilot tests on the demo cluster: key bindings and remapping, filter, help, command palette.

The same features are tested against a real swarm elsewhere; these need no engine and pin
the keyboard behaviour down exactly.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from demo_app import AppPilot, demo_app, swarm_app_of, wait_for, wait_main
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.widgets import DataTable, OptionList

import swarmtui.ui
from swarmtui.config import Config
from swarmtui.demo import NODES_JSON, SERVICES_JSON
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.filter_bar import FilterBar
from swarmtui.ui.help_screen import HelpScreen
from swarmtui.ui.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.inspect_screen import InspectScreen
from swarmtui.ui.main_screen import MainScreen
from swarmtui.ui.panes import NodesPane, ServicesPane, TasksPane
from swarmtui.ui.problem_screen import ProblemScreen
from swarmtui.ui.resource_table import ResourceTable

SIZE = (120, 40)
WEB_ID = next(s["ID"] for s in SERVICES_JSON if s["Spec"]["Name"] == "web")
WORKER2_ID = next(n["ID"] for n in NODES_JSON if n["Description"]["Hostname"] == "worker2")


# Binding ids: what the [keys] section of the config file refers to -------------------------


def ui_classes() -> Iterator[type[DOMNode]]:
    """Every app, screen and widget class defined in swarmtui.ui."""
    for info in pkgutil.walk_packages(swarmtui.ui.__path__, "swarmtui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, DOMNode):
                yield cls


def own_bindings(cls: type[DOMNode]) -> list[object]:
    return list(vars(cls).get("BINDINGS", []))


def test_every_binding_has_an_id() -> None:
    classes = list(ui_classes())
    named = {
        SwarmTuiApp,
        MainScreen,
        ResourceTable,
        TasksPane,
        FilterBar,
        InspectScreen,
        HelpScreen,
        ProblemScreen,
        InitSwarmScreen,
    }
    assert named <= set(classes)
    missing = [
        f"{cls.__module__}.{cls.__qualname__}: {binding!r}"
        for cls in classes
        for binding in own_bindings(cls)
        if not isinstance(binding, Binding) or not binding.id
    ]
    assert not missing, "bindings without an id (they cannot be remapped):\n" + "\n".join(missing)


def test_binding_ids_are_unique_per_class() -> None:
    """Two bindings of one class with one id would both take the key a [keys] entry sets."""
    duplicated: list[str] = []
    for cls in ui_classes():
        ids = [b.id for b in own_bindings(cls) if isinstance(b, Binding) and b.id]
        duplicated += [f"{cls.__qualname__}: {i}" for i in sorted(set(ids)) if ids.count(i) > 1]
    assert not duplicated, duplicated


# Key remapping ------------------------------------------------------------------------------


async def test_remapped_refresh_key(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(config=Config(keys={"refresh": "f5"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        refreshes: list[str] = []
        monkeypatch.setattr(app, "refresh_now", lambda: refreshes.append("refresh"))
        await pilot.press("r")
        await pilot.pause()
        assert refreshes == [], "r still refreshes after refresh was remapped to f5"
        await pilot.press("f5")
        await wait_for(pilot, lambda: refreshes == ["refresh"], "f5 to refresh")
        # The help screen shows the remapped key.
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        assert isinstance(app.screen, HelpScreen)
        assert ("main", "f5", "Refresh", "refresh") in app.screen.rows


async def test_default_refresh_key(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        refreshes: list[str] = []
        monkeypatch.setattr(app, "refresh_now", lambda: refreshes.append("refresh"))
        await pilot.press("f5")
        await pilot.pause()
        assert refreshes == []
        await pilot.press("r")
        await wait_for(pilot, lambda: refreshes == ["refresh"], "r to refresh")


async def test_refresh_fetches_everything() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        refresher = app.refresher
        assert refresher is not None
        before = refresher.last_success
        await pilot.press("r")
        await wait_for(pilot, lambda: refresher.last_success != before, "a refresh")


# Filter -------------------------------------------------------------------------------------


def visible_names(pane: ResourceTable, column: int = 1) -> list[str]:
    return [str(pane.get_row_at(i)[column]) for i in range(pane.row_count)]


async def type_filter(pilot: AppPilot, text: str) -> None:
    await pilot.press("slash", *text)


async def test_filter_substring_and_regex() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        services = app.main_screen.query_one(ServicesPane)
        bar = app.main_screen.query_one(FilterBar)

        await pilot.press("2")
        await type_filter(pilot, "WEB")  # case-insensitive substring
        await wait_for(pilot, lambda: services.row_count == 1, "one service left")
        assert visible_names(services) == ["web"]
        assert bar.display and bar.has_focus
        assert services.border_title == "[2] Services (1/3) /WEB"

        await pilot.press("enter")  # keep the filter, back to the pane
        assert not bar.display
        assert services.has_focus
        assert services.filter_text == "WEB"
        assert visible_names(services) == ["web"]

        await pilot.press("slash", "ctrl+u", *"^(web|monitor)$")  # a regex
        await wait_for(pilot, lambda: services.row_count == 2, "two services left")
        assert sorted(visible_names(services)) == ["monitor", "web"]

        await pilot.press("ctrl+u", *"replicated")  # any column matches
        await wait_for(pilot, lambda: services.row_count == 2, "the replicated services")
        assert visible_names(services) == ["helloworld", "web"]

        await pilot.press("ctrl+u", *"web(")  # not a regex: matched literally
        await wait_for(pilot, lambda: services.row_count == 0, "no match")

        await pilot.press("escape")  # clears the filter and closes the bar
        await wait_for(pilot, lambda: services.row_count == 3, "all services back")
        assert services.filter_text == ""
        assert services.border_title == "[2] Services (3)"
        assert services.has_focus and not bar.display


async def test_filter_applies_to_the_focused_pane() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        nodes = app.main_screen.query_one(NodesPane)
        services = app.main_screen.query_one(ServicesPane)
        await pilot.press("1")
        await type_filter(pilot, "worker")
        await wait_for(pilot, lambda: nodes.row_count == 2, "the workers")
        assert visible_names(nodes) == ["worker1", "worker2"]
        assert services.row_count == 3
        await pilot.press("enter")
        assert nodes.has_focus


async def test_filter_keeps_the_selection_through_refreshes() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        services = app.main_screen.query_one(ServicesPane)
        await pilot.press("2", "j", "j")
        assert services.selected_key == WEB_ID
        await type_filter(pilot, "e")  # helloworld and web
        await pilot.press("enter")
        await wait_for(pilot, lambda: services.row_count == 2, "two services")
        assert services.selected_key == WEB_ID
        refresher = app.refresher
        assert refresher is not None
        before = refresher.last_success
        await pilot.press("r")
        await wait_for(pilot, lambda: refresher.last_success != before, "a refresh")
        await pilot.pause()
        assert services.selected_key == WEB_ID


# Help ---------------------------------------------------------------------------------------


async def test_help_lists_every_binding() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == len(help_screen.rows), "help rows")
        ids = {row[3] for row in help_screen.rows}
        for cls in (SwarmTuiApp, MainScreen, ResourceTable, TasksPane, FilterBar):
            for binding in own_bindings(cls):
                assert isinstance(binding, Binding)
                assert binding.id in ids, f"{binding.id} missing from the help"
        assert ("main", "r", "Refresh", "refresh") in help_screen.rows
        assert ("tasks", "a", "History", "toggle_task_history") in help_screen.rows
        assert ("global", "question_mark", "Help", "help") in help_screen.rows
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells == list(help_screen.rows[0])

        await pilot.press("question_mark")  # `?` again closes it, as escape does
        await wait_for(pilot, lambda: app.screen is app.main_screen, "help closed")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen, "help closed by escape")


# Command palette ----------------------------------------------------------------------------


async def palette_choose(pilot: AppPilot, query: str) -> None:
    app = swarm_app_of(pilot)
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)

    def first_hit() -> str | None:
        palette = app.screen
        if not isinstance(palette, CommandPalette):
            return None
        options = palette.query_one(OptionList)
        if not options.option_count or options.highlighted is None:
            return None
        prompt = options.get_option_at_index(options.highlighted).prompt
        return str(getattr(prompt, "plain", prompt))

    await wait_for(pilot, lambda: query in (first_hit() or ""), f"the palette to offer {query}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is app.main_screen, "the palette to close")


async def test_palette_jumps_to_a_service() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        await pilot.press("1")  # start elsewhere: the jump must move the focus
        await palette_choose(pilot, "service web")
        services = app.main_screen.query_one(ServicesPane)
        tasks = app.main_screen.query_one(TasksPane)
        await wait_for(pilot, lambda: services.has_focus, "the services pane focused")
        assert services.selected_key == WEB_ID
        await wait_for(pilot, lambda: tasks.scope_label == "service web", "web's tasks")
        await wait_for(pilot, lambda: tasks.row_count == 3, "web's 3 current tasks")


async def test_palette_jump_clears_a_filter() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        nodes = app.main_screen.query_one(NodesPane)
        await pilot.press("1")
        await type_filter(pilot, "manager")
        await pilot.press("enter")
        await wait_for(pilot, lambda: nodes.row_count == 1, "the filter")
        await palette_choose(pilot, "node worker2")
        await wait_for(pilot, lambda: nodes.selected_key == WORKER2_ID, "worker2 selected")
        assert nodes.has_focus
        assert nodes.filter_text == "" and nodes.row_count == 3


async def test_palette_runs_actions() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        await palette_choose(pilot, "Toggle task history")
        tasks = app.main_screen.query_one(TasksPane)
        await wait_for(pilot, lambda: tasks.history and tasks.row_count == 3, "history shown")
        await palette_choose(pilot, "Focus tasks")
        assert tasks.has_focus
