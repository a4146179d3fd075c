"""`?` on modal screens (which cut the app's bindings off): the help, its cursor on the
screen's own keys; with an Input focused, `?` is typed into it and F1 (in the footer) opens
the help."""

from __future__ import annotations

from helpers.demo_app import running_demo
from helpers.pilot import wait_screen, wait_until
from textual.widgets import DataTable, Input

from swarmtui.ui.modals.operation_modal import ScaleModal
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.widgets.key_footer import KeyFooter


async def test_question_mark_on_the_join_screen_opens_its_help() -> None:
    async with running_demo() as (_app, pilot):
        await pilot.press("T")
        await wait_screen(pilot, JoinTokensScreen, "the join screen")
        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, HelpScreen, "the help")
        table = help_screen.query_one(DataTable)
        row = table.get_row_at(table.cursor_row)
        assert str(row[0]) == "join"
        await pilot.press("escape")
        await wait_screen(pilot, JoinTokensScreen, "the join screen again")


async def test_question_mark_in_an_input_is_typed() -> None:
    async with running_demo() as (app, pilot):
        await pilot.press("2", "s")
        modal = await wait_screen(pilot, ScaleModal, "the scale modal")
        field = modal.query_one(Input)
        await pilot.press("ctrl+u", "question_mark")
        await wait_until(pilot, lambda: field.value == "?", "the ? in the field")
        assert isinstance(app.screen, ScaleModal)


async def test_f1_in_a_form_opens_the_help_and_the_footer_says_so() -> None:
    async with running_demo() as (app, pilot):
        await pilot.press("2", "c")
        form = await wait_screen(pilot, CreateServiceScreen, "the form")
        assert isinstance(app.focused, Input)
        footer = form.query_one(KeyFooter)

        def keys() -> list[tuple[str, str]]:
            return [(key.key_display, key.description) for key in footer.keys]

        await wait_until(pilot, lambda: ("f1", "Help") in keys(), "f1 Help in the footer")
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, HelpScreen, "the help")
        table = help_screen.query_one(DataTable)
        assert str(table.get_row_at(table.cursor_row)[0]) == "create"  # the form's own keys
        await pilot.press("escape")
        await wait_screen(pilot, CreateServiceScreen, "the form again")
