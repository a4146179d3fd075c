"""The console on the deterministic demo cluster, and waits for what it paints.

Shared by the snapshot tests and the Pilot tests that need no real swarm. Every wait polls
with a deadline; none relies on a fixed sleep being long enough.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input

from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.widgets.cluster_header import LIVE, ClusterHeader
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, TasksPane

DEMO_ENDPOINT = "tcp://127.0.0.1:2375"
WAIT_TIMEOUT = 20.0

AppPilot = Pilot[None]
RunBefore = Callable[[AppPilot], Awaitable[None]]


def demo_app(
    backend: DemoBackend | None = None,
    *,
    config: Config | None = None,
    startup_error: BackendError | None = None,
) -> SwarmTuiApp:
    """The console on BACKEND (the healthy demo cluster by default), its clock frozen."""
    demo = backend if backend is not None else DemoBackend()

    def connect() -> ClusterBackend:
        return demo

    return SwarmTuiApp(
        Session(
            connect,
            config or Config(path=None),
            endpoint_label=DEMO_ENDPOINT,
            clock=lambda: DEMO_NOW,
            startup_error=startup_error,
        )
    )


def swarm_app_of(pilot: AppPilot) -> SwarmTuiApp:
    app = pilot.app
    assert isinstance(app, SwarmTuiApp)
    return app


async def wait_for(
    pilot: AppPilot, probe: Callable[[], object], what: str, timeout: float = WAIT_TIMEOUT
) -> None:
    """Let the app run until PROBE returns something truthy."""
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.02)


def header_text(app: SwarmTuiApp) -> str:
    content = app.main_screen.query_one(ClusterHeader).content
    return content.plain if isinstance(content, Text) else str(content)


def main_painted(app: SwarmTuiApp, tasks: int = 2) -> bool:
    """The demo's first screenful is complete: every pane filled, header live, events on."""
    main = app.main_screen
    if app.screen is not main or main.snapshot is None:
        return False
    tasks_pane = main.query_one(TasksPane)
    header = header_text(app)
    return (
        main.query_one(NodesPane).row_count == 3
        and main.query_one(ServicesPane).row_count == 3
        and tasks_pane.row_count == tasks
        and bool(tasks_pane.scope_label)
        and f"● {LIVE}" in header
        and "reconnecting" not in header
    )


async def wait_main(pilot: AppPilot, tasks: int = 2) -> None:
    app = swarm_app_of(pilot)
    await wait_for(pilot, lambda: main_painted(app, tasks), "the main screen to be painted")
    await settle(pilot)


async def settle(pilot: AppPilot) -> None:
    """Stop text cursors from blinking, then let pending layout and repaints finish."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
