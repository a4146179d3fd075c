"""The stack deploy dialog on the demo cluster: the file is checked as it is typed, the
equivalent command is on show, a deploy reports each object (the demo records the calls)."""

from __future__ import annotations

from pathlib import Path

from helpers.demo_app import running_demo
from helpers.pilot import text_of, wait_until
from textual.widgets import Static

from swarmtui.demo.cluster import DemoBackend
from swarmtui.ui.modals.stack_deploy_modal import StackDeployModal


async def test_deploy_dialog_checks_the_file_and_deploys(tmp_path: Path) -> None:
    stack_file = tmp_path / "docker-stack.yml"
    stack_file.write_text("services:\n  web:\n    image: nginx:1.25\n    deploy: {replicas: 2}\n")
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        app.main_screen.action_deploy_stack()
        modal = await wait_until(
            pilot,
            lambda: app.screen if isinstance(app.screen, StackDeployModal) else None,
            "the deploy dialog",
        )

        def shown(selector: str) -> str:
            return text_of(modal.query_one(selector, Static))

        await pilot.press(*str(tmp_path / "nope.yml"))
        await wait_until(pilot, lambda: "cannot read" in shown("#modal-error"), "file error")
        await pilot.press(*(["backspace"] * len("nope.yml")), *"docker-stack.yml")
        await pilot.press("tab", *"blog")
        command = f"docker stack deploy -c {stack_file} --resolve-image never blog"
        await wait_until(pilot, lambda: command in shown("#modal-command"), "the command")
        assert "1 services, 1 networks" in shown("#modal-error")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "every service converged" in shown("#stack-progress"), "convergence"
        )
        assert "created service blog_web" in shown("#stack-progress")
        calls = [name for name, _ in backend.mutator().calls]
        assert calls == ["create_network", "create_service"]
        assert app.session.journal.entries[-1].command == command
