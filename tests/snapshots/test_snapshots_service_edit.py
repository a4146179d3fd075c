"""SVG snapshots of the service edit form on the demo cluster, at 120x40 and 80x24: `E` on
the web service, the form prefilled from its spec, an environment variable and a port typed,
the `docker service update` line under the form. Regenerate after an intended change with
`pytest tests/snapshots/test_snapshots_service_edit.py --snapshot-update`."""

from __future__ import annotations

import pytest
from helpers.demo_app import SIZES, SnapCompare, demo_app, settle, swarm_app_of, wait_main
from helpers.pilot import AppPilot, static_text, wait_screen, wait_until

from swarmtui.ui.screens.edit_service_screen import EditServiceScreen

COMMAND = "$ docker service update --env-add MODE=fast --publish-add published=8080,target=80 web"


async def edit_web(pilot: AppPilot) -> None:
    await wait_main(pilot)
    app = swarm_app_of(pilot)
    await pilot.press("2", "slash", *"^web$", "enter", "E")
    screen = await wait_screen(pilot, EditServiceScreen, "the edit form")
    await pilot.press("tab", "tab", "tab", *"MODE=fast", "tab", *"8080:80")
    await wait_until(pilot, lambda: static_text(app, "#modal-command") == COMMAND, COMMAND)
    assert app.focused is screen.query_one("#field-ports")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_edit_service_form(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app(), terminal_size=size, run_before=edit_web)
