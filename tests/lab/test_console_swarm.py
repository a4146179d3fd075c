"""The console (Pilot) against the real lab swarm, plus the problem screens it shows instead
of a traceback: not in swarm mode, worker, unreachable, malformed URL, old API, permission."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from helpers.pilot import (
    SIZE,
    pane,
    problem_of,
    put_cursor_on,
    running,
    swarm_app,
    text_of,
    wait_until,
)
from helpers.swarm import ping_service, remove_services
from textual.widgets import Input, Static

from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.engine_setup import LOCAL_ENGINE_URL, engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_down, lab_up
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.widgets.cluster_header import ClusterHeader
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.panes import TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable

CONVERGE_TIMEOUT = 60.0
QUIET_SECONDS = 20.0  # the periodic resync is 45 s apart; polls stop 10 s after a change
SYNC_LOOPS_FILE = str(Path("swarmtui", "session", "loops.py"))


def log(message: str) -> None:
    print(f"[console] {message}", file=sys.stderr, flush=True)


# --- helpers ---------------------------------------------------------------------------------


def row_keys(table: ResourceTable) -> list[str]:
    """The visible rows' object ids, in display order."""
    return [row.value for row in table.rows]


def cell(table: ResourceTable, key: str, column: str) -> str:
    try:
        return table.get_cell(key, column).plain
    except Exception:  # the row is not (yet) there
        return ""


def service_id_of(app: SwarmTuiApp, name: str) -> str | None:
    snapshot = app.main_screen.snapshot
    if snapshot is None:
        return None
    return next((s.id for s in snapshot.services if s.name == name), None)


def current_task_ids(client: Any, service_id: str) -> set[str]:
    tasks = client.api.tasks(filters={"service": service_id, "desired-state": "running"})
    return {str(t["ID"]) for t in tasks}


# --- the main screen on the lab --------------------------------------------------------------


async def test_main_screen_shows_nodes_and_services(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-web"
    service = ping_service(manager_client, name, 3)
    app = swarm_app(lab_swarm.manager_url, refresh_interval=2.0)
    async with running(app, ready=None) as pilot:
        nodes = pane(app, "nodes")
        services = pane(app, "services")
        await wait_until(pilot, lambda: nodes.row_count == 3, "3 rows in the nodes pane")
        hostnames = [cell(nodes, key, "hostname") for key in row_keys(nodes)]
        assert hostnames == ["manager1", "worker1", "worker2"]  # managers first
        snapshot = app.main_screen.snapshot
        assert snapshot is not None and snapshot.leader is not None
        leader = snapshot.leader
        assert cell(nodes, leader.id, "manager") == "Leader"
        assert cell(nodes, leader.id, "id").endswith("*")  # the node we talk to
        assert {cell(nodes, key, "status") for key in row_keys(nodes)} == {"Ready"}

        await wait_until(
            pilot,
            lambda: cell(services, service.id, "replicas") == "3/3",
            f"{name} at 3/3 on screen",
            timeout=CONVERGE_TIMEOUT,
        )
        assert cell(services, service.id, "name") == name
        assert cell(services, service.id, "mode") == "replicated"
        assert cell(services, service.id, "image") == WORKLOAD_IMAGE
        assert cell(services, service.id, "id") == service.id[:12]

        header = text_of(app.main_screen.query_one(ClusterHeader))
        assert "managers 1  workers 2" in header
        assert "leader manager1" in header
        assert lab_swarm.manager_url in header


async def test_navigation_scope_and_inspect(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-api"
    service = ping_service(manager_client, name, 2)
    app = swarm_app(lab_swarm.manager_url, refresh_interval=2.0)
    async with running(app, ready=None) as pilot:
        screen = app.main_screen
        nodes, services, tasks = (pane(app, n) for n in ("nodes", "services", "tasks"))
        assert isinstance(tasks, TasksPane)
        await wait_until(pilot, lambda: service.id in row_keys(services), f"{name} listed")
        await wait_until(pilot, lambda: nodes.row_count == 3, "3 nodes listed")

        # 1/2/3 and tab move the focus between the panes; j/k move the cursor.
        assert screen.focused is services
        await pilot.press("1")
        assert screen.focused is nodes
        await pilot.press("g")
        assert nodes.cursor_row == 0
        await pilot.press("j")
        assert nodes.cursor_row == 1
        await pilot.press("j", "k")
        assert nodes.cursor_row == 1
        await pilot.press("k")
        assert nodes.cursor_row == 0
        await pilot.press("3")
        assert screen.focused is tasks
        await pilot.press("tab")
        assert screen.focused is nodes
        await pilot.press("tab")
        assert screen.focused is services
        await pilot.press("shift+tab")
        assert screen.focused is nodes

        # The nodes pane scopes the tasks pane to the selected node (manager1 is first)...
        await wait_until(
            pilot, lambda: tasks.scope_label == "node manager1", "tasks scoped to manager1"
        )
        # ...and selecting a service scopes it to that service's tasks.
        await pilot.press("2")
        await put_cursor_on(pilot, services, service.id)
        await wait_until(
            pilot, lambda: tasks.scope_label == f"service {name}", f"tasks scoped to {name}"
        )

        def tasks_shown() -> bool:
            shown = set(row_keys(tasks))
            return len(shown) == 2 and shown == current_task_ids(manager_client, service.id)

        await wait_until(pilot, tasks_shown, f"the 2 tasks of {name}", timeout=CONVERGE_TIMEOUT)
        task_names = sorted(cell(tasks, key, "name") for key in row_keys(tasks))
        assert task_names == [f"{name}.1", f"{name}.2"]
        assert f"of service {name}" in str(tasks.border_title)

        # enter inspects the service; y toggles raw JSON; escape goes back.
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, InspectScreen) and app.screen.is_mounted,
            "inspect screen",
        )
        inspect = app.screen
        assert isinstance(inspect, InspectScreen)
        assert inspect.heading == f"service {name}"
        await wait_until(pilot, lambda: inspect.data is not None, "the inspect data")
        body = inspect.query_one("#inspect-text", Static)
        pretty = text_of(body)
        assert name in pretty and service.id in pretty
        assert not pretty.lstrip().startswith("{")
        await pilot.press("y")
        assert inspect.raw_mode
        raw = json.loads(text_of(body))
        assert raw["ID"] == service.id and raw["Spec"]["Name"] == name
        assert "raw JSON" in str(inspect.query_one("#inspect-body").border_title)
        await pilot.press("y")
        assert not inspect.raw_mode and text_of(body) == pretty
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the main screen")
        assert screen.focused is services and services.selected_key == service.id


async def test_filter_narrows_the_services_pane(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    ids = {
        suffix: ping_service(manager_client, f"{prefix}-{suffix}", 0).id
        for suffix in ("alpha", "beta", "gamma")
    }
    app = swarm_app(lab_swarm.manager_url, refresh_interval=2.0)
    async with running(app, ready=None) as pilot:
        services = pane(app, "services")
        bar = app.main_screen.query_one(FilterBar)
        await wait_until(
            pilot, lambda: set(ids.values()) <= set(row_keys(services)), "our 3 services"
        )

        def total() -> int:  # every service of the swarm, shown or not
            snapshot = app.main_screen.snapshot
            return 0 if snapshot is None else len(snapshot.services)

        # "t<run id>-<test counter>-" is in this test's names only: short to type.
        short = "-".join(prefix.split("-")[:2]) + "-"
        await pilot.press("2", "slash")
        assert bar.display and app.focused is bar
        await pilot.press(*short)
        assert set(row_keys(services)) == set(ids.values())
        assert f"(3/{total()}) /{short}" in str(services.border_title)

        await pilot.press("escape")  # clears the filter and closes the bar
        assert not bar.display and app.focused is services
        assert services.row_count == total() and services.filter_text == ""

        pattern = f"^{short}.*-(alpha|gamma)$"
        await pilot.press("slash", *pattern)
        assert set(row_keys(services)) == {ids["alpha"], ids["gamma"]}
        await pilot.press("enter")  # keeps the filter, back to the pane
        assert not bar.display and app.focused is services
        assert services.filter_text == pattern

        # The filter holds while live updates add rows.
        delta = ping_service(manager_client, f"{prefix}-delta", 0)
        await wait_until(
            pilot,
            lambda: service_id_of(app, f"{prefix}-delta") == delta.id,
            "the new service in a snapshot",
        )
        assert set(row_keys(services)) == {ids["alpha"], ids["gamma"]}
        assert f"(2/{total()})" in str(services.border_title)

        await pilot.press("slash")
        assert bar.value == pattern
        await pilot.press("escape")
        assert services.row_count == total() and services.filter_text == ""
        assert delta.id in row_keys(services)


async def test_event_from_another_client_reaches_the_screen_without_a_poll(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    name = f"{prefix}-scaled"
    service = ping_service(manager_client, name, 1)
    app = swarm_app(lab_swarm.manager_url, refresh_interval=300)
    async with running(app, ready=None) as pilot:
        services = pane(app, "services")
        await wait_until(
            pilot,
            lambda: cell(services, service.id, "replicas") == "1/1",
            f"{name} at 1/1",
            timeout=CONVERGE_TIMEOUT,
        )

        def quiet() -> bool:
            refresher = app.session.refresher
            return refresher is not None and refresher.seconds_until_due() > QUIET_SECONDS

        # No poll is due for a while (the next is the periodic resync): only an event can
        # refresh the screen before then. How fast it does is benchmark figure 3.
        await wait_until(pilot, quiet, f"no poll due within {QUIET_SECONDS:.0f} s", timeout=90)
        refresher = app.session.refresher
        assert refresher is not None
        started = time.monotonic()
        before_a_poll = refresher.seconds_until_due() - 1.0
        cli_run = subprocess.Popen(
            ["docker", "-H", lab_swarm.manager_url, "service", "scale", f"{name}=2", "-d"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            await wait_until(
                pilot,
                lambda: cell(services, service.id, "replicas").endswith("/2"),
                f"{name} showing /2 before any poll was due",
                timeout=before_a_poll,
                step=0.005,
            )
            latency = time.monotonic() - started
        finally:
            _, err = cli_run.communicate(timeout=30)
        print(f"event-to-screen latency (docker CLI start to '/2' on screen): {latency:.3f} s")
        assert cli_run.returncode == 0, err


async def test_cursor_stays_on_the_selected_object(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    chosen = ping_service(manager_client, f"{prefix}-m", 0)
    app = swarm_app(lab_swarm.manager_url, refresh_interval=2.0)
    async with running(app, ready=None) as pilot:
        services = pane(app, "services")
        tasks = pane(app, "tasks")
        assert isinstance(tasks, TasksPane)
        await wait_until(pilot, lambda: chosen.id in row_keys(services), "the chosen service")
        await pilot.press("2")
        await put_cursor_on(pilot, services, chosen.id)

        before = ping_service(manager_client, f"{prefix}-a", 0)  # sorts right before it
        await wait_until(pilot, lambda: before.id in row_keys(services), "the new service")
        keys = row_keys(services)
        assert keys.index(before.id) == keys.index(chosen.id) - 1
        assert services.selected_key == chosen.id
        assert services.cursor_row == services.get_row_index(chosen.id)
        assert tasks.scope_label == f"service {prefix}-m"

        before.remove()
        await wait_until(pilot, lambda: before.id not in row_keys(services), "the removal")
        assert services.selected_key == chosen.id
        assert services.cursor_row == services.get_row_index(chosen.id)


async def test_sort_services_by_name_and_replicas(
    lab_swarm: Lab, manager_client: Any, unique_name: str
) -> None:
    # Short names (the pane shows them whole): "t<run id>-<test counter>-" is this test's
    # only. Natural order s2 < s9 < s10; the refresher's (bytes) s10 < s2 < s9; replicas
    # 0 (s10) < 1 (s9) < 2 (s2): three different orders of the same three services.
    short = "-".join(unique_name.split("-")[:2]) + "-"
    replicas = {"s9": 1, "s10": 0, "s2": 2}
    try:
        ids = {
            suffix: ping_service(manager_client, f"{short}{suffix}", count).id
            for suffix, count in replicas.items()
        }
        await _sort_services(lab_swarm, manager_client, short, replicas, ids)
    finally:
        remove_services(manager_client, short)


async def _sort_services(
    lab: Lab, client: Any, short: str, replicas: dict[str, int], ids: dict[str, str]
) -> None:
    suffix_of = {service_id: suffix for suffix, service_id in ids.items()}
    app = swarm_app(lab.manager_url, refresh_interval=2.0)
    async with running(app, ready=None) as pilot:
        services = pane(app, "services")

        def converged() -> bool:
            return all(
                cell(services, ids[s], "replicas") == f"{n}/{n}" for s, n in replicas.items()
            )

        await wait_until(pilot, converged, "our 3 services converged", timeout=CONVERGE_TIMEOUT)
        await pilot.press("2", "slash", *short, "enter")
        await wait_until(pilot, lambda: services.row_count == 3, "only our 3 services")

        def on_screen() -> list[str]:
            """The suffixes of the names on the painted lines, top to bottom."""
            lines = [services.render_line(y).text for y in range(1, services.row_count + 1)]
            return [next(s for s in replicas if f" {short}{s} " in line) for line in lines]

        assert on_screen() == ["s10", "s2", "s9"]
        await put_cursor_on(pilot, services, ids["s9"])
        await pilot.press(">")  # NAME
        assert on_screen() == ["s2", "s9", "s10"]
        assert [suffix_of[k] for k in row_keys(services)] == ["s2", "s9", "s10"]
        assert str(services.border_title).endswith(f" ↑NAME /{short}")
        await pilot.press(">", ">")  # MODE (all replicated), then REPLICAS
        assert on_screen() == ["s10", "s9", "s2"]
        assert " ↑REPLICAS " in str(services.border_title)
        await pilot.press("!")
        assert on_screen() == ["s2", "s9", "s10"]
        assert " ↓REPLICAS " in str(services.border_title)
        assert services.selected_key == ids["s9"] and services.cursor_row == 1

        # A live change through the engine: s10 scaled to 3 goes first, the cursor stays.
        client.services.get(ids["s10"]).scale(3)
        await wait_until(
            pilot,
            lambda: cell(services, ids["s10"], "replicas") == "3/3",
            "s10 at 3/3",
            timeout=CONVERGE_TIMEOUT,
        )
        assert on_screen() == ["s10", "s2", "s9"]
        assert services.selected_key == ids["s9"] and services.cursor_row == 2


def threads_in_sync_loops() -> set[int]:
    """Threads now running swarmtui's poll loop or event pump."""
    found = set()
    for thread_id, frame in sys._current_frames().items():
        current: FrameType | None = frame
        while current is not None:
            if current.f_code.co_filename.endswith(SYNC_LOOPS_FILE):
                found.add(thread_id)
                break
            current = current.f_back
    return found


async def test_leaving_the_app_ends_its_sync_threads(lab_swarm: Lab) -> None:
    """Every way out ends the sync threads at once: Textual runs thread workers in the
    loop's default executor, and a loop still running (or sleeping until the next resync)
    keeps the process from exiting."""
    already = threads_in_sync_loops()
    app = swarm_app(lab_swarm.manager_url, refresh_interval=300)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen.snapshot is not None, "a snapshot")
        ours = threads_in_sync_loops() - already
        assert len(ours) == 2, "a poll loop and an event pump"
    # No `q`: the app left through run_test's exit.
    # Not stopped, the loops never end: a generous deadline still tells "ended" from "left
    # running", and a loaded machine meets it.
    started = time.monotonic()
    while ours & threads_in_sync_loops() and time.monotonic() - started < 60:
        await asyncio.sleep(0.02)
    left = ours & threads_in_sync_loops()
    if left:
        app.session.close()  # do not leave them running for the rest of the session
    print(f"sync threads ended {time.monotonic() - started:.2f} s after the app exited")
    assert not left, "the poll loop or event pump still runs after the app exited"


# --- not in swarm mode: init ---------------------------------------------------------------


async def test_init_swarm_on_an_engine_outside_any_swarm(lab_swarm: Lab, run_id: str) -> None:
    name = f"swarmtui-t{run_id}-init"
    try:
        lab = lab_up(name, managers=1, workers=0, log=log, load_images=())
        node = lab.managers[0]
        client = engine_client(node.api_url)
        try:
            client.swarm.leave(force=True)
            assert client.info()["Swarm"]["LocalNodeState"] == "inactive"
            app = swarm_app(node.api_url, refresh_interval=2.0)
            async with running(app, ready=None) as pilot:
                # The screen is pushed first and composed a moment later: wait for its field.
                await wait_until(
                    pilot,
                    lambda: (
                        isinstance(app.screen, InitSwarmScreen)
                        and bool(app.screen.query("#advertise-addr"))
                    ),
                    "the init screen",
                )
                init = app.screen
                assert isinstance(init, InitSwarmScreen)
                address = init.query_one("#advertise-addr", Input)
                assert address.value and address.value == init.default_address
                command = init.query_one("#init-command", Static)
                expected = f"$ docker swarm init --advertise-addr {address.value}"
                await wait_until(pilot, lambda: text_of(command) == expected, expected)
                await pilot.press("enter")
                await wait_until(
                    pilot,
                    lambda: app.screen is app.main_screen and pane(app, "nodes").row_count == 1,
                    "the main screen with the new single-node swarm",
                )
                nodes = pane(app, "nodes")
                key = row_keys(nodes)[0]
                assert cell(nodes, key, "hostname") == node.name
                assert cell(nodes, key, "manager") == "Leader"
            swarm_info = client.info()["Swarm"]
            assert swarm_info["LocalNodeState"] == "active"
            assert swarm_info["ControlAvailable"] is True
            assert swarm_info["Nodes"] == 1
        finally:
            client.close()
    finally:
        lab_down(name)


# --- problem screens ---------------------------------------------------------------------------


async def test_a_worker_is_not_a_manager(lab_swarm: Lab) -> None:
    worker = lab_swarm.workers[0]
    error = await problem_of(swarm_app(worker.api_url, refresh_interval=2.0))
    assert error.kind is ProblemKind.NOT_A_MANAGER
    assert worker.api_url in error.message and worker.name in error.message


def test_permission_denied_on_the_real_engine_socket(engine: Any) -> None:
    """As `nobody` (root bypasses file permissions), the engine socket refuses us."""
    socket_path = LOCAL_ENGINE_URL.removeprefix("unix://")
    mode = os.stat(socket_path).st_mode
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to the nobody user")
    if mode & stat.S_IWOTH:
        pytest.skip("the engine socket is writable by everyone")
    connect([Endpoint(LOCAL_ENGINE_URL, "default")]).close()  # imports done before the fork
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, try, report through the pipe
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                connect([Endpoint(LOCAL_ENGINE_URL, "default")]).close()
                result = "CONNECTED"
            except BackendError as exc:
                result = f"{exc.kind.name}\n{exc.message}"
            except BaseException as exc:
                result = f"UNEXPECTED\n{type(exc).__name__}: {exc}"
            os.write(write_end, result.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([read_end], [], [], 0.5)
            if ready:
                chunk = os.read(read_end, 4096)
                if not chunk:
                    break
                chunks.append(chunk)
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    kind, message = b"".join(chunks).decode().split("\n", 1)
    assert kind == "PERMISSION_DENIED", message
    assert LOCAL_ENGINE_URL in message
