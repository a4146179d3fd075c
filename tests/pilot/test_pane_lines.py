"""The panes keep the lines they drew (a focus change draws every line of two panes again,
their rows unchanged): what they keep must be what they would draw afresh, after rows
change, the focus moves, the table scrolls sideways, and the theme changes."""

from __future__ import annotations

from helpers.demo_app import demo_app, settle, wait_main
from helpers.pilot import AppPilot
from textual.geometry import Region

from swarmtui.ui.widgets.panes import ServicesPane, TasksPane
from swarmtui.ui.widgets.virtual_table import VirtualTable


def kept_lines_are_fresh(table: VirtualTable) -> bool:
    """Paint TABLE, then compare every line it keeps with the line drawn anew."""
    width, height = table.size
    table.render_lines(Region(0, 0, width, height))
    return all(table.render_line(y) == table._draw_line(y) for y in range(height))


async def repainted(pilot: AppPilot) -> None:
    await settle(pilot)
    await pilot.pause(0.1)


async def test_kept_lines_follow_rows_focus_scrolling_and_theme() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_main(pilot)
        services = app.screen.query_one(ServicesPane)
        tasks = app.screen.query_one(TasksPane)
        assert kept_lines_are_fresh(services) and kept_lines_are_fresh(tasks)
        before = services.render_line(1)

        rows = list(services._table_rows)
        key, cells = rows[0]
        rows[0] = (key, (cells[0] + "-renamed", *cells[1:]))
        services.set_rows(rows)
        await repainted(pilot)
        assert services.render_line(1) != before
        assert kept_lines_are_fresh(services)

        await pilot.press("3")  # the cursor line of both panes changes style
        await repainted(pilot)
        assert tasks.has_focus
        assert kept_lines_are_fresh(services) and kept_lines_are_fresh(tasks)

        await pilot.press("right", "right")
        await repainted(pilot)
        assert tasks.scroll_offset.x > 0
        assert kept_lines_are_fresh(tasks)

        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await repainted(pilot)
        assert kept_lines_are_fresh(services) and kept_lines_are_fresh(tasks)
