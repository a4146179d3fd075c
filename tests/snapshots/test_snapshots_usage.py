"""Live usage on the demo cluster: the panes with their usage columns and the top view, after
a fixed number of sampling rounds (driven by the test, so the figures never vary)."""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, sample_usage, swarm_app_of, wait_main
from helpers.pilot import AppPilot, wait_screen

from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.top_screen import TopScreen

TOP_ROUNDS = 40  # 80 s of history: the sparklines show the demo's slow swell


def manual_demo() -> SwarmTuiApp:
    app = demo_app()
    app.session.usage.background = False
    return app


@pytest.mark.parametrize("size", SIZES)
def test_main_with_usage(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`U`: CPU % and MEM of helloworld's tasks, each node's tasks, CPU and memory."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("U")
        await sample_usage(pilot, 2)

    assert snap_compare(manual_demo(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_top(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`t`: the swarm's ten running tasks by CPU, their history; the top one's charts."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("t")
        await wait_screen(pilot, TopScreen)
        await sample_usage(pilot, TOP_ROUNDS)
        screen = swarm_app_of(pilot).screen
        assert isinstance(screen, TopScreen) and screen.selected_task_id is not None

    assert snap_compare(manual_demo(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_top_by_memory(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`s` in the top view: by memory."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("t")
        await wait_screen(pilot, TopScreen)
        await sample_usage(pilot, 3)
        await pilot.press("s")
        await sample_usage(pilot, 0)

    assert snap_compare(manual_demo(), terminal_size=size, run_before=run)
