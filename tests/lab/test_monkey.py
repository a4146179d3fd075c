"""A seeded, reproducible monkey: thousands of random key presses against the real lab swarm,
read-only, then in write mode with every operation refused at the last step. No crash, no
unhandled exception, no change to the cluster.

SWARMTUI_MONKEY_SEED=<n> replays a run; SWARMTUI_MONKEY_PRESSES=<n> changes its length.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pilot import AppPilot, running, wait_until
from helpers.swarm import create_service
from textual.binding import Binding

from swarmtui.actions.operations import Operation, OperationRefused
from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.node_actions import NodeMenu
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.log_search_bar import LogSearchBar
from swarmtui.ui.widgets.log_view import LogView
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import VirtualTable

SEED = int(os.environ.get("SWARMTUI_MONKEY_SEED", "60606"))
PRESSES = int(os.environ.get("SWARMTUI_MONKEY_PRESSES", "1000"))  # per mode: 2,000 in all
CHUNK = 10
# After a chunk that leaves a modal open, the monkey often tries to go ahead with it, so the
# write-mode run reaches the engine's doorstep (where MonkeyApp.execute refuses) many times.
GO_AHEAD = [["tab", "enter"], ["shift+tab", "enter"], ["ctrl+s"], ["ctrl+u", "1", "enter"]]
# ...and now and then it goes back to the main screen and opens a mutating action on purpose.
OPENERS = [["2", "s"], ["2", "u"], ["2", "f"], ["2", "b"], ["2", "x"], ["1", "m", "enter"]]
QUIT_KEYS = frozenset({"q", "ctrl+q", "ctrl+c", "ctrl+z"})
NAVIGATION = [
    "escape",
    "enter",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "space",
    "backspace",
]
BINDING_HOLDERS: tuple[type[Any], ...] = (
    SwarmTuiApp,
    MainScreen,
    VirtualTable,
    ResourceTable,
    NodesPane,
    ServicesPane,
    TasksPane,
    OperationModal,
    FilterBar,
    InspectScreen,
    LogScreen,
    LogView,
    LogSearchBar,
    HelpScreen,
    ProblemScreen,
    InitSwarmScreen,
    CreateServiceScreen,
    RolloutScreen,
    JoinTokensScreen,
    JournalScreen,
    MachinesScreen,
    CreateMachineDialog,
    NodeMenu,
)


def binding_keys() -> list[str]:
    """Every key the app's screens bind (quit keys left out: the monkey would just leave)."""
    keys: set[str] = set()
    for holder in BINDING_HOLDERS:
        for binding in holder.BINDINGS:
            if isinstance(binding, Binding):
                keys.update(k.strip() for k in binding.key.split(","))
    return sorted(keys - QUIT_KEYS)


def key_pool() -> list[str]:
    printable = list(string.ascii_letters + string.digits + "-_./:=?*")
    pool = binding_keys() * 3 + NAVIGATION * 2 + printable
    return [k for k in pool if k not in QUIT_KEYS]


class MonkeyApp(SwarmTuiApp):
    """The console, with quitting ignored while the monkey plays and, in write mode, every
    operation refused where it would reach the engine (the confirmation declined)."""

    def __init__(self, url: str, read_only: bool) -> None:
        def connect_url() -> ClusterBackend:
            return connect([Endpoint(url, "--host")])

        config = Config(refresh_interval=0.5, read_only=read_only)
        session = MonkeySession(connect_url, config, endpoint_label=url)
        super().__init__(session)
        self.monkey_session = session
        self.playing = False
        self.quit_requests = 0
        self.modals_pushed: list[str] = []  # the modals the monkey tried to go ahead with

    async def action_quit(self) -> None:
        if self.playing:
            self.quit_requests += 1
            return
        await super().action_quit()


class MonkeySession(Session):
    """Declines every operation the monkey confirms (recording it); read-only mode must
    refuse before that."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []

    def execute(self, operation: Operation) -> object:
        if self.read_only:
            super().execute(operation)  # the session's own refusal
            raise AssertionError("read-only mode executed an operation")
        self.refused.append(operation.command)
        raise OperationRefused("monkey: declined")


def cluster_state(client: Any) -> dict[str, Any]:
    """Every service's and node's Version and Spec."""
    state: dict[str, Any] = {}
    for kind, items in (("service", client.api.services()), ("node", client.api.nodes())):
        for item in items:
            state[f"{kind} {item['ID']}"] = (item["Version"]["Index"], json.dumps(item["Spec"]))
    return state


@pytest.fixture(scope="module")
def monkey_service(manager_client: Any, run_id: str) -> Iterator[str]:
    """A small service so that service keys, logs, rollout and tasks have something."""
    name = f"t{run_id}-monkey"
    spec: dict[str, Any] = {
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Command": ["sh", "-c", 'while true; do echo "tick"; sleep 0.5; done'],
                "StopGracePeriod": 1_000_000_000,
            },
        },
        "Mode": {"Replicated": {"Replicas": 2}},
    }
    api = manager_client.api
    try:
        create_service(manager_client, spec)
        yield name
    finally:
        for found in api.services(filters={"name": name}):
            with contextlib.suppress(Exception):
                api.remove_service(found["ID"])


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saved logs (cwd) and journal exports (HOME) land in a temporary directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


async def play(pilot: AppPilot, app: MonkeyApp, rng: random.Random, presses: int) -> list[str]:
    pool = key_pool()
    history: list[str] = []
    app.playing = True
    try:
        while len(history) < presses:
            keys = [rng.choice(pool) for _ in range(min(CHUNK, presses - len(history)))]
            if rng.random() < 0.15:
                keys += ["escape"] * 4 + rng.choice(OPENERS) + rng.choice(GO_AHEAD)
            elif isinstance(app.screen, OperationModal) and rng.random() < 0.6:
                keys[-1:] = rng.choice(GO_AHEAD)
                app.modals_pushed.append(type(app.screen).__name__)
            history.extend(keys)
            await pilot.press(*keys)
            assert app.is_running, "the app stopped"
            assert app._exception is None, f"unhandled exception: {app._exception!r}"
    finally:
        app.playing = False
    return history


async def run_monkey(lab: Lab, client: Any, read_only: bool, seed: int) -> MonkeyApp:
    app = MonkeyApp(lab.manager_url, read_only)
    before = cluster_state(client)
    rng = random.Random(seed)
    history: list[str] = []
    try:
        async with running(app) as pilot:
            await wait_until(
                pilot,
                lambda: app.main_screen.snapshot and app.main_screen.snapshot.services,
                "services listed",
            )
            history = await play(pilot, app, rng, PRESSES)
            # back to the main screen: the app still works and refreshes
            for _ in range(20):
                if app.screen is app.main_screen:
                    break
                await pilot.press("escape")
            stamp = app.session.refresher.last_success if app.session.refresher else None
            await wait_until(
                pilot,
                lambda: (
                    app.session.refresher is not None
                    and app.session.refresher.last_success != stamp
                ),
                "a refresh after the monkey",
            )
    except BaseException as exc:
        mode = "read-only" if read_only else "write"
        raise AssertionError(
            f"monkey ({mode}) failed with SWARMTUI_MONKEY_SEED={seed} after "
            f"{len(history)} presses; last keys {history[-30:]}: {exc!r}"
        ) from exc
    assert app._exception is None, f"seed {seed}: {app._exception!r}"
    assert app.return_code in (None, 0), f"seed {seed}: return code {app.return_code}"
    assert cluster_state(client) == before, f"seed {seed}: the cluster changed"
    assert not [e for e in app.session.journal.entries if e.ok], (
        f"seed {seed}: {app.session.journal.entries}"
    )
    if not read_only:  # the run must have come to the point of changing something, and more
        refused = app.monkey_session.refused
        assert len(refused) >= 3, (
            f"seed {seed}: go-aheads in {app.modals_pushed}, only {refused} reached execute"
        )
    print(
        f"monkey {'read-only' if read_only else 'write'}: seed {seed}, {len(history)} presses, "
        f"{app.quit_requests} quit requests ignored, {len(app.modals_pushed)} go-aheads in modals, "
        f"{len(app.monkey_session.refused)} operations refused: "
        f"{sorted(set(app.monkey_session.refused))}"
    )
    return app


async def test_monkey_read_only(
    lab_swarm: Lab, manager_client: Any, monkey_service: str, sandbox: Path
) -> None:
    await run_monkey(lab_swarm, manager_client, read_only=True, seed=SEED)


async def test_monkey_write_mode_every_confirmation_declined(
    lab_swarm: Lab, manager_client: Any, monkey_service: str, sandbox: Path
) -> None:
    await run_monkey(lab_swarm, manager_client, read_only=False, seed=SEED + 1)
