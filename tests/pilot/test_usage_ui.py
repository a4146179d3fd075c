"""Live usage on the demo cluster: `U` toggles the columns, `>`/`<` sort by them, `t` opens the
top view, and nothing is sampled while no usage is on screen."""

from __future__ import annotations

from unittest.mock import patch

from helpers.demo_app import running_demo, sample_usage, settle
from helpers.pilot import AppPilot, wait_screen, wait_until
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from swarmtui.demo.cluster import NODES_JSON
from swarmtui.display.usage import PENDING
from swarmtui.session.usage_sampler import UsageSampler
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.top_screen import TopScreen
from swarmtui.ui.widgets.panes import NodesPane, TasksPane

WORKER1 = NODES_JSON[1]["ID"]


def labels(pane: NodesPane | TasksPane) -> list[str]:
    return [c.label for c in pane.COLUMNS]


def column(pane: NodesPane | TasksPane, key: str) -> list[str]:
    """The cells of column KEY, top to bottom."""
    position = next(i for i, c in enumerate(pane.COLUMNS) if c.key == key)
    return [pane.get_row_at(i)[position].plain for i in range(pane.row_count)]


def manual(app: SwarmTuiApp) -> None:
    app.session.usage.background = False


async def usage_shown(pilot: AppPilot, app: SwarmTuiApp) -> UsageSampler:
    """`U` with the sampler in manual mode, the screen settled: the sampler."""
    manual(app)
    await pilot.press("U")
    await settle(pilot)
    return app.session.usage


async def test_usage_columns_are_off_by_default_and_nothing_is_sampled() -> None:
    async with running_demo() as (app, pilot):
        tasks = app.main_screen.query_one(TasksPane)
        assert "CPU %" not in labels(tasks)
        await pilot.pause(0.3)
        usage = app.session.usage
        assert usage.demand.empty and not usage.running and usage.counts.rounds == 0


async def test_u_shows_and_hides_the_usage_columns() -> None:
    async with running_demo() as (app, pilot):
        main = app.main_screen
        tasks, nodes = main.query_one(TasksPane), main.query_one(NodesPane)
        await pilot.press("U")
        assert labels(tasks)[:4] == ["ID", "NAME", "CPU %", "MEM"]
        assert labels(nodes)[:5] == ["ID", "HOSTNAME", "TASKS", "CPU %", "MEM"]
        usage = app.session.usage
        # The sampler's own thread, at its own pace: the figures come within a round or two.
        await wait_until(
            pilot,
            lambda: all(c.endswith("%") for c in column(tasks, "cpu")),
            "CPU figures for the two helloworld tasks",
        )
        assert all("MiB / 24GiB" in cell for cell in column(tasks, "memory"))
        await wait_until(
            pilot, lambda: column(nodes, "tasks_running") == ["2", "5", "3"], "node totals"
        )
        assert usage.running
        await pilot.press("U")
        assert "CPU %" not in labels(tasks) and "TASKS" not in labels(nodes)
        await wait_until(pilot, lambda: not usage.running, "the sampler to stop")
        rounds = usage.counts.rounds
        await pilot.pause(2.5)
        assert usage.counts.rounds == rounds


async def test_only_the_rows_in_view_are_asked_for() -> None:
    async with running_demo() as (app, pilot):
        demand = (await usage_shown(pilot, app)).demand
        assert {t.service_id for t in demand.tasks} == {"h3ll0w0rld000000000000001"}
        assert len(demand.tasks) == 2
        assert demand.node_ids == {n["ID"] for n in NODES_JSON}  # the nodes pane's totals
        assert not demand.whole_swarm


async def test_tasks_sort_by_cpu_and_memory() -> None:
    async with running_demo() as (app, pilot):
        manual(app)
        main = app.main_screen
        tasks = main.query_one(TasksPane)
        await pilot.press("U", "1")
        nodes = main.query_one(NodesPane)
        nodes.move_cursor(nodes.get_row_index(WORKER1))  # worker1's five tasks below
        await wait_until(pilot, lambda: tasks.row_count == 5, "worker1's tasks")
        await sample_usage(pilot, 2)
        await pilot.press("3", ">", ">", ">", "!")  # NAME, CPU %, MEM, then descending
        assert tasks.sort is not None and (tasks.sort.column, tasks.sort.descending) == (
            "memory",
            True,
        )
        report = app.session.usage.last_report
        assert report is not None
        keys = [r.value for r in tasks.rows]
        memory = [report.tasks[k].memory_used for k in keys]
        assert memory == sorted(memory, reverse=True)
        await pilot.press("<")  # CPU %, ascending
        keys = [r.value for r in tasks.rows]
        cpu = [report.tasks[k].cpu_percent for k in keys]
        assert None not in cpu and cpu == sorted(cpu)  # type: ignore[type-var]
        assert "CPU %" in (tasks.border_title or "")


async def test_nodes_sort_by_their_totals() -> None:
    async with running_demo() as (app, pilot):
        manual(app)
        nodes = app.main_screen.query_one(NodesPane)
        await pilot.press("U")
        await sample_usage(pilot)
        await pilot.press("1", ">", ">", "!")  # HOSTNAME, TASKS, descending
        assert column(nodes, "hostname") == ["worker1", "worker2", "manager1"]


async def test_usage_stops_while_another_screen_covers_the_panes() -> None:
    async with running_demo() as (app, pilot):
        usage = await usage_shown(pilot, app)
        assert not usage.demand.empty
        await pilot.press("J")
        await wait_screen(pilot, JournalScreen)
        await wait_until(pilot, lambda: usage.demand.empty, "the demand withdrawn")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not usage.demand.empty, "the demand back")


async def test_the_top_view_lists_the_swarm_by_cpu_then_memory_in_place() -> None:
    async with running_demo() as (app, pilot):
        manual(app)
        await pilot.press("t")
        top = await wait_screen(pilot, TopScreen)
        assert app.session.usage.demand.whole_swarm
        table: DataTable[object] = top.query_one("#top-table", DataTable)
        with patch.object(table, "add_row", wraps=table.add_row) as add_row:
            await sample_usage(pilot, 3)
        report = app.session.usage.last_report
        assert report is not None
        running = [t for t in report.running if t.state == "running"]
        assert table.row_count == len(running) == 10
        assert add_row.call_count == 10  # three rounds: each row added once, then updated

        def order() -> list[str]:
            return [
                str(table.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value) for i in range(10)
            ]

        cpu = [report.tasks[k].cpu_percent or 0.0 for k in order()]
        assert cpu == sorted(cpu, reverse=True)
        selected = top.selected_task_id
        await pilot.press("s")
        memory = [report.tasks[k].memory_used for k in order()]
        assert memory == sorted(memory, reverse=True)
        assert top.selected_task_id == selected  # the cursor stays on its task
        assert report.tasks[order()[0]].task_id.startswith("13")  # shop_db: 412 MiB
        history = report.tasks[order()[0]].cpu_history
        assert len(history) == 3 and PENDING not in str(history)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        assert app.session.usage.demand.empty


async def test_usage_goes_on_under_a_modal() -> None:
    async with running_demo() as (app, pilot):
        usage = await usage_shown(pilot, app)
        wanted = usage.demand
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)
        await pilot.pause(1.5)  # the view check runs every second
        assert usage.demand == wanted
