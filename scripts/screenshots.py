#!/usr/bin/env python3
"""Render the console on the demo cluster, headless, into the SVGs of screenshots/.

    .venv/bin/python scripts/screenshots.py [--out DIR] [NAME ...]

The demo backend is deterministic and the clock is frozen, so the files only change when
the UI does. Each shot waits until its screen is completely painted.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.demo.cluster import DEMO_NOW, SERVICES_JSON, DemoBackend
from swarmtui.demo.machines import NO_DOCKER_HOST, DemoMachineService
from swarmtui.demo.usage import demo_connect
from swarmtui.machines.model import DockerMissing
from swarmtui.nodes.routes import NodeAccess
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.object_modals import ObjectDataModal
from swarmtui.ui.modals.operation_modal import ConfirmModal, ScaleModal
from swarmtui.ui.modals.stack_deploy_modal import StackDeployModal
from swarmtui.ui.screens.contexts_screen import ContextsScreen
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.edit_service_screen import EditServiceScreen
from swarmtui.ui.screens.events_screen import EventsScreen
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.screens.top_screen import TopScreen
from swarmtui.ui.screens.why_screen import WhyScreen
from swarmtui.ui.widgets.cluster_header import LIVE, ClusterHeader
from swarmtui.ui.widgets.key_footer import KeyFooter
from swarmtui.ui.widgets.object_panes import ObjectsPane
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, StacksPane, TasksPane

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "screenshots"
ENDPOINT = "tcp://127.0.0.1:2375"
TIMEOUT = 30.0
STACK_FILE = "tests/data/stacks/corpus/wordpress/docker-stack.yml"
HELLOWORLD_LOG_LINES = 90  # the demo's fixed lines: 30 for each of helloworld's three tasks

AppPilot = Pilot[None]


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    backend: Callable[[], DemoBackend]
    steps: Callable[[AppPilot, SwarmTuiApp], Awaitable[None]]
    machines: bool = False  # with the demo machine service (the machines view, key M)


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
    snapshot = main.snapshot
    # Every pane filled and the footer's keys drawn (it follows the panes' bindings): a
    # shot taken sooner on a loaded machine differed from the same shot taken again.
    return (
        tasks.row_count > 0
        and bool(tasks.scope_label)
        and main.query_one(NodesPane).row_count == len(snapshot.nodes)
        and main.query_one(ServicesPane).row_count == len(snapshot.services)
        and bool(main.query_one(KeyFooter).keys)
        and f"● {LIVE}" in header
        and "reconnecting" not in header
    )


def static_text(app: SwarmTuiApp, selector: str) -> str:
    """The plain text of a Static of the active screen ("" when it has none)."""
    found = app.screen.query(selector)
    if not found:
        return ""
    widget = found.first()
    content = widget.content if isinstance(widget, Static) else ""
    return content.plain if isinstance(content, Text) else str(content)


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


async def service_logs(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("2", "L")  # the services pane, on helloworld: its tasks' logs merged

    def complete() -> bool:
        screen = app.screen
        if not isinstance(screen, LogScreen) or screen.state != "following":
            return False
        lines = len(screen.view.model.buffer)
        return lines == HELLOWORLD_LOG_LINES and f"{lines} lines" in screen._status

    await wait_for(pilot, complete, "every log line of helloworld")


async def create_service(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("2", "c")
    await wait_for(pilot, lambda: isinstance(app.screen, CreateServiceScreen), "the form")
    # image, name, mode (a select, left as is), replicas, command: typed as a user would
    await pilot.press(*"swarmtui-workload:1", "tab", *"helloworld", "tab", "tab")
    await pilot.press("ctrl+u", "2", "tab", *"ping 127.0.0.1")
    command = "docker service create --name helloworld --replicas 2"
    await wait_for(
        pilot, lambda: command in static_text(app, "#modal-command"), "the command preview"
    )


async def edit_service(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    app.main_screen.select_object("services", str(SERVICES_JSON[1]["ID"]))  # web
    await pilot.press("2", "E")
    await wait_for(pilot, lambda: isinstance(app.screen, EditServiceScreen), "the edit form")
    # image (focused), replicas, command, env, ports: name and mode cannot change
    await pilot.press("tab", "ctrl+u", "5", "tab", "tab", *"MODE=fast", "tab", *"8080:80")
    command = "docker service update --replicas 5 --env-add MODE=fast"
    await wait_for(pilot, lambda: command in static_text(app, "#modal-command"), "the update line")


async def scale(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("2", "s", "ctrl+u", "5")
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, ScaleModal)
            and "helloworld=5" in static_text(app, "#modal-command")
        ),
        "the scale preview",
    )


async def rollout(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    app.main_screen.select_object("services", str(SERVICES_JSON[1]["ID"]))  # web, mid-update
    await pilot.press("o")

    def loaded() -> bool:
        screen = app.screen
        return isinstance(screen, RolloutScreen) and screen.rollout is not None

    await wait_for(pilot, loaded, "the rollout")


async def machines(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("M")

    def loaded() -> bool:
        screen = app.screen
        return isinstance(screen, MachinesScreen) and screen.loaded

    await wait_for(pilot, loaded, "the machines view")


async def machine_install_docker(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await machines(pilot, app)
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, CreateMachineDialog), "the dialog")
    dialog = app.screen
    assert isinstance(dialog, CreateMachineDialog)
    driver = dialog.query_one("#field-driver", Select)
    driver.value = "ssh"
    await pilot.pause()
    for name, value in (("name", "edge-3"), ("host", NO_DOCKER_HOST)):
        dialog.query_one(f"#field-{name}", Input).value = value
        await pilot.pause()
    dialog.query_one("#field-name", Input).focus()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: dialog.pending is not None, "the host key fingerprint")
    await pilot.press("ctrl+t")  # trust it: the host has no Docker, the dialog asks to install
    await wait_for(pilot, lambda: isinstance(dialog.pending, DockerMissing), "the install question")


async def journal(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """Two operations done through their modals (scale, then a new image), then `J`."""
    await main_screen(pilot, app)
    for done, keys in enumerate((("s", "ctrl+u", "3"), ("u", "ctrl+u", *"swarmtui-workload:2")), 1):
        await pilot.press("2", *keys, "enter")

        def finished(entries: int = done) -> bool:
            return len(app.session.journal.entries) == entries and app.screen is app.main_screen

        await wait_for(pilot, finished, "the operation")
    app.clear_notifications()
    await pilot.press("J")

    def listed() -> bool:
        screen = app.screen
        return isinstance(screen, JournalScreen) and screen._shown == 2

    await wait_for(pilot, listed, "the journal")
    app.clear_notifications()  # the operations' toasts are not the subject


async def stacks(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("4")
    await wait_for(pilot, lambda: app.main_screen.query_one(StacksPane).has_focus, "stacks")


async def stack_deploy(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """`d` in the stacks view, a corpus file typed (relative to the repository, so the shot
    is the same everywhere), enter: the demo records the deploy and reports each object."""
    await stacks(pilot, app)
    os.chdir(REPO)
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(app.screen, StackDeployModal), "the dialog")
    await pilot.press("ctrl+u", *STACK_FILE, "tab", "ctrl+u", *"blog", "enter")
    await wait_for(
        pilot,
        lambda: "every service converged" in static_text(app, "#stack-progress"),
        "the deploy progress",
    )


async def stack_remove(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await stacks(pilot, app)
    pane = app.main_screen.query_one(StacksPane)
    pane.show_cursor_on("shop")
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")


async def object_view(pilot: AppPilot, app: SwarmTuiApp, key: str, row: str) -> ObjectsPane:
    """KEY (5, 6, 7): that view, listed, the cursor on ROW."""
    await main_screen(pilot, app)
    await pilot.press(key)
    pane = next(p for p in app.main_screen.query(ObjectsPane) if p.display)
    await wait_for(pilot, lambda: pane.has_focus and pane.loaded, f"the {key} view")
    pane.move_cursor(pane.names.index(row))
    await pilot.pause()
    return pane


async def secrets_view(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await object_view(pilot, app, "5", "shop_db_password")


async def networks_view(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await object_view(pilot, app, "7", "shop_backend")


async def configs_view(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await object_view(pilot, app, "6", "shop_nginx_conf")


async def contexts_picker(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """`C`: two docker contexts besides the default one, as `docker context create` stores
    them, in a folder of their own (the user's own ~/.docker is not read)."""
    await main_screen(pilot, app)
    with tempfile.TemporaryDirectory() as folder:
        for name, host in (("staging", "tcp://10.0.0.7:2376"), ("prod", "ssh://ops@10.0.0.8")):
            meta = Path(folder, "contexts", "meta", hashlib.sha256(name.encode()).hexdigest())
            meta.mkdir(parents=True)
            endpoints = {"docker": {"Host": host}}
            body = {"Name": name, "Metadata": {}, "Endpoints": endpoints}
            (meta / "meta.json").write_text(json.dumps(body))
        variables = ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG")
        saved = {name: os.environ.pop(name, None) for name in variables}
        os.environ["DOCKER_CONFIG"] = folder
        try:
            await pilot.press("C")

            def listed() -> bool:
                screen = app.screen
                return isinstance(screen, ContextsScreen) and len(screen.choices) == 3

            await wait_for(pilot, listed, "the contexts")
        finally:
            del os.environ["DOCKER_CONFIG"]
            os.environ.update({k: v for k, v in saved.items() if v is not None})


async def secret_rotate(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """`R` on a secret in use, a new value typed: dots, and the rotation's commands."""
    await object_view(pilot, app, "5", "shop_db_password")
    await pilot.press("R")
    await wait_for(pilot, lambda: isinstance(app.screen, ObjectDataModal), "the rotate form")
    await pilot.press("tab", "tab", *"new-password")


async def sampled(app: SwarmTuiApp, pilot: AppPilot, rounds: int) -> None:
    """ROUNDS of the usage sampler, driven here (its thread is off): the same figures on
    every run."""
    for _ in range(rounds):
        await asyncio.to_thread(app.session.usage.sample)
        await pilot.pause()


async def usage_columns(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("U")
    await sampled(app, pilot, 2)


async def top_view(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(app.screen, TopScreen), "the top view")
    await sampled(app, pilot, 40)


async def events_view(pilot: AppPilot, app: SwarmTuiApp) -> None:
    """`V` on the main screen, then `x`: every event the demo engine held."""
    await main_screen(pilot, app)
    await pilot.press("V", "x")

    def listed() -> bool:
        screen = app.screen
        return (
            isinstance(screen, EventsScreen) and screen.actor_id is None and len(screen.rows) == 10
        )

    await wait_for(pilot, listed, "the events")


async def why_task(pilot: AppPilot, app: SwarmTuiApp) -> None:
    await main_screen(pilot, app)
    await pilot.press("3", "a")  # helloworld's tasks with the history: the failed one last
    tasks = app.main_screen.pane("tasks")
    await wait_for(pilot, lambda: tasks.row_count == 3, "helloworld's task history")
    await pilot.press("G", "w")

    def explained() -> bool:
        screen = app.screen
        return isinstance(screen, WhyScreen) and screen.diagnosis is not None

    await wait_for(pilot, explained, "the why view")


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
    Shot("logs-service", (120, 40), DemoBackend, service_logs),
    Shot("create-service", (120, 40), DemoBackend, create_service),
    Shot("edit-service", (120, 40), DemoBackend, edit_service),
    Shot("scale", (120, 40), DemoBackend, scale),
    Shot("rollout", (120, 40), DemoBackend, rollout),
    Shot("machines", (120, 40), DemoBackend, machines, machines=True),
    Shot("machine-install-docker", (120, 40), DemoBackend, machine_install_docker, machines=True),
    Shot("journal", (120, 40), DemoBackend, journal),
    Shot("stacks", (120, 40), DemoBackend, stacks),
    Shot("stack-deploy", (120, 40), DemoBackend, stack_deploy),
    Shot("stack-remove", (120, 40), DemoBackend, stack_remove),
    Shot("usage", (120, 40), DemoBackend, usage_columns),
    Shot("top", (120, 40), DemoBackend, top_view),
    Shot("events", (120, 40), DemoBackend, events_view),
    Shot("why-task", (120, 40), DemoBackend, why_task),
    Shot("secrets", (120, 40), DemoBackend, secrets_view),
    Shot("configs", (120, 40), DemoBackend, configs_view),
    Shot("networks", (120, 40), DemoBackend, networks_view),
    Shot("contexts", (120, 40), DemoBackend, contexts_picker),
    Shot("secret-rotate", (120, 40), DemoBackend, secret_rotate),
)


async def render(shot: Shot, out: Path) -> Path:
    backend = shot.backend()

    def connect() -> ClusterBackend:
        return backend

    session = Session(
        connect,
        Config(),
        endpoint_label=ENDPOINT,
        clock=lambda: DEMO_NOW,
        machines=DemoMachineService() if shot.machines else None,
    )
    session.enable_node_access(NodeAccess(None), demo_connect)  # the demo's usage figures
    session.usage.background = False
    app = SwarmTuiApp(session)
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
