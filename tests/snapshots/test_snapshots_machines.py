"""SVG snapshots of the machines console (issue 5) on the demo cluster and the demo machine
service, at 120x40 and 80x24, clock frozen at DEMO_NOW. Each `run_before` waits until what it
shows is painted. Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots_machines.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers.demo_app import (
    SIZES,
    RunBefore,
    SnapCompare,
    demo_app,
    open_machine_dialog,
    open_machines,
    settle,
    swarm_app_of,
    wait_main,
)
from helpers.pilot import AppPilot, static_text, wait_screen, wait_until
from textual.screen import Screen
from textual.widgets import Input

from swarmtui.demo.machines import NO_DOCKER_HOST, SUDO_PASSWORD_HOST, DemoMachineService
from swarmtui.machines.model import DockerMissing
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.machine_task_modal import MachineTaskModal
from swarmtui.ui.screens.machines_screen import MachinesScreen


def check(
    snap_compare: SnapCompare,
    size: tuple[int, int],
    run: RunBefore,
    service: DemoMachineService | None = None,
) -> None:
    app = demo_app(machines=service if service is not None else DemoMachineService())
    assert snap_compare(app, terminal_size=size, run_before=run)


async def machines_view(pilot: AppPilot) -> MachinesScreen:
    await wait_main(pilot)
    return await open_machines(pilot)


async def open_dialog(pilot: AppPilot, **values: str) -> CreateMachineDialog:
    """`c` in the machines view, then VALUES set field by field (driver first)."""
    await wait_main(pilot)
    dialog = await open_machine_dialog(pilot, **values)
    dialog.query_one("#field-name", Input).focus()
    return dialog


def task_modal(keys: tuple[str, ...], kind: type[Screen[Any]] = MachineTaskModal) -> RunBefore:
    async def run(pilot: AppPilot) -> None:
        await machines_view(pilot)
        await pilot.press(*keys)
        await wait_screen(pilot, kind, kind.__name__)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_machines_view(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`M`: the two demo machines with their live status."""

    async def run(pilot: AppPilot) -> None:
        await machines_view(pilot)
        await settle(pilot)

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_create_dialog_dind(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`c`, a name typed: the dind form and its `swarmtui machine create` preview."""

    async def run(pilot: AppPilot) -> None:
        await open_dialog(pilot, name="worker-3", role="worker")
        await settle(pilot)

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_create_dialog_ssh(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """Driver ssh: the SSH fields appear (host, user, port, key file, proxy jump)."""

    async def run(pilot: AppPilot) -> None:
        await open_dialog(
            pilot,
            driver="ssh",
            name="edge-2",
            host="192.0.2.20",
            ssh_user="admin",
            ssh_proxy_jump="admin@bastion.example.net",
        )
        await settle(pilot)

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_fingerprint_confirmation(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """First contact: the SHA256 fingerprint, "Do not trust" focused, nothing changed yet."""

    async def run(pilot: AppPilot) -> None:
        dialog = await open_dialog(pilot, driver="ssh", name="edge-2", host="192.0.2.20")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.pending is not None, "the fingerprint")
        await settle(pilot)

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_install_docker_confirmation(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """A host without Docker: the install command, "Do not install" focused, nothing changed."""

    async def run(pilot: AppPilot) -> None:
        dialog = await open_dialog(pilot, driver="ssh", name="edge-3", host=NO_DOCKER_HOST)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.pending is not None, "the fingerprint")
        await pilot.press("ctrl+t")
        await wait_until(
            pilot, lambda: isinstance(dialog.pending, DockerMissing), "the install question"
        )
        await settle(pilot)

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_failed_step(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """A known host whose sudo wants a password: the steps so far, the explanation, the hint."""
    service = DemoMachineService()
    service.trusted.add(SUDO_PASSWORD_HOST)

    async def run(pilot: AppPilot) -> None:
        dialog = await open_dialog(pilot, driver="ssh", name="edge-3", host=SUDO_PASSWORD_HOST)
        await pilot.press("ctrl+s")
        app = swarm_app_of(pilot)

        def failed() -> bool:
            return not dialog.running and "sudo" in static_text(app, "#modal-error")

        await wait_until(pilot, failed, "the failure")
        await settle(pilot)

    check(snap_compare, size, run, service)


@pytest.mark.parametrize("size", SIZES)
def test_join_choice(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`j` on edge-1 (in no swarm): worker or manager, Cancel focused."""
    check(snap_compare, size, task_modal(("j",)))


@pytest.mark.parametrize("size", SIZES)
def test_remove_confirmation(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`x` on lab-w1 (a swarm worker): retire names the machine and every step."""
    check(snap_compare, size, task_modal(("down", "x")))


@pytest.mark.parametrize("size", SIZES)
def test_stop_confirmation(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`t` on lab-w1 (a swarm worker): its node goes down, "Cancel" focused, nothing sent."""
    check(snap_compare, size, task_modal(("down", "t")))
