"""SVG snapshots of the stack deploy and removal screens on the demo cluster at 120x40 and
80x24. Regenerate
after an intended change with `pytest tests/snapshots/test_snapshots_stacks.py
--snapshot-update` and look at every SVG."""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, settle, swarm_app_of, wait_main
from helpers.pilot import AppPilot, static_text, wait_screen, wait_until

from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.modals.stack_deploy_modal import StackDeployModal
from swarmtui.ui.widgets.panes import StacksPane

# Relative to the repository, where the tests run: the same text on every machine.
STACK_FILE = "tests/data/stacks/corpus/wordpress/docker-stack.yml"


@pytest.mark.parametrize("size", SIZES)
def test_deploy_dialog_filled(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """The file read and checked, the command on show, before enter."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        app.main_screen.action_deploy_stack()
        await wait_screen(pilot, StackDeployModal, "the deploy dialog")
        await pilot.press(*STACK_FILE, "tab", *"blog")
        await wait_until(pilot, lambda: "blog" in static_text(app, "#modal-command"), "the command")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_remove_stack_confirmation(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`x` on the shop stack: what goes is named, Cancel has the focus."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        await pilot.press("4")
        app.main_screen.query_one(StacksPane).show_cursor_on("shop")
        await pilot.press("x")
        await wait_screen(pilot, ConfirmModal, "the confirmation")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)
