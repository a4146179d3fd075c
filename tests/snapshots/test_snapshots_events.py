"""The events view and the context picker on the demo cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.contexts import switchable_demo_app, use_docker_config
from helpers.demo_app import SIZES, SnapCompare, demo_app, settle, swarm_app_of, wait_main
from helpers.pilot import AppPilot, wait_screen, wait_until

from swarmtui.demo.cluster import SERVICES_JSON
from swarmtui.ui.screens.contexts_screen import ContextsScreen
from swarmtui.ui.screens.events_screen import EventsScreen


async def open_events(pilot: AppPilot, rows: int) -> EventsScreen:
    await pilot.press("V")
    screen = await wait_screen(pilot, EventsScreen)
    await wait_until(pilot, lambda: len(screen.rows) == rows, f"{rows} events")
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_events(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`V` then `x`: every event the demo engine held, newest first, what each changed."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await open_events(pilot, 1)  # helloworld is selected: its creation
        await pilot.press("x")
        screen = pilot.app.screen
        assert isinstance(screen, EventsScreen)
        await wait_until(pilot, lambda: len(screen.rows) == 10, "every event")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_events_of_a_service_filtered(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`V` on web, then `/replicas`: web's scale, the filter bar open."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        swarm_app_of(pilot).main_screen.select_object("services", SERVICES_JSON[1]["ID"])
        await open_events(pilot, 3)
        await pilot.press("slash", *"replicas")
        screen = pilot.app.screen
        assert isinstance(screen, EventsScreen)
        await wait_until(pilot, lambda: len(screen.rows) == 1, "the scale")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_contexts(
    snap_compare: SnapCompare,
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`C`: the docker contexts (staging current), the config host in use."""
    contexts = {"staging": "tcp://10.0.0.7:2375", "prod": "ssh://admin@10.0.0.8"}
    use_docker_config(monkeypatch, tmp_path, contexts, current="staging")

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("C")
        screen = await wait_screen(pilot, ContextsScreen)
        await wait_until(pilot, lambda: len(screen.choices) == 4, "the contexts")
        await settle(pilot)

    app, _ = switchable_demo_app()
    assert snap_compare(app, terminal_size=size, run_before=run)
