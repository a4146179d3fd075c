"""The stacks view (Pilot) on the lab swarm: two services labelled as one stack, made by
another client (docker-py), show as that stack with their running/desired tasks, `enter`
shows exactly those two services, and `L` follows the logs of both in one view."""

from __future__ import annotations

from typing import Any

from helpers.pilot import pane, running, swarm_app, wait_screen, wait_until
from helpers.swarm import create_service, running_tasks

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab
from swarmtui.display.stacks import STACK_LABEL
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.widgets.panes import ServicesPane

CONVERGE_TIMEOUT = 90.0


def stack_service(stack: str, name: str, replicas: int) -> dict[str, Any]:
    """A service as `docker stack deploy` labels it (the workload image: nothing is pulled),
    writing a line a second."""
    return {
        "Name": f"{stack}_{name}",
        "Labels": {STACK_LABEL: stack},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": WORKLOAD_IMAGE,
                "Args": ["ping", "127.0.0.1"],
                "Labels": {STACK_LABEL: stack},
                "StopGracePeriod": 1_000_000_000,  # busybox ping as PID 1 ignores SIGTERM
            }
        },
        "Mode": {"Replicated": {"Replicas": replicas}},
    }


def cell(table: Any, key: str, column: str) -> str:
    try:
        return str(table.get_cell(key, column).plain)
    except KeyError:  # the row is not (yet) there
        return ""


async def test_a_labelled_pair_of_services_is_one_stack(
    lab_swarm: Lab, manager_client: Any, prefix: str
) -> None:
    stack = prefix  # the services are named PREFIX_...: the prefix fixture removes them
    web = create_service(manager_client, stack_service(stack, "web", 2))
    db = create_service(manager_client, stack_service(stack, "db", 1))
    app = swarm_app(lab_swarm.manager_url, refresh_interval=1.0)
    async with running(app) as pilot:
        await pilot.press("4")
        stacks = pane(app, "stacks")
        await wait_until(pilot, lambda: stacks.has_focus, "the stacks pane")
        await wait_until(
            pilot,
            lambda: cell(stacks, stack, "tasks") == "3/3",
            f"{stack} at 3/3 tasks",
            timeout=CONVERGE_TIMEOUT,
        )
        assert cell(stacks, stack, "name") == stack
        assert cell(stacks, stack, "services") == "2"
        # What the engine says, independently of the console.
        engine_running = len(running_tasks(manager_client, web)) + len(
            running_tasks(manager_client, db)
        )
        assert engine_running == 3

        await pilot.press("slash", *f"^{stack}$", "enter", "enter")
        services = app.main_screen.query_one(ServicesPane)
        await wait_until(
            pilot, lambda: services.has_focus and services.stack == stack, "the stack's services"
        )
        assert {row.value for row in services.rows} == {web, db}
        assert cell(services, web, "replicas") == "2/2"
        assert cell(services, db, "replicas") == "1/1"

        await pilot.press("escape")  # back up to the stacks, then the logs of the stack
        await wait_until(pilot, lambda: stacks.has_focus, "the stacks pane again")
        await pilot.press("L")
        logs = await wait_screen(pilot, LogScreen, "the stack's logs")
        model = logs.view.model

        def services_heard() -> set[str]:
            return {line.service_id for line in list(model.buffer)}

        await wait_until(pilot, lambda: services_heard() >= {web, db}, "lines of both services")
        expected = {f"{stack}_web.1", f"{stack}_web.2", f"{stack}_db.1"}

        def names() -> set[str]:
            return {model.labels.task_name(line.task_id) for line in list(model.buffer)}

        await wait_until(pilot, lambda: expected <= names(), "each task named after its service")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the logs closed")
