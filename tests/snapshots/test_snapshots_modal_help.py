"""`?` on a form: the keys, the cursor on the form's own (a modal screen cuts the app's `?`
off, so each modal binds it). The network form, its driver Select focused, at 80x24.
Regenerate after an intended change with `--snapshot-update`."""

from __future__ import annotations

from helpers.demo_app import SnapCompare, demo_app, settle, wait_main
from helpers.pilot import AppPilot, wait_screen

from swarmtui.ui.modals.object_modals import NetworkModal
from swarmtui.ui.screens.help_screen import HelpScreen


def test_help_on_the_network_form(snap_compare: SnapCompare) -> None:
    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("7", "c")
        await wait_screen(pilot, NetworkModal, "the network form")
        await pilot.press("tab", "question_mark")
        await wait_screen(pilot, HelpScreen, "the help")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run)
