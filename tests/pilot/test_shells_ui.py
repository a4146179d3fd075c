"""Pilot tests of shells on the demo cluster, the node connections faked and the terminal
hand-over replaced (Pilot has no terminal to hand over): `e` on a task, `e` on a service
with several tasks (a picker), `S` on a node, keys typed while connecting, a new host key,
refusals said before anything opens."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from helpers.demo_app import running_demo
from helpers.fake_shells import Connector
from helpers.pilot import AppPilot, notifications, select_row, wait_screen, wait_until

from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.relay import RelayEnd
from swarmtui.nodes.routes import NodeAccess, NodeRoute
from swarmtui.session.shells import OpenedShell
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.shell_modal import ShellModal
from swarmtui.ui.shell_actions import TaskPicker

SHOP_WEB_1 = "11t4k5q8r2w4z00000000011"
FAILED_WEB_3 = "10t4k5q8r2w4z00000000010"
EVERY_NODE = NodeMapping("*", SshDestination("jump.example", "ops"))


class Terminal:
    """Stands for the hand-over: what reached the shell, and how it ends."""

    def __init__(self, end: RelayEnd) -> None:
        self.end = end
        self.shells: list[tuple[OpenedShell, bytes]] = []

    def __call__(self, shell: OpenedShell, typed_ahead: bytes) -> RelayEnd:
        self.shells.append((shell, typed_ahead))
        return self.end


def with_shells(
    app: SwarmTuiApp, connect: Callable[[NodeRoute, tuple[str, ...]], object], end: RelayEnd
) -> Terminal:
    app.session.enable_node_access(NodeAccess(None, (EVERY_NODE,)), connect)  # type: ignore[arg-type]
    terminal = Terminal(end)
    app.hand_terminal = terminal  # type: ignore[method-assign]
    return terminal


async def shell_on_task(pilot: AppPilot, app: SwarmTuiApp, task_id: str, *keys: str) -> None:
    await select_row(pilot, app, "services", "sh0pw3b00000000000000004", "shop_web")
    await select_row(pilot, app, "tasks", task_id, task_id[:12])
    await pilot.press("e", *keys)


async def test_e_on_a_task_opens_the_shell_and_journals_its_end() -> None:
    async with running_demo() as (app, pilot):
        connect = Connector()
        terminal = with_shells(app, connect, RelayEnd(0))
        await shell_on_task(pilot, app, SHOP_WEB_1)
        await wait_until(pilot, lambda: terminal.shells, "the terminal handed over")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the console back")
        ((shell, _typed),) = terminal.shells
        assert shell.what == "shop_web.1 on worker1"
        assert shell.command.startswith("ssh -t ops@jump.example docker exec -it ")
        assert "Shell in shop_web.1 on worker1 ended (exit status 0)." in notifications(app)
        entry = app.session.journal.entries[-1]
        assert (entry.command, entry.ok, entry.result) == (shell.command, True, "exit 0")


async def test_keys_typed_while_connecting_go_to_the_shell() -> None:
    async with running_demo() as (app, pilot):
        release = threading.Event()
        terminal = with_shells(app, Connector(release=release), RelayEnd(0))
        await shell_on_task(pilot, app, SHOP_WEB_1)
        await wait_screen(pilot, ShellModal, "the shell modal")
        await pilot.press("l", "s", "space", "minus", "l", "enter", "up")
        release.set()
        await wait_until(pilot, lambda: terminal.shells, "the terminal handed over")
        assert terminal.shells[0][1] == b"ls -l\r\x1b[A"
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the console back")
        assert app.main_screen.pane("tasks").selected_key == SHOP_WEB_1  # nothing leaked


async def test_a_new_host_key_is_asked_about_then_trusted() -> None:
    async with running_demo() as (app, pilot):
        connect = Connector()
        asked: list[tuple[str, ...]] = []

        def first_unknown(route: NodeRoute, accept: tuple[str, ...]) -> object:
            asked.append(accept)
            if not accept:
                raise HostKeyUnknown("jump.example", "SHA256:fingerprint", "ssh-ed25519")
            return connect(route, accept)

        terminal = with_shells(app, first_unknown, RelayEnd(0))
        await shell_on_task(pilot, app, SHOP_WEB_1)
        modal = await wait_screen(pilot, ShellModal, "the shell modal")
        await wait_until(pilot, lambda: modal.query_one("#trust").display, "the question")
        assert not terminal.shells
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: terminal.shells, "the terminal handed over")
        # The nodes pane's route checks never confirm a key (they ask with none); the shell
        # asked once without, then once with the fingerprint the user trusted.
        assert [a for a in asked if a] == [("SHA256:fingerprint",)]


async def test_a_dropped_connection_is_said() -> None:
    async with running_demo() as (app, pilot):
        with_shells(app, Connector(), RelayEnd(None))
        await shell_on_task(pilot, app, SHOP_WEB_1)
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the console back")
        await wait_until(
            pilot,
            lambda: any("dropped" in n for n in notifications(app)),
            "the dropped connection said",
        )
        assert not app.session.journal.entries[-1].ok


async def test_every_route_failing_keeps_the_modal_with_the_reason() -> None:
    async with running_demo() as (app, pilot):
        terminal = with_shells(app, Connector(failing=("mapped", "ssh 172.30.0.3")), RelayEnd(0))
        await shell_on_task(pilot, app, SHOP_WEB_1)
        modal = await wait_screen(pilot, ShellModal, "the shell modal")
        await wait_until(pilot, lambda: not modal.connecting, "the attempt over")
        status = str(modal.query_one("#shell-status").render())
        assert "Cannot reach the engine of worker1" in status
        assert not terminal.shells
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the modal closed")


async def test_a_service_with_several_running_tasks_asks_which() -> None:
    async with running_demo() as (app, pilot):
        terminal = with_shells(app, Connector(), RelayEnd(0))
        await select_row(pilot, app, "services", "sh0pw3b00000000000000004", "shop_web")
        await wait_until(
            pilot,
            lambda: app.main_screen.pane("tasks").row_count == 2,
            "shop_web's tasks listed",
        )
        await pilot.press("e")
        picker = await wait_screen(pilot, TaskPicker, "the task picker")
        assert [t.slot for t in picker.tasks] == [1, 2]
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: terminal.shells, "the terminal handed over")
        assert terminal.shells[0][0].what == "shop_web.2 on worker2"


async def test_S_on_a_node_opens_a_shell_on_the_node() -> None:
    async with running_demo() as (app, pilot):
        connect = Connector()
        terminal = with_shells(app, connect, RelayEnd(0))
        await select_row(
            pilot, app, "nodes", app.main_screen.pane("nodes").rows[1].value, "worker1"
        )
        await pilot.press("S")
        await wait_until(pilot, lambda: terminal.shells, "the terminal handed over")
        assert terminal.shells[0][0].what == "node worker1"
        # The nodes pane opened each node's route once to show how it is reached (and closed
        # it); the shell opened one more, on the host.
        assert [c.calls for c in connect.opened if c.calls] == [[("host", ())]]


@pytest.mark.parametrize("read_only", [True, False])
async def test_refusals_are_said_before_anything_opens(read_only: bool) -> None:
    async with running_demo(read_only=read_only) as (app, pilot):
        connect = Connector()
        with_shells(app, connect, RelayEnd(0))
        await select_row(pilot, app, "services", "w3b000000000000000000002", "web")
        await pilot.press("3", "a")  # history: the failed task is listed
        await select_row(pilot, app, "tasks", FAILED_WEB_3, FAILED_WEB_3[:12])
        await pilot.press("e")
        expected = "Read-only mode" if read_only else "not running"
        await wait_until(pilot, lambda: any(expected in n for n in notifications(app)), expected)
        assert app.screen is app.main_screen
        assert not any(c.calls for c in connect.opened)  # nothing asked of any node


async def test_E_asks_for_the_command_to_run() -> None:
    async with running_demo() as (app, pilot):
        connect = Connector()
        terminal = with_shells(app, connect, RelayEnd(0))
        await shell_on_task(pilot, app, SHOP_WEB_1)  # `e`: closes at once, the shell done
        await wait_until(pilot, lambda: terminal.shells, "the first shell")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the console back")
        await pilot.press("E")
        await wait_screen(pilot, ShellModal, "the command prompt")
        await pilot.press(*"psql -U app", "enter")
        await wait_until(pilot, lambda: len(terminal.shells) == 2, "the second shell")
        assert terminal.shells[1][0].command.endswith(" psql -U app")
        shell_calls = [args for c in connect.opened for kind, args in c.calls if kind == "shell"]
        assert repr(shell_calls[-1]).startswith("(('psql', '-U', 'app'), ")  # argv, then size
