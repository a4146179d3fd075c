#!/usr/bin/env python3
"""Render the console on the demo cluster, headless, into the SVGs of screenshots/.

    .venv/bin/python scripts/screenshots.py [--out DIR] [NAME ...]

The demo backend is deterministic and the clock is frozen, so the files only change when
the UI does. Each shot waits until its screen is completely painted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input

from swarmtui.cluster import ClusterBackend
from swarmtui.config import Config
from swarmtui.demo import DEMO_NOW, DemoBackend
from swarmtui.problems import BackendError, ProblemKind
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.cluster_header import LIVE, ClusterHeader
from swarmtui.ui.help_screen import HelpScreen
from swarmtui.ui.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.inspect_screen import InspectScreen
from swarmtui.ui.panes import TasksPane
from swarmtui.ui.problem_screen import ProblemScreen

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "screenshots"
ENDPOINT = "tcp://127.0.0.1:2375"
TIMEOUT = 30.0

AppPilot = Pilot[None]


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    backend: Callable[[], DemoBackend]
    steps: Callable[[AppPilot, SwarmTuiApp], Awaitable[None]]


async def wait_for(pilot: AppPilot, probe: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {TIMEOUT:.0f} s waiting for {what}")
        await pilot.pause(0.02)


def main_painted(app: SwarmTuiApp) -> bool:
    main = app.main_screen
    if app.screen is not main or main.snapshot is None:
        return False
    content = main.query_one(ClusterHeader).content
    header = content.plain if isinstance(content, Text) else str(content)
    tasks = main.query_one(TasksPane)
    return (
        tasks.row_count > 0
        and bool(tasks.scope_label)
        and f"● {LIVE}" in header
        and "reconnecting" not in header
    )


async def main_screen(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await wait_for(pilot, lambda: main_painted(app), "the main screen")


async def inspect_service(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("enter")  # the services pane has the focus, on helloworld

    def loaded() -> bool:
        screen = app.screen
        return isinstance(screen, InspectScreen) and screen.data is not None

    await wait_for(pilot, loaded, "the inspect screen")


async def help_screen(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")


async def init_swarm(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, InitSwarmScreen), "the init screen")


async def problem(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen), "the problem screen")


def unreachable() -> DemoBackend:
    return DemoBackend(
        fail_with=BackendError(
            ProblemKind.UNREACHABLE,
            f"Cannot reach a Docker engine at {ENDPOINT}.",
            "Is the engine running and the address right? (ConnectionError: Connection refused)",
        )
    )


SHOTS = (
    Shot("main-120x40", (120, 40), DemoBackend, main_screen),
    Shot("main-80x24", (80, 24), DemoBackend, main_screen),
    Shot("inspect-service", (120, 40), DemoBackend, inspect_service),
    Shot("help", (120, 40), DemoBackend, help_screen),
    Shot("init-swarm", (120, 40), lambda: DemoBackend(swarm_state="inactive"), init_swarm),
    Shot("unreachable", (120, 40), unreachable, problem),
)


async def render(shot: Shot, out: Path) -> Path:
    backend = shot.backend()

    def connect() -> ClusterBackend:
        return backend

    app = SwarmTuiApp(connect, Config(), endpoint_label=ENDPOINT, clock=lambda: DEMO_NOW)
    async with app.run_test(size=shot.size) as pilot:
        await shot.steps(pilot, app)
        for field in app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make every run differ
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        path = Path(app.save_screenshot(f"{shot.name}.svg", str(out)))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args(argv)
    known = {shot.name for shot in SHOTS}
    unknown = set(args.names) - known
    if unknown:
        parser.error(f"unknown shot(s) {', '.join(sorted(unknown))}; known: {sorted(known)}")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        if args.names and shot.name not in args.names:
            continue
        path = asyncio.run(render(shot, out))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
