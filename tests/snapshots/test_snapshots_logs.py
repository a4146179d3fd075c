"""SVG snapshots of the live log view on the demo cluster, at 120x40 and at 80x24.

The demo backend serves fixed lines (timestamps relative to the frozen DEMO_NOW); each
`run_before` waits until every line is in and the status line says so.
Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots_logs.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, settle, swarm_app_of, wait_main
from helpers.pilot import AppPilot, wait_until

from swarmtui.ui.screens.log_screen import LogScreen

HELLOWORLD_LINES = 90  # 30 per task: two running, one failed (the demo's fixed lines)


async def logs_ready(pilot: AppPilot, lines: int, state: str = "following") -> LogScreen:
    app = swarm_app_of(pilot)

    def ready() -> bool:
        screen = app.screen
        return (
            isinstance(screen, LogScreen)
            and screen.state == state
            and len(screen.view.model.buffer) == lines
            and f"{lines} lines" in screen._status
        )

    await wait_until(pilot, ready, f"{lines} lines, {state}")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LogScreen)
    return screen


async def service_logs(pilot: AppPilot) -> LogScreen:
    """`2` (services pane, helloworld selected) then `L`."""
    await wait_main(pilot)
    await pilot.press("2", "L")
    return await logs_ready(pilot, HELLOWORLD_LINES)


async def quiet(pilot: AppPilot) -> None:
    """No toasts in the picture."""
    pilot.app.clear_notifications()
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_logs_of_a_service(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """All tasks of helloworld merged by time, prefixed and coloured per task, following."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=service_logs)


@pytest.mark.parametrize("size", SIZES)
def test_logs_of_a_failed_task(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`3` `a` (history), the failed task picked with the filter, `L`: its last lines."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("3", "a")
        await wait_main(pilot, tasks=3)
        await pilot.press("slash", *"failed", "enter", "L")
        await logs_ready(pilot, 30, state="complete")

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_logs_search(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """Timestamps on, `/seq=2` enter: matches highlighted, the newest one under the cursor
    with the lines around it in view."""

    async def run(pilot: AppPilot) -> None:
        screen = await service_logs(pilot)
        await pilot.press("t", "slash", *"seq=2", "enter")
        await wait_until(pilot, lambda: screen.view.model.paused, "the jump to a match")
        await quiet(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_logs_filter_narrowed(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`/ping` enter, `F`: only the matching lines; `T`: only those of the first task."""

    async def run(pilot: AppPilot) -> None:
        screen = await service_logs(pilot)
        await pilot.press("slash", *"ping", "enter", "F", "T")
        await wait_until(pilot, lambda: screen.view.model.narrow is not None, "the narrowing")
        await quiet(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_logs_wrapped_with_selection(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """Timestamps and wrap on; `v` and two lines up: a selection of three lines to copy."""

    async def run(pilot: AppPilot) -> None:
        screen = await service_logs(pilot)
        await pilot.press("t", "w", "v", "up", "up")
        await wait_until(
            pilot, lambda: len(screen.view.model.selected_lines()) == 3, "the selection"
        )
        await quiet(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)
