"""SVG snapshots of every modal and screen of the operations (issue 3) on the demo cluster,
at 120x40 and 80x24, clock frozen at DEMO_NOW. Each `run_before` waits until what it shows
is painted. Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots_operations.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

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
from helpers.pilot import AppPilot, static_text, wait_screen, wait_until
from textual.screen import Screen

from swarmtui.demo.cluster import (
    DEMO_MANAGER_TOKEN,
    DEMO_NOW,
    DEMO_WORKER_TOKEN,
    SERVICES_JSON,
)
from swarmtui.ui.modals.node_actions import NodeMenu
from swarmtui.ui.modals.operation_modal import ConfirmModal, ImageModal, LabelsModal, ScaleModal
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen


def check(snap_compare: SnapCompare, size: tuple[int, int], run: RunBefore) -> None:
    assert snap_compare(demo_app(), terminal_size=size, run_before=run)


def opened(keys: tuple[str, ...], kind: type[Screen[Any]], ready: str = "") -> RunBefore:
    """Press KEYS on the painted main screen and wait for a KIND screen (whose #modal-error,
    when READY is given, contains READY). The first key focuses a pane; the screen settles
    before the rest (a modal opened at once covers the tasks pane before its scrollbars
    follow the new pane's rows, and the main screen does not repaint under a modal)."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        pane_key, *rest = keys
        await pilot.press(pane_key)
        await settle(pilot)
        await pilot.press(*rest)
        await wait_screen(pilot, kind, kind.__name__)
        if ready:
            await wait_until(pilot, lambda: ready in static_text(app, "#modal-error"), ready)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_confirm_remove_service(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`x` on helloworld: the confirmation names the service, Cancel has the focus."""
    check(snap_compare, size, opened(("2", "x"), ConfirmModal))


@pytest.mark.parametrize("size", SIZES)
def test_scale_valid(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`s` then 5: the `docker service scale helloworld=5` preview."""
    check(snap_compare, size, opened(("2", "s", "ctrl+u", "5"), ScaleModal))


@pytest.mark.parametrize("size", SIZES)
def test_scale_invalid(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`s` then `abc`: the error, no command."""
    keys = ("2", "s", "ctrl+u", "a", "b", "c")
    check(snap_compare, size, opened(keys, ScaleModal, "not a whole number"))


@pytest.mark.parametrize("size", SIZES)
def test_image(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`u`: the image modal with the current image."""
    check(snap_compare, size, opened(("2", "u"), ImageModal))


@pytest.mark.parametrize("size", SIZES)
def test_labels(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`l` on manager1, `zone=a` typed: the `docker node update --label-add` preview."""
    check(snap_compare, size, opened(("1", "l", *"zone=a"), LabelsModal))


@pytest.mark.parametrize("size", SIZES)
def test_node_menu(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`m` on manager1: what can be done to it."""
    check(snap_compare, size, opened(("1", "m"), NodeMenu))


@pytest.mark.parametrize("size", SIZES)
def test_create_service_empty(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`c`: the empty form, the image field focused."""
    check(snap_compare, size, opened(("2", "c"), CreateServiceScreen))


@pytest.mark.parametrize("size", SIZES)
def test_create_service_error(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """An image and a bad name, ctrl+s: the name's error under it, the name focused."""
    keys = ("2", "c", *"swarmtui-workload:1", "tab", *"bad name!", "ctrl+s")
    check(snap_compare, size, opened(keys, CreateServiceScreen, "use letters"))


@pytest.mark.parametrize("size", SIZES)
def test_rollout(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`o` on web, mid-update: old -> new per slot, slot 3's failure."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        app.main_screen.select_object("services", SERVICES_JSON[1]["ID"])
        await pilot.press("o")

        def loaded() -> bool:
            screen = app.screen
            return isinstance(screen, RolloutScreen) and screen.rollout is not None

        await wait_until(pilot, loaded, "the rollout")
        await settle(pilot)

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_join_tokens_masked(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`T`: both join commands, tokens masked."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        await pilot.press("T")

        def loaded() -> bool:
            screen = app.screen
            return isinstance(screen, JoinTokensScreen) and bool(screen.tokens)

        await wait_until(pilot, loaded, "the join tokens")
        await settle(pilot)
        svg = app.export_screenshot()
        assert "SWMTKN-1-&lt;masked&gt;" in svg
        for token in (DEMO_WORKER_TOKEN, DEMO_MANAGER_TOKEN):
            assert token not in svg
            assert token.split("-")[2] not in svg  # not even the cluster part

    check(snap_compare, size, run)


@pytest.mark.parametrize("size", SIZES)
def test_journal(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`J` after two writes and a refusal (its token masked)."""

    async def run(pilot: AppPilot) -> None:
        await wait_main(pilot)
        app = swarm_app_of(pilot)
        app.session.journal.record(DEMO_NOW, "docker service scale helloworld=5", True, "ok")
        app.session.journal.record(
            DEMO_NOW, "docker service update --image swarmtui-workload:2 web", True, "ok"
        )
        app.session.journal.record(
            DEMO_NOW,
            f"docker swarm join --token {DEMO_WORKER_TOKEN} 172.30.0.2:2377",
            False,
            "This node is already part of a swarm.",
        )
        await pilot.press("J")
        await wait_screen(pilot, JournalScreen, "the journal")
        await settle(pilot)

    check(snap_compare, size, run)
