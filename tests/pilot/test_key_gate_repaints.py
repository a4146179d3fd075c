"""A key holds the screen's repaints only while it is handed through the DOM, and never
longer than PAINT_HOLD: what it changed is painted right after, and a key whose handler
takes long does not keep the screen from painting meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from swarmtui.ui.key_gate import PAINT_HOLD, KeyGate


class GatedApp(App[None]):
    BINDINGS = [Binding("a", "mark", "Mark"), Binding("s", "slow", "Slow")]

    def __init__(self) -> None:
        super().__init__()
        self.key_gate = KeyGate(self, super().on_event)
        self.paints = 0
        self.painted_while_slow = False

    def compose(self) -> ComposeResult:
        yield Static("before", id="label")

    def _display(self, *args: Any) -> None:
        super()._display(*args)
        self.paints += 1

    async def on_event(self, event: events.Event) -> None:
        if not self.key_gate.offer(event):
            await super().on_event(event)

    def action_mark(self) -> None:
        self.query_one("#label", Static).update("after")

    async def action_slow(self) -> None:
        self.query_one("#label", Static).update("slow")
        painted = self.paints
        for _ in range(20):
            await asyncio.sleep(PAINT_HOLD / 2)
            if self.paints > painted:
                self.painted_while_slow = True
                return


async def test_a_key_is_painted_once_handled_and_holds_nothing_after() -> None:
    app = GatedApp()
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        painted = app.paints
        await pilot.press("a")
        await pilot.pause(0.1)
        assert app.paints > painted
        assert app._batch_count == 0
        assert str(app.query_one("#label", Static).render()) == "after"


async def test_a_slow_key_does_not_hold_repaints_past_the_limit() -> None:
    app = GatedApp()
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause(PAINT_HOLD * 12)
        assert app.painted_while_slow
        assert app._batch_count == 0
