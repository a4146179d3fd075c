"""Pilot tests of the service edit on the demo cluster: `E` opens the form prefilled from the
live spec, the line under it is the minimal `docker service update`, ctrl+s posts only the
changed fields, a bad value sends nothing, ctrl+e and `e` on the raw inspect view edit the
spec as YAML (the editor replaced by a function), read-only mode refuses."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from helpers.demo_app import running_demo
from helpers.pilot import (
    AppPilot,
    notifications,
    press_confirm,
    select_row,
    static_text,
    wait_modal_error,
    wait_screen,
    wait_until,
)
from textual.widgets import Input, Select

from swarmtui.actions.service_edit import apply_edit
from swarmtui.demo.cluster import SERVICES_JSON, DemoBackend
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.screens.edit_service_screen import EditServiceScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen

WEB = SERVICES_JSON[1]
Spec = dict[str, Any]


def posted_specs(backend: DemoBackend) -> list[Spec]:
    """What replace_service would post: its build run on the service as inspected."""
    posted: list[Spec] = []

    def replace_service(service_id: str, build: Callable[[Spec], Spec]) -> None:
        current = backend.inspect("service", service_id)
        posted.append(build(copy.deepcopy(current)))

    backend.demo_mutator.replace_service = replace_service  # type: ignore[method-assign]
    return posted


async def open_edit(pilot: AppPilot, app: SwarmTuiApp) -> EditServiceScreen:
    await select_row(pilot, app, "services", WEB["ID"], "web")
    await pilot.press("E")
    return await wait_screen(pilot, EditServiceScreen, "the edit form")


@contextmanager
def editor(app: SwarmTuiApp, change: Callable[[str], str]) -> Iterator[list[str]]:
    """$EDITOR replaced: CHANGE turns the text shown into the text saved."""
    shown: list[str] = []

    def edit_text(text: str, file_name: str) -> str:
        shown.append(text)
        return change(text)

    app.edit_text = edit_text  # type: ignore[method-assign]
    yield shown


async def test_E_opens_the_form_prefilled_and_saves_only_the_changed_fields() -> None:
    backend = DemoBackend()
    posted = posted_specs(backend)
    async with running_demo(backend) as (app, pilot):
        screen = await open_edit(pilot, app)
        assert screen.query_one("#field-image", Input).value == "swarmtui-workload:1"
        assert screen.query_one("#field-replicas", Input).value == "3"
        assert screen.query_one("#field-command", Input).value == "httpd -f -p 80"
        assert screen.query_one("#field-name", Input).disabled
        assert screen.query_one("#field-mode", Select).disabled
        assert static_text(app, "#modal-command") == "$ docker service update web"
        await pilot.click("#field-env")
        await pilot.press(*"A=1 'MSG=hello world'")
        await pilot.click("#field-ports")
        await pilot.press(*"8080:80")
        command = (
            "$ docker service update --env-add A=1 --env-add 'MSG=hello world' "
            "--publish-add published=8080,target=80 web"
        )
        await wait_until(pilot, lambda: static_text(app, "#modal-command") == command, command)
        after = screen.form_input()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the form to close")
        assert posted == [apply_edit(WEB["Spec"], screen.before, after)]
        (spec,) = posted
        assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=1", "MSG=hello world"]
        untouched = copy.deepcopy(spec)
        del untouched["TaskTemplate"]["ContainerSpec"]["Env"]
        del untouched["EndpointSpec"]["Ports"]
        assert untouched == WEB["Spec"]
        (entry,) = app.session.journal.entries
        assert entry.ok and entry.command == command.removeprefix("$ ")
        assert "Service web updated." in notifications(app)


async def test_an_untouched_form_or_an_invalid_port_sends_nothing() -> None:
    backend = DemoBackend()
    posted = posted_specs(backend)
    async with running_demo(backend) as (app, pilot):
        screen = await open_edit(pilot, app)
        await pilot.press("ctrl+s")
        await wait_modal_error(pilot, app, "Nothing changed")
        await pilot.click("#field-ports")
        await pilot.press(*"99999:80", "ctrl+s")
        error = await wait_modal_error(pilot, app, "Published ports")
        assert "99999" in error
        assert app.focused is screen.query_one("#field-ports")
        assert posted == [] and not app.session.journal.entries


async def test_read_only_mode_refuses_the_edit() -> None:
    async with running_demo(read_only=True) as (app, pilot):
        await select_row(pilot, app, "services", WEB["ID"], "web")
        await pilot.press("E")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert not any(isinstance(s, EditServiceScreen) for s in app.screen_stack)


async def test_ctrl_e_refuses_bad_yaml_then_edits_the_spec_and_asks_before_posting() -> None:
    backend = DemoBackend()
    posted = posted_specs(backend)
    async with running_demo(backend) as (app, pilot):
        await open_edit(pilot, app)
        with editor(app, lambda text: text + "\n  - [unclosed"):
            await pilot.press("ctrl+e")
            error = await wait_modal_error(pilot, app, "does not parse")
        assert "Nothing was changed" in error
        with editor(app, lambda text: text.replace("EndpointSpec:\n", BAD_PORTS)):
            await pilot.press("ctrl+e")
            await wait_modal_error(pilot, app, "99999")
        assert isinstance(app.screen, EditServiceScreen)
        assert posted == [] and not app.session.journal.entries
        with editor(app, lambda text: text.replace("Replicas: 3", "Replicas: 5")) as shown:
            await pilot.press("ctrl+e")
            confirm = await wait_screen(pilot, ConfirmModal, "the confirmation")
        assert shown[0].startswith("# The spec of service web")
        assert confirm.operation.command == "docker service update --replicas 5 web"
        assert "Mode.Replicated.Replicas" in confirm.operation.warning
        await press_confirm(pilot, app)
        await wait_until(pilot, lambda: app.screen is app.main_screen, "back on the main screen")
        expected = copy.deepcopy(WEB["Spec"])
        expected["Mode"]["Replicated"]["Replicas"] = 5
        assert posted == [expected]


BAD_PORTS = "EndpointSpec:\n  Ports:\n  - TargetPort: 80\n    PublishedPort: 99999\n"


async def test_e_on_the_raw_inspect_view_of_a_service_edits_its_yaml() -> None:
    backend = DemoBackend()
    posted = posted_specs(backend)
    async with running_demo(backend) as (app, pilot):
        await select_row(pilot, app, "services", WEB["ID"], "web")
        await pilot.press("enter")
        screen = await wait_screen(pilot, InspectScreen, "the inspect view")
        await wait_until(pilot, lambda: screen.data is not None, "the service inspected")
        assert not app.screen.check_action("edit_yaml", ())  # the pretty view: no edit
        await pilot.press("y")
        change = lambda text: text.replace("- '80'", "- '8080'")  # noqa: E731
        with editor(app, change):
            await pilot.press("e")
            confirm = await wait_screen(pilot, ConfirmModal, "the confirmation")
        assert confirm.operation.command == "docker service update --args 'httpd -f -p 8080' web"
        await press_confirm(pilot, app)
        await wait_until(pilot, lambda: posted, "the edit posted")
        assert posted[0]["TaskTemplate"]["ContainerSpec"]["Args"] == ["httpd", "-f", "-p", "8080"]
