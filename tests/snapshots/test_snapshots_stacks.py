"""SVG snapshots of the stacks view on the demo cluster, at 120x40 and at 80x24.

Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots_stacks.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, settle, swarm_app_of, wait_main
from helpers.pilot import AppPilot, wait_until

from swarmtui.ui.widgets.panes import ServicesPane, StacksPane, TasksPane


async def stacks_shown(pilot: AppPilot) -> None:
    await wait_main(pilot)
    await pilot.press("4")
    stacks = swarm_app_of(pilot).main_screen.query_one(StacksPane)
    await wait_until(pilot, lambda: stacks.has_focus and stacks.row_count == 3, "the stacks")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_stacks_view(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`4`: the stacks in place of the nodes, `monitoring` selected; every service beside."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=stacks_shown)


@pytest.mark.parametrize("size", SIZES)
def test_stack_drilled_down(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`4`, `j`, `enter`: the services of the stack `shop`, the tasks of shop_db below."""

    async def run(pilot: AppPilot) -> None:
        await stacks_shown(pilot)
        await pilot.press("j", "enter")
        main = swarm_app_of(pilot).main_screen
        services, tasks = main.query_one(ServicesPane), main.query_one(TasksPane)

        def drilled() -> bool:
            return (
                services.has_focus
                and services.stack == "shop"
                and tasks.scope_label == "service shop_db"
                and tasks.row_count == 1
            )

        await wait_until(pilot, drilled, "shop's services and shop_db's task")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)
