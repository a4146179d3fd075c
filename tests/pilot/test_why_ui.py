"""Pilot tests of "why is this task not running?" on the demo: `w` on a failed and on a
pending task, the explanation at the top of a failed task's inspect view, and the marks
of the tasks and services panes."""

from __future__ import annotations

from helpers.demo_app import running_demo
from helpers.pilot import AppPilot, pane, select_row, text_of, wait_screen, wait_until
from textual.widgets import Static

from swarmtui.diagnosis.explanation import Cause
from swarmtui.diagnosis.marks import MARK
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.why_screen import WhyScreen

HELLOWORLD = "h3ll0w0rld000000000000001"
FAILED_HELLOWORLD_2 = "03t4k5q8r2w4z00000000003"
RUNNING_HELLOWORLD_1 = "01t4k5q8r2w4z00000000001"
NODE_EXPORTER = "n0d33xp0rt3r000000000007"
PENDING_EXPORTER = "17t4k5q8r2w4z00000000017"


async def on_failed_task(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """The failed helloworld task selected (task history on)."""
    await select_row(pilot, app, "services", HELLOWORLD, "helloworld")
    await pilot.press("3", "a")
    tasks = pane(app, "tasks")
    await wait_until(pilot, lambda: tasks.row_count == 3, "helloworld's task history")
    await select_row(pilot, app, "tasks", FAILED_HELLOWORLD_2, FAILED_HELLOWORLD_2[:12])


async def explained(pilot: AppPilot) -> WhyScreen:
    screen = await wait_screen(pilot, WhyScreen, "the why view")
    await wait_until(pilot, lambda: screen.diagnosis is not None, "the explanation")
    return screen


async def test_w_on_a_failed_task_explains_the_exit() -> None:
    async with running_demo() as (app, pilot):
        await on_failed_task(pilot, app)
        await pilot.press("w")
        screen = await explained(pilot)
        assert screen.diagnosis is not None and screen.diagnosis.explanation is not None
        assert screen.diagnosis.explanation.cause is Cause.EXITED
        shown = text_of(screen.query_one("#why-text", Static))
        assert "The container exited with code 1 on worker2." in shown
        assert "OOM-killed: no (the node's container state)" in shown
        assert "Last log lines:" in shown and "What to try" in shown
        assert not screen.diagnosis.not_known
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "back to the panes")


async def test_w_on_a_pending_task_explains_the_scheduler() -> None:
    async with running_demo() as (app, pilot):
        await select_row(pilot, app, "services", NODE_EXPORTER, "monitoring_node-exporter")
        await select_row(pilot, app, "tasks", PENDING_EXPORTER, PENDING_EXPORTER[:12])
        await pilot.press("w")
        screen = await explained(pilot)
        assert screen.diagnosis is not None and screen.diagnosis.explanation is not None
        assert screen.diagnosis.explanation.cause is Cause.RESOURCES
        shown = text_of(screen.query_one("#why-text", Static))
        assert "asked 32 GiB" in shown and "worker2" in shown


async def test_the_inspect_view_of_a_failed_task_starts_with_why() -> None:
    async with running_demo() as (app, pilot):
        await on_failed_task(pilot, app)
        await pilot.press("enter")
        screen = await wait_screen(pilot, InspectScreen, "the inspect view")
        body = screen.query_one("#inspect-text", Static)
        await wait_until(
            pilot, lambda: "exited with code 1" in text_of(body), "the explanation on top"
        )
        assert text_of(body).startswith("Why is this task not running?")
        await pilot.press("y")  # the raw JSON is the engine's alone
        await wait_until(pilot, lambda: text_of(body).startswith("{"), "the raw JSON")


async def test_the_panes_mark_what_has_an_explanation() -> None:
    async with running_demo() as (app, pilot):
        await pilot.press("3", "a")  # helloworld's tasks, the first service's
        tasks = pane(app, "tasks")
        await wait_until(pilot, lambda: tasks.row_count == 3, "helloworld's task history")
        states = {key: tasks.get_cell(key, "current").plain for key in tasks.keys_on_screen()}
        assert states[FAILED_HELLOWORLD_2] == "Failed 4 minutes ago" + MARK
        assert not states[RUNNING_HELLOWORLD_1].endswith(MARK)
        services = pane(app, "services")
        marked = {
            services.get_cell(key, "name").plain
            for key in services.keys_on_screen()
            if services.get_cell(key, "replicas").plain.endswith(MARK)
        }
        assert marked == {"monitoring_node-exporter"}  # its update paused; web still rolls
