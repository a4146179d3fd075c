"""The footer follows the terminal's width: at 80 columns it leaves keys out so `? Help`
shows in full; grown back to 120 it shows them all again, on every screen it is on."""

from __future__ import annotations

from helpers.demo_app import demo_app, wait_main
from helpers.pilot import AppPilot, wait_until

from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.widgets.key_footer import KeyFooter


def footer_actions(pilot: AppPilot) -> list[str]:
    footer = pilot.app.screen.query_one(KeyFooter)
    return [key.action for key in footer.keys]


def footer_fits(pilot: AppPilot) -> bool:
    footer = pilot.app.screen.query_one(KeyFooter)
    return footer.keys[-1].end <= footer.size.width + 1  # the last key's right padding may be cut


async def test_the_footer_follows_a_resize() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_main(pilot)
        narrow = footer_actions(pilot)
        assert "help" in narrow and "refresh" not in narrow
        assert footer_fits(pilot)
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: "refresh" in footer_actions(pilot), "all keys back")
        assert {"help", "quit", "command_palette"} <= set(footer_actions(pilot))
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: footer_actions(pilot) == narrow, "the narrow footer")
        assert footer_fits(pilot)


async def test_the_log_view_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_main(pilot)
        await pilot.press("2", "L")
        await wait_until(pilot, lambda: "toggle_pause" in footer_actions(pilot), "the log view")
        await wait_until(pilot, lambda: "help" in footer_actions(pilot), "? Help")
        assert footer_actions(pilot)[:2] == ["close", "toggle_pause"]
        assert footer_fits(pilot)


async def test_a_footer_taken_off_its_screen_ignores_a_late_refresh() -> None:
    """A screen being dismissed can still get its last bindings refresh (the monkey found
    it): the footer, no longer on a screen, must leave it alone instead of failing."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_main(pilot)
        await pilot.press("J")
        await wait_until(pilot, lambda: app.screen is not app.main_screen, "the journal")
        footer = app.screen.query_one(KeyFooter)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        await wait_until(pilot, lambda: not footer.is_attached, "the journal's footer detached")
        footer.update_keys()  # raised NoScreen before
        assert app.is_running and app._exception is None


async def test_the_join_screen_keeps_its_help_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_main(pilot)
        await pilot.press("T")
        await wait_until(pilot, lambda: "reveal" in footer_actions(pilot), "the join screen")
        await wait_until(pilot, lambda: "app.help" in footer_actions(pilot), "? Help")
        assert footer_actions(pilot)[0] == "reveal"
        assert footer_fits(pilot)


async def test_a_click_on_a_footer_key_presses_it() -> None:
    """With the mouse on (`--mouse`), a key in the footer is a button, as in Textual's."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_main(pilot)
        footer = pilot.app.screen.query_one(KeyFooter)
        await wait_until(pilot, lambda: "help" in footer_actions(pilot), "? Help")
        help_key = next(key for key in footer.keys if key.action == "help")
        assert footer.key_at(help_key.start) == help_key and footer.key_at(help_key.end) != help_key
        await pilot.click(KeyFooter, offset=(help_key.start + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
