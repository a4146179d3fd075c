"""Secrets stay secret and read-only stays read-only.

Join tokens, an ssh private key and a URL password must not appear in any log file, the
journal (and its export), screenshots of every screen, notifications or error messages.
TLS verification is on whenever TLS options are given without an explicit skip.
Read-only mode cannot be bypassed: remapped keys, the command palette, direct action calls
and `app.session.execute` are all refused, and the cluster does not change.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paramiko
import pytest
from helpers.pilot import (
    AppPilot,
    notifications,
    pane,
    press_confirm,
    running,
    select_row,
    swarm_app,
    wait_modal_error,
    wait_until,
)
from helpers.swarm import create_service, remove_secrets_named
from rich.text import Text
from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from swarmtui.actions.operations import Operation, OperationRefused, join_command
from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.object_modals import ObjectDataModal
from swarmtui.ui.modals.operation_modal import ConfirmModal, OperationModal
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.screens.object_inspect_screen import ObjectInspectScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.widgets.object_panes import ObjectsPane

PASSWORD = "s3cret-Pa55word-xyzzy"
SECRET_VALUE = "typed-Secret-value-quux42"  # a swarm secret created through the console


@pytest.fixture(scope="module")
def tokens(manager_client: Any) -> tuple[str, str]:
    manager_client.swarm.reload()
    join = manager_client.swarm.attrs["JoinTokens"]
    return str(join["Worker"]), str(join["Manager"])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME (journal exports, ~/.ssh) and a cwd (saved logs) of the test's own."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture
def ssh_key(home: Path) -> str:
    """A fresh private key as ~/.ssh/id_rsa; returns its base64 body (what must not leak)."""
    key = paramiko.RSAKey.generate(2048)
    path = home / ".ssh" / "id_rsa"
    key.write_private_key_file(str(path))
    body = [line for line in path.read_text().splitlines() if "-----" not in line]
    return "".join(body)


@pytest.fixture
def talker(manager_client: Any, prefix: str) -> tuple[str, str]:
    """A service of the workload image writing a numbered line every 0.2 s: (id, name). The
    `prefix` fixture removes it afterwards."""
    name = f"{prefix}-talker"
    script = 'i=0; while true; do i=$((i+1)); echo "talker line $i"; sleep 0.2; done'
    spec = {
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Command": ["sh", "-c", script],
                "StopGracePeriod": 1_000_000_000,
            }
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }
    return create_service(manager_client, spec), name


@pytest.fixture
def secret_name(manager_client: Any, prefix: str) -> Iterator[str]:
    """The name of the swarm secret the test creates through the console; removed after."""
    name = f"{prefix}-pw"
    try:
        yield name
    finally:
        remove_secrets_named(manager_client, name)


def svg_text(path: Path) -> str:
    """The characters a screenshot shows, run together (an SVG puts each span in a <text>)."""
    svg = path.read_text()
    return "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg))


def secrets_in(text: str, secrets: list[str]) -> list[str]:
    """The secrets (or a 40-character piece of a long one) that occur in TEXT."""
    found = []
    flat = "".join(text.split())  # an SVG or a wrapped screen may split a long secret
    for secret in secrets:
        pieces = [secret] + [secret[i : i + 40] for i in range(0, max(1, len(secret) - 40), 40)]
        if any(p in text or p in flat for p in pieces if len(p) >= 16):
            found.append(secret[:24] + "…")
    return found


def every_file(root: Path) -> Iterator[Path]:
    yield from (p for p in root.rglob("*") if p.is_file())


def cluster_state(client: Any) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for kind, items in (("service", client.api.services()), ("node", client.api.nodes())):
        for item in items:
            state[f"{kind} {item['ID']}"] = (item["Version"]["Index"], json.dumps(item["Spec"]))
    swarm = client.api.inspect_swarm()
    state["swarm"] = (swarm["Version"]["Index"], json.dumps(swarm["JoinTokens"]))
    return state


async def shoot(
    pilot: AppPilot, app: SwarmTuiApp, directory: Path, name: str, showing: str = ""
) -> None:
    """Screenshot the active screen once it is painted; SHOWING: text it must show (the
    content the screenshot is taken to scan), so a shot of a blank screen fails the test."""
    await pilot.pause()  # let what the screen holds be painted
    app.save_screenshot(f"{name}.svg", str(directory))
    shown = svg_text(directory / f"{name}.svg")
    assert showing.replace(" ", "") in shown.replace(" ", "").replace("\xa0", ""), (
        f"{name}.svg does not show {showing!r}"
    )


def screen_texts(app: SwarmTuiApp) -> str:
    """The text of every Static of the active screen, and the notifications."""
    parts = []
    for static in app.screen.query(Static):
        content = static.content
        parts.append(content.plain if isinstance(content, Text) else str(content))
    return "\n".join(parts + notifications(app))


# Secrets --------------------------------------------------------------------------------


async def test_tokens_keys_and_passwords_never_leak(
    lab_swarm: Lab,
    manager_client: Any,
    tokens: tuple[str, str],
    home: Path,
    ssh_key: str,
    tmp_path: Path,
    talker: tuple[str, str],
    secret_name: str,
) -> None:
    secrets = [*tokens, ssh_key, PASSWORD, SECRET_VALUE]
    service_id, service_name = talker
    shots = tmp_path / "shots"
    shots.mkdir()
    seen: list[str] = []  # texts shown on screen and error messages
    app = swarm_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        # the main screen with what it shows: the lab's nodes and the service
        services = pane(app, "services")
        await wait_until(pilot, lambda: pane(app, "nodes").row_count >= 3, "the lab's nodes")
        await wait_until(
            pilot,
            lambda: service_id in [row.value for row in services.rows],
            f"{service_name} in the services pane",
        )
        await shoot(pilot, app, shots, "main", service_name)
        # join tokens: masked until revealed; the screenshot before reveal has no token
        await pilot.press("T")
        screen = await wait_until(
            pilot,
            lambda: (
                app.screen
                if isinstance(app.screen, JoinTokensScreen) and app.screen.is_mounted
                else None
            ),
            "the join tokens screen",
        )
        await wait_until(pilot, lambda: screen.tokens.get("worker"), "the tokens loaded")
        await wait_until(
            pilot, lambda: "SWMTKN-1-<masked>" in screen_texts(app), "the masked join command"
        )
        seen.append(screen_texts(app))
        await shoot(pilot, app, shots, "join-tokens-masked", "SWMTKN-1-<masked>")
        await pilot.press("v")  # revealed on request: shown, then hidden again
        assert tokens[0] in screen_texts(app)
        await pilot.press("v")
        await wait_until(
            pilot, lambda: tokens[0] not in screen_texts(app), "the tokens hidden again"
        )
        seen.append(screen_texts(app))
        await shoot(pilot, app, shots, "join-tokens-hidden-again", "SWMTKN-1-<masked>")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        # failing operations whose error carries a token and a URL password: the modal
        # shows the error, the journal keeps it
        for secret_text in (tokens[1], PASSWORD):

            def fail(mutator: object, secret: str = secret_text) -> object:
                raise BackendError(  # what a careless engine or library might say
                    ProblemKind.ENGINE_ERROR,
                    f"join failed for token {tokens[1]} at tcp://u:{secret}@10.0.0.1:2376",
                )

            command = join_command(tokens[1], f"tcp://u:{secret_text}@10.0.0.1")
            app.push_screen(ConfirmModal(Operation("Join", command, fail)))
            await wait_until(
                pilot,
                lambda: (
                    isinstance(app.screen, ConfirmModal)
                    and app.focused is not None
                    and app.focused.id == "cancel"
                ),
                "the confirmation",
            )
            await press_confirm(pilot, app)
            await wait_modal_error(pilot, app, "join failed")
            seen.append(screen_texts(app))
            await shoot(pilot, app, shots, f"failed-operation-{len(seen)}", "join failed")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        # a swarm secret typed into the create form (dots), then inspected (metadata only)
        await pilot.press("5", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, ObjectDataModal), "the form")
        await pilot.press(*secret_name, "tab", "tab", *SECRET_VALUE)
        await wait_until(
            pilot,
            lambda: f"docker secret create {secret_name} -" in screen_texts(app),
            "the command line",
        )
        seen.append(screen_texts(app))
        await shoot(pilot, app, shots, "secret-form", "docker secret create")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the secret created")
        secrets_pane = pane(app, "secrets")
        assert isinstance(secrets_pane, ObjectsPane)
        await wait_until(pilot, lambda: secret_name in secrets_pane.names, "the new secret")
        secrets_pane.move_cursor(secrets_pane.names.index(secret_name))
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ObjectInspectScreen) and app.screen.loaded,
            "the secret inspected",
        )
        seen.append(screen_texts(app))
        await shoot(pilot, app, shots, "inspect-secret", secret_name)
        await pilot.press("y")  # the raw JSON too
        seen.append(screen_texts(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        # the journal: its screen (with both failed joins and the secret), its export
        await pilot.press("J")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, JournalScreen) and app.screen.is_mounted,
            "the journal",
        )
        await wait_until(
            pilot, lambda: "3 actions" in screen_texts(app), "the journal's three entries"
        )
        seen.append(screen_texts(app))
        await shoot(pilot, app, shots, "journal", "docker swarm join")
        await pilot.press("e")
        await wait_until(
            pilot, lambda: list(home.glob("swarmtui-journal-*.sh")), "the journal export"
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        # other screens: help, inspect, logs
        await pilot.press("question_mark")
        await wait_until(
            pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.is_mounted, "help"
        )
        await shoot(pilot, app, shots, "help", "Help")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        await pilot.press("1", "enter")
        inspect = await wait_until(
            pilot,
            lambda: (
                app.screen
                if isinstance(app.screen, InspectScreen) and app.screen.is_mounted
                else None
            ),
            "inspect",
        )
        await wait_until(pilot, lambda: inspect.data is not None, "the node's inspect data")
        await shoot(pilot, app, shots, "inspect-node", "Hostname:")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        await select_row(pilot, app, "services", service_id, service_name)
        await pilot.press("L")
        logs = await wait_until(
            pilot,
            lambda: (
                app.screen if isinstance(app.screen, LogScreen) and app.screen.is_mounted else None
            ),
            "logs",
        )
        await wait_until(
            pilot,
            lambda: sum("talker line" in line.text for line in logs.view.model.buffer) >= 3,
            "the service's log lines",
            timeout=60,
        )
        await shoot(pilot, app, shots, "logs", "talker line")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        seen.append(screen_texts(app))
    # errors about endpoints with a password and an ssh key in ~/.ssh
    for url in (f"tcp://admin:{PASSWORD}@127.0.0.1:9", f"ssh://admin:{PASSWORD}@127.0.0.1:9"):
        with pytest.raises(BackendError) as raised:
            DockerBackend(Endpoint(url, "--host"))
        seen.append(f"{raised.value.message} {raised.value.hint}")
        problem = SwarmTuiApp(
            Session(
                lambda u=url: connect([Endpoint(u, "--host")]),  # type: ignore[misc]
                Config(),
                endpoint_label=Endpoint(url, "--host").display,
            )
        )
        async with problem.run_test(size=(120, 40)) as pilot:
            await wait_until(
                pilot,
                lambda p=problem: isinstance(p.screen, ProblemScreen),  # type: ignore[misc]
                "the problem screen",
            )
            seen.append(screen_texts(problem))
            await shoot(pilot, problem, shots, f"problem-{url.split(':')[0]}", "127.0.0.1:9")
            await problem.action_quit()
    manager = lab_swarm.manager_url
    # the machine CLI (join through the lab's manager; the machine does not exist)
    cli = subprocess.run(
        [sys.executable, "-m", "swarmtui", "machine", "join", "nosuch", "--host", manager],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(home)},
    )
    seen.append(cli.stdout + cli.stderr)
    # every artifact: screenshots, the journal export, files under HOME and the cwd, the
    # engine setup's log file, the texts seen
    artifacts = {str(p): p.read_text(errors="replace") for p in every_file(tmp_path)}
    for log in (Path("/var/log/swarmtui-dockerd.log"), Path("/tmp/swarmtui-dockerd.log")):
        if log.is_file():
            artifacts[str(log)] = log.read_text(errors="replace")
    artifacts["journal entries"] = "\n".join(
        f"{e.command} {e.result}" for e in app.session.journal.entries
    )
    for index, text in enumerate(seen):
        artifacts[f"seen {index}"] = text
    assert sorted(p.stem for p in shots.glob("*.svg")) == [
        "failed-operation-3",
        "failed-operation-4",
        "help",
        "inspect-node",
        "inspect-secret",
        "join-tokens-hidden-again",
        "join-tokens-masked",
        "journal",
        "logs",
        "main",
        "problem-ssh",
        "problem-tcp",
        "secret-form",
    ]
    assert any("SWMTKN-1-<masked>" in text for text in artifacts.values())
    leaks = {
        name: found
        for name, text in artifacts.items()
        if (found := secrets_in(text, secrets if name != str(home / ".ssh" / "id_rsa") else []))
    }
    assert not leaks, f"secrets found in: {leaks}"


# TLS ------------------------------------------------------------------------------------


# Read-only ------------------------------------------------------------------------------

REMAPPED = {
    "scale_service": "z",
    "remove_service": "Z",
    "create_service": "n",
    "force_redeploy_service": "R",
    "node_menu": "k",
    "edit_node_labels": "K",
    "join_tokens": "y",
}
DIRECT_ACTIONS = [
    ("services", "scale"),
    ("services", "update_image"),
    ("services", "force_redeploy"),
    ("services", "rollback"),
    ("services", "remove_service"),
    ("services", "create_service"),
    ("nodes", "node_menu"),
    ("nodes", "edit_labels"),
    ("screen", "join_tokens"),
]


def read_only_app(url: str) -> SwarmTuiApp:
    def connect_url() -> ClusterBackend:
        return connect([Endpoint(url, "--host")])

    config = Config(refresh_interval=0.5, read_only=True, keys=REMAPPED)
    return SwarmTuiApp(Session(connect_url, config, endpoint_label=url))


def no_mutating_screen(app: SwarmTuiApp) -> bool:
    return (
        not isinstance(app.screen, OperationModal | JoinTokensScreen)
        and not any(isinstance(s, OperationModal | JoinTokensScreen) for s in app.screen_stack)
        and "NodeMenu" not in {type(s).__name__ for s in app.screen_stack}
    )


async def palette_answer(pilot: AppPilot, app: SwarmTuiApp) -> list[str]:
    """The prompts the open command palette offers once its search has finished."""

    def settled() -> list[list[str]] | None:
        palette = app.screen
        if not isinstance(palette, CommandPalette) or not palette.is_mounted:
            return None
        if palette._show_busy or palette._busy_timer is not None:
            return None
        options = palette.query_one(OptionList)
        return [[str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]]

    (prompts,) = await wait_until(pilot, settled, "the palette's answer")
    return prompts


async def back_to_main(pilot: AppPilot, app: SwarmTuiApp) -> None:
    for _ in range(5):
        if app.screen is app.main_screen:
            return
        await pilot.press("escape")


async def test_read_only_cannot_be_bypassed(
    lab_swarm: Lab, manager_client: Any, home: Path
) -> None:
    before = cluster_state(manager_client)
    app = read_only_app(lab_swarm.manager_url)
    async with running(app) as pilot:
        await wait_until(pilot, lambda: pane(app, "nodes").row_count, "nodes listed")
        # remapped keys, on both panes
        for pane_key in ("1", "2"):
            await pilot.press(pane_key)
            for key in REMAPPED.values():
                await pilot.press(key)
                await pilot.pause(0.05)
                assert no_mutating_screen(app), f"key {key} opened {app.screen!r}"
                await back_to_main(pilot, app)
        # the command palette: mutating commands are not offered, typing them runs nothing;
        # a command that is offered in read-only mode shows the search has answered
        for query in ("Action journal", "Create service", "Join tokens", "Scale", "Remove"):
            await pilot.press("ctrl+p")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, CommandPalette) and app.screen.is_mounted,
                "palette",
            )
            await pilot.press(*query)
            prompts = await palette_answer(pilot, app)
            if query == "Action journal":
                assert any(query in p for p in prompts), prompts
            else:
                assert not any(query.lower() in p.lower() for p in prompts), prompts
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert no_mutating_screen(app), f"palette {query!r} opened {app.screen!r}"
            await back_to_main(pilot, app)
        await pilot.press("ctrl+p")
        await wait_until(
            pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen.is_mounted, "p"
        )
        await pilot.press(*"Machines")
        await palette_answer(pilot, app)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert no_mutating_screen(app), f"palette 'Machines' opened {app.screen!r}"
        await back_to_main(pilot, app)
        # direct action calls
        for target, action in DIRECT_ACTIONS:
            namespace = app.main_screen if target == "screen" else pane(app, target)
            await app.run_action(action, namespace)
            await pilot.pause(0.05)
            assert no_mutating_screen(app), f"run_action({action!r}) opened {app.screen!r}"
            await back_to_main(pilot, app)
        # the app's own entry point for operations
        ran: list[str] = []
        operation = Operation("Scale", "docker service scale x=9", lambda m: ran.append("x"))
        with pytest.raises(OperationRefused):
            app.session.execute(operation)
        assert not ran
    assert cluster_state(manager_client) == before
    assert not app.session.journal.entries
