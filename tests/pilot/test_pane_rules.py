"""What the selected object allows, decided by the pane's `check_action` (demo cluster)."""

from __future__ import annotations

from helpers.demo_app import demo_app, wait_main
from helpers.pilot import AppPilot, notifications, wait_until

from swarmtui.core.config import Config
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.widgets.panes import ServicesPane

SIZE = (120, 40)


async def select_service(pilot: AppPilot, app: SwarmTuiApp, name: str) -> ServicesPane:
    pane = app.main_screen.query_one(ServicesPane)
    await pilot.press("2", "slash", *f"^{name}$", "enter")
    await wait_until(
        pilot,
        lambda: pane.selected_service is not None and pane.selected_service.name == name,
        f"{name} selected",
    )
    return pane


async def test_a_global_service_shows_scale_disabled_and_says_why() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        pane = await select_service(pilot, app, "helloworld")
        assert pane.check_action("scale", ()) is True
        pane = await select_service(pilot, app, "monitor")  # the demo's global service
        assert pane.check_action("scale", ()) is None  # shown, disabled
        await pilot.press("s")
        await wait_until(
            pilot,
            lambda: any("monitor is a global service" in m for m in notifications(app)),
            "the refusal",
        )
        assert any("cannot be scaled" in m for m in notifications(app))
        assert app.screen is app.main_screen  # no modal
        assert app.session.journal.entries == ()


async def test_read_only_hides_what_writes() -> None:
    app = demo_app(config=Config(path=None, read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_main(pilot)
        pane = await select_service(pilot, app, "helloworld")
        for action in ("scale", "update_image", "remove_service", "create_service"):
            assert pane.check_action(action, ()) is False, action
        assert pane.check_action("logs", ()) is True
        await pilot.press("s", "x")
        await pilot.pause(0.2)
        assert app.screen is app.main_screen
        assert app.session.journal.entries == ()
