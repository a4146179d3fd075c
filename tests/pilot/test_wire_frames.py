"""The wire filter on real frames: what Textual writes for the demo console (its first paint,
moving the cursor, scaling a service, the help screen, a filter typed), and what swarmtui
sends instead, leave the same screen after every frame, in far fewer bytes."""

from __future__ import annotations

from typing import Any

from helpers.demo_app import ServicesJsonDemo, demo_app, refreshed, settle, wait_main
from helpers.emulated_terminal import Terminal
from helpers.pilot import AppPilot, running, wait_screen
from rich.control import Control
from textual._compositor import CompositorUpdate

from swarmtui.demo.cluster import SERVICES_JSON
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.wire.wire_filter import WireFilter

SIZE = (120, 40)


class ScalingDemo(ServicesJsonDemo):
    """The demo cluster, with the replica counts of its first service changeable."""

    def __init__(self) -> None:
        super().__init__(SERVICES_JSON)

    def scale_first(self, running: int, desired: int) -> None:
        self.services_json[0]["ServiceStatus"] = {"RunningTasks": running, "DesiredTasks": desired}


def record_frames(app: Any, frames: list[str]) -> None:
    """Each frame the headless APP would have written to a terminal, as Textual's terminal
    display renders it (the headless driver writes nothing)."""
    display = app._display

    def recording(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            cursor = screen.outer_size.clamp_offset(app.cursor_position)
            frame = renderable.render_segments(app.console)
            frames.append(frame + Control.move_to(*cursor).segment.text)
        display(screen, renderable)

    app._display = recording


async def step(pilot: AppPilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_demo_frames_leave_the_same_screen_in_fewer_bytes() -> None:
    backend = ScalingDemo()
    app = demo_app(backend)
    frames: list[str] = []
    record_frames(app, frames)
    async with running(app, ready=wait_main, size=SIZE) as pilot:
        await step(pilot, "down", "down", "2", "down")
        backend.scale_first(running=2, desired=7)
        await refreshed(pilot)
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)
        await settle(pilot)
        await pilot.press("escape")
        await wait_screen(pilot, MainScreen)
        await step(pilot, "slash", "w", "e", "b", "enter")
    assert len(frames) > 10

    raw, sent = Terminal(*SIZE), Terminal(*SIZE)
    wire = WireFilter()
    written = sending = 0
    scaled_shown = False
    for index, frame in enumerate(frames):
        rewritten = wire.rewrite(frame, SIZE)
        raw.feed(frame)
        sent.feed(rewritten)
        written, sending = written + len(frame.encode()), sending + len(rewritten.encode())
        assert sent.state() == raw.state(), f"frame {index}:\n{raw.text()}\n\n{sent.text()}"
        scaled_shown = scaled_shown or "2/7" in sent.text()
    assert scaled_shown
    assert "web" in sent.text()
    print(f"{len(frames)} frames: {written} bytes written by Textual, {sending} sent")
    assert sending < written / 3
