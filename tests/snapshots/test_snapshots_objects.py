"""SVG snapshots of the secrets, configs and networks views on the demo cluster, at 120x40
and 80x24: each view in the nodes pane's place, a config's inspect, the secret form with a
typed value (dots only), the rotate form. Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots_objects.py --snapshot-update`.
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
from helpers.pilot import AppPilot, wait_screen, wait_until

from swarmtui.ui.modals.object_modals import ObjectDataModal
from swarmtui.ui.screens.object_inspect_screen import ObjectInspectScreen
from swarmtui.ui.widgets.object_panes import ConfigsPane, NetworksPane, ObjectsPane, SecretsPane

TYPED_SECRET = "do-not-show-me"


def view(key: str, kind: type[ObjectsPane], row: str | None = None) -> RunBefore:
    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        await pilot.press(key)
        pane = swarm_app_of(pilot).main_screen.query_one(kind)
        await wait_until(pilot, lambda: pane.has_focus and pane.loaded, kind.TITLE)
        if row is not None:
            pane.move_cursor(pane.names.index(row))
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_secrets_view(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`5`: the secrets, the services using each."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=view("5", SecretsPane))


@pytest.mark.parametrize("size", SIZES)
def test_networks_view(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`7`: the networks: driver, scope, services, tasks, attachable, encrypted, subnet."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=view("7", NetworksPane))


@pytest.mark.parametrize("size", SIZES)
def test_config_inspect(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`6`, `enter` on shop_nginx_conf: its metadata, its user and target, its content."""

    async def run(pilot: AppPilot) -> None:
        await view("6", ConfigsPane, "shop_nginx_conf")(pilot)
        await pilot.press("enter")
        screen = await wait_screen(pilot, ObjectInspectScreen)
        await wait_until(pilot, lambda: screen.loaded, "the config inspected")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_secret_form_masks_the_value(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`5`, `c`, a name and a typed value: dots, and `-` in the command line."""

    async def run(pilot: AppPilot) -> None:
        await view("5", SecretsPane)(pilot)
        await pilot.press("c")
        await wait_screen(pilot, ObjectDataModal)
        await pilot.press(*"app_key", "tab", "tab", *TYPED_SECRET)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_rotate_form(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`5`, `R` on shop_db_password: the next version's name, the command for shop_db."""

    async def run(pilot: AppPilot) -> None:
        await view("5", SecretsPane, "shop_db_password")(pilot)
        await pilot.press("R")
        await wait_screen(pilot, ObjectDataModal)
        await pilot.press("tab", "tab", *TYPED_SECRET)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run)
