"""Pilot tests on the demo cluster: key bindings and remapping, filter, help, command palette.

The same features are tested against a real swarm elsewhere; these need no engine and pin
the keyboard behaviour down exactly.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager

import pytest
from helpers.demo_app import ServicesJsonDemo, demo_app, swarm_app_of, wait_main
from helpers.demo_app import refreshed as refresh_everything
from helpers.pilot import AppPilot, wait_screen, wait_until
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.widgets import DataTable, OptionList

import swarmtui.ui
from swarmtui.core.config import Config
from swarmtui.demo.cluster import DEMO_NOW, NODES_JSON, SERVICES_JSON, DemoBackend
from swarmtui.diagnosis.marks import MARK
from swarmtui.display.sorting import SortKey, SortOrder
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import VirtualTable

SIZE = (120, 40)
WEB_ID = next(s["ID"] for s in SERVICES_JSON if s["Spec"]["Name"] == "web")
WORKER2_ID = next(n["ID"] for n in NODES_JSON if n["Description"]["Hostname"] == "worker2")
DEMO_SERVICES = len(SERVICES_JSON)
# The tutorial's three services, without the demo's stacks: what the sort tests start from.
TUTORIAL_SERVICES = [s for s in SERVICES_JSON if not s["Spec"]["Labels"]]


@asynccontextmanager
async def on_main(
    backend: DemoBackend | None = None, *, config: Config | None = None
) -> AsyncIterator[tuple[SwarmTuiApp, AppPilot]]:
    """The demo console (on BACKEND, with CONFIG) running headless, its main screen painted."""
    app = demo_app(backend, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        yield app, pilot


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
    async with on_main(config=Config(keys={"refresh": "f5"})) as (app, pilot):
        refreshes: list[str] = []
        monkeypatch.setattr(app.session, "refresh_now", lambda: refreshes.append("refresh"))
        await pilot.press("r")
        await pilot.pause()
        assert refreshes == [], "r still refreshes after refresh was remapped to f5"
        await pilot.press("f5")
        await wait_until(pilot, lambda: refreshes == ["refresh"], "f5 to refresh")
        # The help screen shows the remapped key.
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen, "the help screen")
        assert isinstance(app.screen, HelpScreen)
        assert ("main", "f5", "Refresh", "refresh") in app.screen.rows


async def test_default_refresh_key(monkeypatch: pytest.MonkeyPatch) -> None:
    async with on_main() as (app, pilot):
        refreshes: list[str] = []
        monkeypatch.setattr(app.session, "refresh_now", lambda: refreshes.append("refresh"))
        await pilot.press("f5")
        await pilot.pause()
        assert refreshes == []
        await pilot.press("r")
        await wait_until(pilot, lambda: refreshes == ["refresh"], "r to refresh")


async def test_refresh_fetches_everything() -> None:
    async with on_main() as (app, pilot):
        refresher = app.session.refresher
        assert refresher is not None
        before = refresher.last_success
        await pilot.press("r")
        await wait_until(pilot, lambda: refresher.last_success != before, "a refresh")


# Filter -------------------------------------------------------------------------------------


def visible_names(pane: ResourceTable, column: int = 1) -> list[str]:
    return [str(pane.get_row_at(i)[column]).removesuffix(MARK) for i in range(pane.row_count)]


async def type_filter(pilot: AppPilot, text: str) -> None:
    await pilot.press("slash", *text)


async def test_filter_substring_and_regex() -> None:
    async with on_main() as (app, pilot):
        services = app.main_screen.query_one(ServicesPane)
        bar = app.main_screen.query_one(FilterBar)

        await pilot.press("2")
        await type_filter(pilot, "WEB")  # case-insensitive substring
        await wait_until(pilot, lambda: services.row_count == 2, "two services left")
        assert visible_names(services) == ["shop_web", "web"]
        assert bar.display and bar.has_focus
        assert services.border_title == f"[2] Services (2/{DEMO_SERVICES}) /WEB"

        await pilot.press("enter")  # keep the filter, back to the pane
        assert not bar.display
        assert services.has_focus
        assert services.filter_text == "WEB"
        assert visible_names(services) == ["shop_web", "web"]

        await pilot.press("slash", "ctrl+u", *"^(web|monitor)$")  # a regex
        await wait_until(pilot, lambda: services.row_count == 2, "two services left")
        assert sorted(visible_names(services)) == ["monitor", "web"]

        await pilot.press("ctrl+u", *"global")  # any column matches
        await wait_until(pilot, lambda: services.row_count == 2, "the global services")
        assert visible_names(services) == ["monitor", "monitoring_node-exporter"]

        await pilot.press("ctrl+u", *"web(")  # not a regex: matched literally
        await wait_until(pilot, lambda: services.row_count == 0, "no match")

        await pilot.press("escape")  # clears the filter and closes the bar
        await wait_until(pilot, lambda: services.row_count == DEMO_SERVICES, "all services back")
        assert services.filter_text == ""
        assert services.border_title == f"[2] Services ({DEMO_SERVICES})"
        assert services.has_focus and not bar.display


async def test_filter_applies_to_the_focused_pane() -> None:
    async with on_main() as (app, pilot):
        nodes = app.main_screen.query_one(NodesPane)
        services = app.main_screen.query_one(ServicesPane)
        await pilot.press("1")
        await type_filter(pilot, "worker")
        await wait_until(pilot, lambda: nodes.row_count == 2, "the workers")
        assert visible_names(nodes) == ["worker1", "worker2"]
        assert services.row_count == DEMO_SERVICES
        await pilot.press("enter")
        assert nodes.has_focus


async def test_filter_keeps_the_selection_through_refreshes() -> None:
    async with on_main() as (app, pilot):
        services = app.main_screen.query_one(ServicesPane)
        await pilot.press("2", "G")
        assert services.selected_key == WEB_ID
        await type_filter(pilot, "web")  # shop_web and web
        await pilot.press("enter")
        await wait_until(pilot, lambda: services.row_count == 2, "two services")
        assert services.selected_key == WEB_ID
        await refresh_everything(pilot)
        assert services.selected_key == WEB_ID


# Help ---------------------------------------------------------------------------------------


async def test_help_lists_every_binding() -> None:
    async with on_main() as (app, pilot):
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen, "the help screen")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == len(help_screen.rows), "help rows")
        ids = {row[3] for row in help_screen.rows}
        for cls in (SwarmTuiApp, MainScreen, VirtualTable, ResourceTable, TasksPane, FilterBar):
            for binding in own_bindings(cls):
                assert isinstance(binding, Binding)
                assert binding.id in ids, f"{binding.id} missing from the help"
        assert ("main", "r", "Refresh", "refresh") in help_screen.rows
        assert ("tasks", "a", "History", "toggle_task_history") in help_screen.rows
        assert ("panes", "j", "Down", "cursor_down_j") in help_screen.rows
        assert ("panes", ">", "Sort next column", "sort_next_column") in help_screen.rows
        assert ("panes", "<", "Sort prev column", "sort_prev_column") in help_screen.rows
        assert ("panes", "!", "Reverse sort", "sort_reverse") in help_screen.rows
        assert ("global", "question_mark", "Help", "help") in help_screen.rows
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells == list(help_screen.rows[0])

        await pilot.press("question_mark")  # `?` again closes it, as escape does
        await wait_until(pilot, lambda: app.screen is app.main_screen, "help closed")
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen, "help again")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "help closed by escape")


# Command palette ----------------------------------------------------------------------------


async def palette_choose(pilot: AppPilot, query: str) -> None:
    app = swarm_app_of(pilot)
    await pilot.press("ctrl+p")
    await wait_screen(pilot, CommandPalette, "the palette")
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

    await wait_until(pilot, lambda: query in (first_hit() or ""), f"the palette to offer {query}")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen is app.main_screen, "the palette to close")


async def test_palette_jumps_to_a_service() -> None:
    async with on_main() as (app, pilot):
        await pilot.press("1")  # start elsewhere: the jump must move the focus
        await palette_choose(pilot, "service web")
        services = app.main_screen.query_one(ServicesPane)
        tasks = app.main_screen.query_one(TasksPane)
        await wait_until(pilot, lambda: services.has_focus, "the services pane focused")
        assert services.selected_key == WEB_ID
        await wait_until(pilot, lambda: tasks.scope_label == "service web", "web's tasks")
        await wait_until(pilot, lambda: tasks.row_count == 3, "web's 3 current tasks")


async def test_palette_jump_clears_a_filter() -> None:
    async with on_main() as (app, pilot):
        nodes = app.main_screen.query_one(NodesPane)
        await pilot.press("1")
        await type_filter(pilot, "manager")
        await pilot.press("enter")
        await wait_until(pilot, lambda: nodes.row_count == 1, "the filter")
        await palette_choose(pilot, "node worker2")
        await wait_until(pilot, lambda: nodes.selected_key == WORKER2_ID, "worker2 selected")
        assert nodes.has_focus
        assert nodes.filter_text == "" and nodes.row_count == 3


async def test_palette_runs_actions() -> None:
    async with on_main() as (app, pilot):
        await palette_choose(pilot, "Toggle task history")
        tasks = app.main_screen.query_one(TasksPane)
        await wait_until(pilot, lambda: tasks.history and tasks.row_count == 3, "history shown")
        await palette_choose(pilot, "Focus tasks")
        assert tasks.has_focus


# Sort ---------------------------------------------------------------------------------------


class ChangingDemo(ServicesJsonDemo):
    """The tutorial's services of the demo cluster plus services a test adds and changes (the
    demo's own stay fixed)."""

    def __init__(self) -> None:
        super().__init__(TUTORIAL_SERVICES)

    def add_service(self, name: str, running: int, desired: int) -> str:
        data = copy.deepcopy(SERVICES_JSON[0])
        data["ID"] = f"{name.replace('-', '0')}{'0' * 25}"[:25]
        data["Spec"]["Name"] = name
        data["Spec"]["Mode"] = {"Replicated": {"Replicas": desired}}
        self.services_json.append(data)
        self.set_replicas(data["ID"], running, desired)
        return str(data["ID"])

    def set_replicas(self, service_id: str, running: int, desired: int) -> None:
        data = next(s for s in self.services_json if s["ID"] == service_id)
        data["ServiceStatus"] = {"RunningTasks": running, "DesiredTasks": desired}


def shown_names(pane: ResourceTable) -> list[str]:
    return [pane.get_cell(row.value, "name").plain.removesuffix(MARK) for row in pane.rows]


def header_labels(pane: ResourceTable) -> list[str]:
    """The column header as painted (the table's first line)."""
    return pane.render_line(0).text.split()


async def refreshed(pilot: AppPilot, probe: Callable[[], object], what: str) -> None:
    """`r`, then wait until PROBE sees the change on screen."""
    await pilot.press("r")
    await wait_until(pilot, probe, what)
    await pilot.pause()


async def test_sort_keys_step_through_the_columns_and_reverse() -> None:
    demo = ChangingDemo()
    for name, running in (("web10", 1), ("web9", 10), ("Web2", 3)):
        demo.add_service(name, running, 10)
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        services = app.main_screen.query_one(ServicesPane)
        await wait_until(pilot, lambda: services.row_count == 6, "6 services")
        await pilot.press("2")
        # The pane's own order: by name, as bytes (the refresher's order).
        assert shown_names(services) == ["Web2", "helloworld", "monitor", "web", "web10", "web9"]
        assert services.border_title == "[2] Services (6)"

        await pilot.press(">")  # the first sortable column: NAME (IDs are not sortable)
        assert shown_names(services) == ["helloworld", "monitor", "web", "Web2", "web9", "web10"]
        assert services.border_title == "[2] Services (6) ↑NAME"
        assert header_labels(services)[:3] == ["ID", "NAME▲", "MODE"]

        await pilot.press(">")  # MODE: global first; equal modes keep the pane's own order
        assert services.sort == SortOrder("mode")
        assert shown_names(services) == ["monitor", "Web2", "helloworld", "web", "web10", "web9"]
        assert services.border_title == "[2] Services (6) ↑MODE"

        await pilot.press(">")  # REPLICAS, running then desired, as numbers
        # helloworld 2/2, web 2/3, monitor 3/3, web10 1/10, Web2 3/10, web9 10/10
        assert shown_names(services) == ["web10", "helloworld", "web", "monitor", "Web2", "web9"]
        assert services.border_title == "[2] Services (6) ↑REPLICAS"

        await pilot.press("!")
        assert shown_names(services) == ["web9", "Web2", "monitor", "web", "helloworld", "web10"]
        assert services.border_title == "[2] Services (6) ↓REPLICAS"
        assert "REPLICAS▼" in header_labels(services)

        await pilot.press("<", "<")  # back past MODE to NAME, ascending again
        assert services.sort == SortOrder("name")
        await pilot.press("<")  # before the first column: the pane's own order
        assert services.sort is None
        assert shown_names(services) == ["Web2", "helloworld", "monitor", "web", "web10", "web9"]
        assert services.border_title == "[2] Services (6)"
        assert "NAME" in header_labels(services)
        assert not any(mark in "".join(header_labels(services)) for mark in "▲▼")


async def test_sort_keeps_the_cursor_on_its_service_through_resorts_and_refreshes() -> None:
    demo = ChangingDemo()
    async with on_main(demo) as (app, pilot):
        services = app.main_screen.query_one(ServicesPane)
        tasks = app.main_screen.query_one(TasksPane)
        await pilot.press("2", "j", "j")  # web, the last row
        assert services.selected_key == WEB_ID and services.cursor_row == 2
        await wait_until(pilot, lambda: tasks.scope_label == "service web", "web's tasks")

        await pilot.press(">", ">", ">", "!")  # REPLICAS, descending: monitor 3/3 first
        assert shown_names(services) == ["monitor", "web", "helloworld"]
        assert services.selected_key == WEB_ID and services.cursor_row == 1
        assert tasks.scope_label == "service web"  # a resort is no new selection

        # A live change: web converges (3/3), a new service comes first.
        demo.set_replicas(WEB_ID, 3, 3)
        demo.add_service("api", 5, 5)
        await refreshed(pilot, lambda: services.row_count == 4, "the new service")
        assert shown_names(services) == ["api", "monitor", "web", "helloworld"]  # 3/3: stable
        assert services.selected_key == WEB_ID and services.cursor_row == 2
        assert services.border_title == "[2] Services (4) ↓REPLICAS"

        # Web falls behind: it moves to the bottom, the cursor with it.
        demo.set_replicas(WEB_ID, 0, 3)
        await refreshed(pilot, lambda: services.get_row_index(WEB_ID) == 3, "web at the end")
        assert shown_names(services) == ["api", "monitor", "helloworld", "web"]
        assert services.selected_key == WEB_ID and services.cursor_row == 3
        assert tasks.scope_label == "service web"


async def test_sort_and_filter_work_together() -> None:
    demo = ChangingDemo()
    for name in ("web10", "web9", "web2"):
        demo.add_service(name, 1, 1)
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        services = app.main_screen.query_one(ServicesPane)
        await wait_until(pilot, lambda: services.row_count == 6, "6 services")
        await pilot.press("2", ">")
        await type_filter(pilot, "web")
        await wait_until(pilot, lambda: services.row_count == 4, "the web services")
        assert shown_names(services) == ["web", "web2", "web9", "web10"]
        assert services.border_title == "[2] Services (4/6) ↑NAME /web"
        await pilot.press("enter", "!")  # sort while filtered
        assert shown_names(services) == ["web10", "web9", "web2", "web"]
        assert services.border_title == "[2] Services (4/6) ↓NAME /web"

        demo.add_service("web11", 1, 1)  # a live update: filtered, then in its sorted place
        demo.add_service("api", 1, 1)
        await refreshed(pilot, lambda: services.row_count == 5, "web11")
        assert shown_names(services) == ["web11", "web10", "web9", "web2", "web"]

        await pilot.press("slash", "escape")  # no filter: every service, still sorted
        await wait_until(pilot, lambda: services.row_count == 8, "every service")
        assert shown_names(services) == [
            *["web11", "web10", "web9", "web2", "web"],
            *["monitor", "helloworld", "api"],
        ]
        assert services.border_title == "[2] Services (8) ↓NAME"


async def test_each_pane_keeps_its_own_sort() -> None:
    async with on_main() as (app, pilot):
        nodes = app.main_screen.query_one(NodesPane)
        services = app.main_screen.query_one(ServicesPane)
        tasks = app.main_screen.query_one(TasksPane)
        await pilot.press("2", "!")  # services by name, descending
        await pilot.press("1", "!")  # nodes by hostname, descending
        assert [nodes.get_cell(r.value, "hostname").plain for r in nodes.rows] == [
            "worker2",
            "worker1",
            "manager1",
        ]
        assert nodes.border_title == "[1] Nodes (3) ↓HOSTNAME"
        assert services.sort == SortOrder("name", descending=True)
        assert tasks.sort is None
        await pilot.press("2", "g")  # web, now the first service: its tasks...
        await wait_until(pilot, lambda: tasks.scope_label == "service web", "web's tasks")
        await pilot.press("3", *[">"] * 5, "a")  # ...by CURRENT STATE, with history
        await wait_until(pilot, lambda: tasks.row_count == 7, "web's task history")
        assert tasks.sort == SortOrder("current")
        assert tasks.border_title == "[3] Tasks (7) ↑CURRENT STATE of service web +history"
        states = [str(tasks.get_cell(r.value, "current")) for r in tasks.rows]
        assert states == [
            "Failed 3 minutes ago !",  # marked: `w` explains it
            "Pending 1 minute ago",
            "Running 20 minutes ago",
            "Running 20 minutes ago",
            "Shutdown 20 minutes ago",  # 20.5 minutes: before the 20
            "Shutdown 20 minutes ago",
            "Shutdown 4 minutes ago",  # as time, "4 minutes" after "20 minutes"
        ]
        refresher = app.session.refresher
        assert refresher is not None
        before = refresher.last_success
        await pilot.press("r")  # the sorts survive a refresh
        await wait_until(pilot, lambda: refresher.last_success != before, "a refresh")
        assert nodes.sort == SortOrder("hostname", descending=True)
        assert services.sort == SortOrder("name", descending=True)
        assert [str(tasks.get_cell(r.value, "current")) for r in tasks.rows] == states


async def test_sort_values_are_computed_only_when_sorted_rows_change() -> None:
    async with on_main(ChangingDemo()) as (app, pilot):
        screen = app.main_screen
        services = screen.query_one(ServicesPane)
        snapshot = screen.snapshot
        assert snapshot is not None
        calls: list[str] = []

        def values(column: str) -> Mapping[str, SortKey] | None:
            calls.append(column)
            return services.sort_values_from(snapshot, column)

        rows = services.rows_from(snapshot, DEMO_NOW)
        services.show_rows(list(rows), values)  # no sort: nothing computed
        assert calls == []
        await pilot.press("2", ">", ">", ">")  # REPLICAS: a real-value column
        assert calls == ["name", "mode", "replicas"]
        services.show_rows(list(rows), values)  # the same rows again: the same order kept
        assert calls == ["name", "mode", "replicas"]
        assert shown_names(services) == ["helloworld", "web", "monitor"]
        changed = [(k, (*cells[:3], "9/9", *cells[4:])) for k, cells in rows]
        changed[0] = (changed[0][0], (*rows[0][1][:3], "0/9", *rows[0][1][4:]))
        services.show_rows(changed, values)  # changed rows: sorted again
        assert calls == ["name", "mode", "replicas", "replicas"]


async def test_remapped_sort_keys() -> None:
    keys = {"sort_next_column": "f6", "sort_reverse": "f7"}
    async with on_main(config=Config(keys=keys)) as (app, pilot):
        services = app.main_screen.query_one(ServicesPane)
        await pilot.press("2", ">")
        assert services.sort is None
        await pilot.press("f6", "f7")
        assert services.sort == SortOrder("name", descending=True)
