"""Events and contexts against the real lab swarm: a service's create, scale and remove show
in the events view with what changed (and in a later session's history, read from the
engine); the context picker switches the running console between real endpoints."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from helpers.contexts import use_docker_config
from helpers.pilot import header_text, running, wait_screen, wait_until
from helpers.swarm import ping_service
from helpers.waiting import wait_for
from textual.widgets import DataTable

from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
from swarmtui.adapters.docker.lab import Lab
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.display.events import event_row
from swarmtui.session.failover import FailoverPlan
from swarmtui.session.session import Connected, Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.contexts_screen import ContextsScreen
from swarmtui.ui.screens.events_screen import EventsScreen
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen

TIMEOUT = 90.0


def console_on(endpoint: Endpoint, context: str = "") -> SwarmTuiApp:
    """The console as `swarmtui` builds it: it can fail over and switch to another context."""
    session = Session(
        lambda: connect([endpoint]),
        Config(refresh_interval=0.5),
        endpoint_label=endpoint.display,
        failover=FailoverPlan([endpoint], DockerBackend),
    )
    session.context_name = context
    return SwarmTuiApp(session)


def changes_of(screen: EventsScreen, action: str) -> list[str]:
    return [row.changes for row in screen.rows if row.action == action]


async def test_a_services_create_scale_and_remove_in_the_events_view(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    app = console_on(Endpoint(lab_swarm.manager_url, "--host"))
    name = f"{prefix}-ev"
    async with running(app) as pilot:
        await wait_until(pilot, lambda: app.session.model.events_connected, "the event stream")
        service = ping_service(manager_client, name, 1)
        await wait_until(
            pilot,
            lambda: any(s.id == service.id for s in app.main_screen.snapshot.services),  # type: ignore[union-attr]
            "the service on screen",
            timeout=TIMEOUT,
        )
        app.main_screen.select_object("services", service.id)
        await pilot.press("V")
        screen = await wait_screen(pilot, EventsScreen)
        assert screen.actor_id == service.id
        service.scale(2)
        await wait_until(
            pilot, lambda: "replicas 1→2" in changes_of(screen, "update"), "the scale", TIMEOUT
        )
        service.remove()
        await wait_until(
            pilot, lambda: changes_of(screen, "remove") == [""], "the removal", TIMEOUT
        )
        assert [row.object for row in screen.rows] == [f"service {name}"] * len(screen.rows)
        assert [r.action for r in screen.rows][-1] == "create"  # newest first
        # Typed filter, the object cleared: the swarm's update events of this service only.
        await pilot.press("x", "slash", *f"type:service {name} update", "enter")
        await wait_until(pilot, lambda: screen.actor_id is None, "every object")
        await wait_until(
            pilot,
            lambda: bool(screen.rows) and {r.action for r in screen.rows} == {"update"},
            "the filtered rows",
        )
    # A new session reads what happened from the engine's history.
    later = Session(lambda: connect([Endpoint(lab_swarm.manager_url, "--host")]), Config())
    assert isinstance(later.connect(), Connected)
    threads = [threading.Thread(target=loop, daemon=True) for _, loop in later.sync_loops()]
    for thread in threads:
        thread.start()
    try:

        def history() -> list[str]:
            rows = [event_row(e) for e in later.model.events.events()]
            return [f"{r.action} {r.changes}" for r in rows if r.actor_id == service.id]

        wait_for(lambda: "remove " in history(), TIMEOUT, "the history of the service")
        assert history()[0] == "create " and any("replicas 1→2" in h for h in history())
    finally:
        later.close()
        for thread in threads:
            thread.join(30)


async def test_switching_context_rereads_the_cluster_and_names_it(
    lab_swarm: Lab, engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = lab_swarm.managers[0]
    direct = f"tcp://{manager.address}:2375"
    contexts = {"lab-published": lab_swarm.manager_url, "lab-direct": direct}
    use_docker_config(monkeypatch, tmp_path, contexts, current="lab-published")
    assert engine.info()["Swarm"]["LocalNodeState"] == "inactive"  # the host engine: no swarm
    app = console_on(Endpoint(lab_swarm.manager_url, "context lab-published"), "lab-published")
    async with running(app) as pilot:
        await wait_until(pilot, lambda: "context lab-published" in header_text(app), "the name")
        first = app.session.refresher

        async def choose(name: str) -> None:
            await pilot.press("C")
            screen = await wait_screen(pilot, ContextsScreen)
            await wait_until(pilot, lambda: len(screen.choices) == 3, "the contexts")
            names = [c.name for c in screen.choices]
            assert names == ["default", "lab-direct", "lab-published"]
            screen.query_one(DataTable).move_cursor(row=names.index(name))
            await pilot.press("enter")

        await choose("lab-direct")

        def reread() -> bool:
            snapshot = app.main_screen.snapshot
            return (
                app.session.refresher is not first
                and snapshot is not None
                and snapshot.endpoint == direct
                and len(snapshot.nodes) == len(lab_swarm.nodes)
            )

        await wait_until(pilot, reread, "the cluster read through lab-direct", TIMEOUT)
        await wait_until(pilot, lambda: "context lab-direct" in header_text(app), "the new name")
        assert direct in header_text(app)
        await wait_until(pilot, lambda: app.session.model.events_connected, "its events")

        # The host engine answers but is in no swarm: the console offers to make one, and
        # nothing happens unless asked.
        await choose("default")
        await wait_screen(pilot, InitSwarmScreen, "the offer to create a swarm")
    assert engine.info()["Swarm"]["LocalNodeState"] == "inactive"
