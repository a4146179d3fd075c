"""SVG snapshots of every screen on the demo cluster, at 120x40 and at 80x24.

The demo backend is deterministic and the clock is frozen at DEMO_NOW; each `run_before`
waits until the data is painted, so a snapshot never catches a half-drawn screen.
Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from helpers.demo_app import (
    SIZES,
    RunBefore,
    SnapCompare,
    demo_app,
    settle,
    swarm_app_of,
    wait_main,
)
from helpers.pilot import AppPilot, idle_palette, wait_screen, wait_until
from textual.command import CommandPalette
from textual.widgets import OptionList

from swarmtui.core.endpoints import EndpointError, parse_endpoint_url
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.demo.cluster import DemoBackend
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.widgets.panes import ServicesPane


def check(
    snap_compare: SnapCompare, app: SwarmTuiApp, size: tuple[int, int], run: RunBefore
) -> None:
    assert snap_compare(app, terminal_size=size, run_before=run)


async def inspect_loaded(pilot: AppPilot) -> None:
    app = swarm_app_of(pilot)

    def loaded() -> bool:
        screen = app.screen
        return isinstance(screen, InspectScreen) and screen.data is not None

    await wait_until(pilot, loaded, "the inspect screen to load")
    await settle(pilot)


async def problem_shown(pilot: AppPilot) -> None:
    await wait_screen(pilot, ProblemScreen, "the problem screen")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_main(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """Header, nodes, services and the tasks of the first service (helloworld)."""
    check(snap_compare, demo_app(), size, wait_main)


@pytest.mark.parametrize("size", SIZES)
def test_main_task_history(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`3` then `a`: the tasks pane focused, with the failed task of helloworld."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("3", "a")
        await wait_main(pilot, tasks=3)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_main_services_sorted(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`>` three times then `!`: services by REPLICAS, descending (title and header show it);
    the cursor stays on helloworld, now fourth (after 3/3 and the two 2/3), and so do its
    tasks."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("2", ">", ">", ">", "!")
        services = swarm_app_of(pilot).main_screen.query_one(ServicesPane)
        await wait_until(pilot, lambda: services.cursor_row == 3, "helloworld sorted fourth")
        await wait_main(pilot)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_inspect_service(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`enter` on helloworld: the `docker service inspect --pretty` view."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("enter")
        await inspect_loaded(pilot)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_inspect_service_raw(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`y` in the inspect screen: the raw JSON."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("enter")
        await inspect_loaded(pilot)
        await pilot.press("y")
        app = swarm_app_of(pilot)
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, InspectScreen)
                and app.screen.is_mounted
                and app.screen.raw_mode
            ),
            "raw JSON",
        )
        await settle(pilot)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_inspect_node(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`1` then `enter`: the leader, manager1, inspected."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("1")
        # Focusing the nodes pane scopes the tasks pane to manager1 (3 tasks).
        await wait_main(pilot, tasks=3)
        await pilot.press("enter")
        await inspect_loaded(pilot)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`?`: every binding with its id."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen, "the help screen")
        await settle(pilot)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_command_palette(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`ctrl+p` and `service helloworld`: the service is offered as a jump target."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press("ctrl+p")
        await wait_screen(pilot, CommandPalette, "the palette")
        await settle(pilot)
        await pilot.press(*"service helloworld")
        app = swarm_app_of(pilot)

        def one_hit() -> bool:
            palette = idle_palette(app)
            if palette is None:
                return False
            options = palette.query_one(OptionList)
            return options.option_count == 1 and options.highlighted == 0

        await wait_until(pilot, one_hit, "a single hit for 'service helloworld'")
        await settle(pilot)

    check(snap_compare, demo_app(), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_not_in_swarm(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """An engine in swarm mode 'inactive': the init-swarm screen."""

    async def run(pilot: AppPilot) -> None:
        await wait_screen(pilot, InitSwarmScreen, "init screen")
        await settle(pilot)

    check(snap_compare, demo_app(DemoBackend(swarm_state="inactive")), size, run)


@pytest.mark.parametrize("size", SIZES)
def test_unreachable(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    error = BackendError(
        ProblemKind.UNREACHABLE,
        "Cannot reach a Docker engine at tcp://127.0.0.1:2375.",
        "Is the engine running and the address right? (ConnectionError: Connection refused)",
    )
    check(snap_compare, demo_app(DemoBackend(fail_with=error)), size, problem_shown)


@pytest.mark.parametrize("size", SIZES)
def test_not_a_manager(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    check(snap_compare, demo_app(DemoBackend(is_manager=False)), size, problem_shown)


@pytest.mark.parametrize("size", SIZES)
def test_malformed_endpoint(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    with pytest.raises(EndpointError) as raised:
        parse_endpoint_url("tcp://manager1")
    error = BackendError(
        ProblemKind.MALFORMED_ENDPOINT,
        str(raised.value),
        "Examples: --host unix:///var/run/docker.sock, --host tcp://10.0.0.5:2376, "
        "--host ssh://admin@manager1",
    )
    check(snap_compare, demo_app(startup_error=error), size, problem_shown)
