"""Typing in a text field repaints the field only: no layout of the whole screen per key
(Input's own virtual size change asked for one), and a text wider than the field still
scrolls to keep the cursor in view."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.demo_app import running_demo
from helpers.pilot import wait_screen
from textual.screen import Screen
from textual.widgets import Input

from swarmtui.ui.screens.create_service_screen import CreateServiceScreen

PREFIX = "registry.example.internal:5000/" + "team/" * 25  # wider than the field
TYPED = "image:1.2.3-rc4"


async def test_typing_in_a_form_field_lays_nothing_out(monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_demo() as (_app, pilot):
        await pilot.press("2", "c")
        screen = await wait_screen(pilot, CreateServiceScreen, "the form")
        await pilot.pause()
        layouts: list[Screen[Any]] = []
        original = Screen._refresh_layout

        def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
            if self is screen:
                layouts.append(self)
            original(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        field = screen.query_one("#field-image", Input)
        field.value = PREFIX
        await pilot.press("end", *TYPED)
        await pilot.pause()
        assert field.value == PREFIX + TYPED
        assert field.cursor_position == len(field.value)
        assert field.scroll_x > 0, "the field scrolled to its cursor"
        # The preview growing a line may lay out now and then; a layout per key (there was
        # one for each of the 16 keys) may not.
        assert len(layouts) <= 2
