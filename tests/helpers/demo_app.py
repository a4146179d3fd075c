"""The console on the deterministic demo cluster, and waits for what it paints.

Shared by the snapshot tests and the Pilot tests that need no real swarm. Every wait polls
with a deadline; none relies on a fixed sleep being long enough.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.widgets import Input

from helpers.pilot import AppPilot, fill, header_text, running, wait_screen, wait_until
from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError
from swarmtui.core.mapping import service_from_json
from swarmtui.core.models import Service
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.demo.usage import demo_connect
from swarmtui.machines.service import MachineService
from swarmtui.nodes.routes import NodeAccess
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.widgets.cluster_header import LIVE
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, TasksPane

DEMO_ENDPOINT = "tcp://127.0.0.1:2375"

RunBefore = Callable[[AppPilot], Awaitable[None]]
SnapCompare = Callable[..., bool]
# The two terminal sizes every snapshot is taken at.
SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]


def demo_app(
    backend: DemoBackend | None = None,
    *,
    config: Config | None = None,
    startup_error: BackendError | None = None,
    machines: MachineService | None = None,
) -> SwarmTuiApp:
    """The console on BACKEND (the healthy demo cluster by default), its clock frozen."""
    demo = backend if backend is not None else DemoBackend()

    def connect() -> ClusterBackend:
        return demo

    session = Session(
        connect,
        config or Config(path=None),
        endpoint_label=DEMO_ENDPOINT,
        clock=lambda: DEMO_NOW,
        startup_error=startup_error,
        machines=machines,
    )
    # Every demo node is "reached" through the demo's deterministic usage figures.
    session.enable_node_access(NodeAccess(None), demo_connect)
    return SwarmTuiApp(session)


@asynccontextmanager
async def running_demo(
    backend: DemoBackend | None = None,
    *,
    read_only: bool = False,
    machines: MachineService | None = None,
) -> AsyncIterator[tuple[SwarmTuiApp, AppPilot]]:
    """The demo console running headless, its main screen painted."""
    app = demo_app(backend, config=Config(path=None, read_only=read_only), machines=machines)
    async with running(app, ready=wait_main) as pilot:
        yield app, pilot


def swarm_app_of(pilot: AppPilot) -> SwarmTuiApp:
    app = pilot.app
    assert isinstance(app, SwarmTuiApp)
    return app


def main_painted(app: SwarmTuiApp, tasks: int = 2) -> bool:
    """The demo's first screenful is complete: every pane filled, header live, events on."""
    main = app.main_screen
    snapshot = main.snapshot
    if app.screen is not main or snapshot is None:
        return False
    tasks_pane = main.query_one(TasksPane)
    header = header_text(app)
    return (
        main.query_one(NodesPane).row_count == 3
        and main.query_one(ServicesPane).row_count == len(snapshot.services) > 0
        and tasks_pane.row_count == tasks
        and bool(tasks_pane.scope_label)
        and f"● {LIVE}" in header
        and "reconnecting" not in header
    )


async def wait_main(pilot: AppPilot, tasks: int = 2) -> None:
    app = swarm_app_of(pilot)
    await wait_until(pilot, lambda: main_painted(app, tasks), "the main screen to be painted")
    await settle(pilot)


async def refreshed(pilot: AppPilot) -> None:
    """`r`, then wait until the session has fetched everything again and the screen had a
    turn to show it."""
    refresher = swarm_app_of(pilot).session.refresher
    assert refresher is not None
    before = refresher.last_success
    await pilot.press("r")
    await wait_until(pilot, lambda: refresher.last_success != before, "a refresh")
    await pilot.pause()


async def settle(pilot: AppPilot) -> None:
    """Stop text cursors from blinking, then let pending layout and repaints finish."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def open_machines(pilot: AppPilot) -> MachinesScreen:
    """M on the main screen; wait for the machines view to have loaded."""
    app = swarm_app_of(pilot)
    await pilot.press("M")

    def loaded() -> MachinesScreen | None:
        screen = app.screen
        return screen if isinstance(screen, MachinesScreen) and screen.loaded else None

    return await wait_until(pilot, loaded, "the machines view")


async def open_machine_dialog(pilot: AppPilot, **values: str) -> CreateMachineDialog:
    """`c` in the machines view, then VALUES set field by field (driver first)."""
    await open_machines(pilot)
    await pilot.press("c")
    dialog = await wait_screen(pilot, CreateMachineDialog, "the dialog")
    for name, value in values.items():
        fill(dialog, **{name: value})
        await pilot.pause()
    return dialog


async def sample_usage(pilot: AppPilot, rounds: int = 1) -> None:
    """ROUNDS of the usage sampler driven by the test, not by its thread (set
    `session.usage.background = False` first): the figures are the demo's n-th ones,
    whatever the machine's speed."""
    usage = swarm_app_of(pilot).session.usage
    for _ in range(rounds):
        await asyncio.to_thread(usage.sample)
        await pilot.pause()
    await settle(pilot)


class ServicesJsonDemo(DemoBackend):
    """The demo cluster serving its services from engine JSON a test may change."""

    def __init__(self, services_json: Sequence[dict[str, Any]]) -> None:
        super().__init__()
        self.services_json: list[dict[str, Any]] = copy.deepcopy(list(services_json))

    def services(self) -> list[Service]:
        self._hit()
        return [service_from_json(s) for s in self.services_json]
