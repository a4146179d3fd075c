"""SVG snapshots of "why is this task not running?" on the demo, at 120x40 and 80x24: `w`
on the failed helloworld task (it exited: code, container state, last log lines) and on
node-exporter's pending task (not enough memory on any node)."""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, settle, swarm_app_of, wait_main
from helpers.pilot import AppPilot, pane, select_row, wait_screen, wait_until

from swarmtui.ui.screens.why_screen import WhyScreen


async def why_shown(pilot: AppPilot) -> None:
    await pilot.press("w")
    screen = await wait_screen(pilot, WhyScreen, "the why view")
    await wait_until(pilot, lambda: screen.diagnosis is not None, "the explanation")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_why_failed_task(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        await pilot.press("3", "a")
        tasks = pane(app, "tasks")
        await wait_until(pilot, lambda: tasks.row_count == 3, "helloworld's task history")
        task_id = "03t4k5q8r2w4z00000000003"
        await select_row(pilot, app, "tasks", task_id, task_id[:12])
        await why_shown(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_why_pending_task(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        exporter = "monitoring_node-exporter"
        await select_row(pilot, app, "services", "n0d33xp0rt3r000000000007", exporter)
        task_id = "17t4k5q8r2w4z00000000017"
        await select_row(pilot, app, "tasks", task_id, task_id[:12])
        await why_shown(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)
