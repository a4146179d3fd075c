"""SVG snapshots of the main screen with NO_COLOR set (Textual then paints in greys): every
state still reads, as a word (Ready, Drain, Leader, Running, Failed, ...), at 120x40 and 80x24.
"""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, wait_main
from helpers.pilot import AppPilot


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is built


@pytest.mark.parametrize("size", SIZES)
def test_main_no_color(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """The main screen: nodes (Ready, Active, Drain, Leader) and helloworld's tasks."""
    app = demo_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=size, run_before=wait_main)


@pytest.mark.parametrize("size", SIZES)
def test_task_history_no_color(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`3` then `a`: helloworld's task history, with its failed task."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("3", "a")
        await wait_main(pilot, tasks=3)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)
