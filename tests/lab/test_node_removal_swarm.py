"""Removing a manager from the node menu: it is demoted first, then removed (real swarm)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers.pilot import (
    choose_option,
    press_confirm,
    running,
    select_row,
    swarm_app,
    wait_modal_closed,
    wait_until,
)

from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import Lab, lab_down, lab_up
from swarmtui.ui.modals.node_actions import NodeMenu
from swarmtui.ui.modals.operation_modal import ConfirmModal


@pytest.fixture(scope="module")
def removal_lab(engine: Any, run_id: str) -> Iterator[Lab]:
    name = f"swarmtui-rm{run_id}"
    try:
        yield lab_up(name, managers=1, workers=1)
    finally:
        lab_down(name)


def _node(client: Any, hostname: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = next(
        (n for n in client.api.nodes() if n["Description"]["Hostname"] == hostname), None
    )
    return found


async def test_forced_removal_of_a_manager_demotes_it_first(removal_lab: Lab) -> None:
    client = engine_client(removal_lab.manager_url)
    try:
        worker = _node(client, "worker1")
        assert worker is not None
        spec = dict(worker["Spec"], Role="manager")
        client.api.update_node(worker["ID"], worker["Version"]["Index"], spec)
        app = swarm_app(removal_lab.manager_url)
        async with running(app) as pilot:
            await wait_until(
                pilot,
                lambda: any(
                    n.hostname == "worker1" and n.role == "manager"
                    for n in (app.main_screen.snapshot.nodes if app.main_screen.snapshot else ())
                ),
                "worker1 listed as a manager",
            )
            await select_row(pilot, app, "nodes", worker["ID"], "worker1")
            await pilot.press("m")
            assert isinstance(app.screen, NodeMenu)
            await choose_option(pilot, app, "remove_force")
            assert isinstance(app.screen, ConfirmModal)
            assert "docker node demote worker1 && docker node rm --force worker1" in (
                app.screen.operation.command
            )
            await press_confirm(pilot, app)
            await wait_modal_closed(pilot, app, timeout=60)
            await wait_until(pilot, lambda: _node(client, "worker1") is None, "worker1 removed")
            assert app.session.journal.entries[-1].ok
    finally:
        client.close()
