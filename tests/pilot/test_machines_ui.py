"""Pilot tests of the machines console (issue 5) with the demo machine service: the create
dialog sends the CreateRequest the form describes, a first-contact fingerprint is only
accepted after an explicit confirmation, invalid input sends nothing, read-only mode hides
and refuses every mutating key, join / leave / retire / start / stop call the service and are
journaled, stop only once confirmed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from helpers.demo_app import (
    open_machine_dialog,
    open_machines,
    running_demo,
    wait_main,
)
from helpers.pilot import AppPilot, fill, static_text, wait_screen, wait_until
from textual.widgets import Button, Log, Select

from swarmtui.actions.machine_form import CreateForm, validate_create_form
from swarmtui.actions.validation import InputError
from swarmtui.core.config import Config
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.demo.machines import (
    DEMO_FINGERPRINT,
    NEW_FINGERPRINT,
    NO_DOCKER_HOST,
    UNREACHABLE_HOST,
    DemoMachineService,
)
from swarmtui.machines.model import (
    CreateRequest,
    DockerMissing,
    HostKeyUnknown,
    MachineRecord,
    StepLog,
)
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.machine_task_modal import MachineTaskModal
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.widgets.key_footer import KeyFooter

MUTATING_KEYS = {
    "c": "create_machine",
    "j": "join_machine",
    "l": "leave_machine",
    "s": "start_machine",
    "t": "stop_machine",
}


@asynccontextmanager
async def on_machines(
    service: DemoMachineService, *, read_only: bool = False
) -> AsyncIterator[tuple[SwarmTuiApp, AppPilot, MachinesScreen]]:
    """The demo console on SERVICE's machines, the machines view open."""
    async with running_demo(machines=service, read_only=read_only) as (app, pilot):
        yield app, pilot, await open_machines(pilot)


def sent(service: DemoMachineService, kind: str) -> list[object]:
    return [argument for name, argument in service.calls if name == kind]


def log_lines(dialog: CreateMachineDialog | MachineTaskModal) -> list[str]:
    return [str(line) for line in dialog.query_one("#machine-log", Log).lines]


# Create ------------------------------------------------------------------------------------


async def fingerprint_asked(pilot: AppPilot, dialog: CreateMachineDialog) -> None:
    """Send the form (ctrl+s) to a host first met: the dialog asks about its key."""
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: dialog.pending is not None, "the fingerprint question")


async def new_ssh_host_asked(pilot: AppPilot) -> CreateMachineDialog:
    """The create dialog sent for ssh host edge-2, first met: its key asked about."""
    dialog = await open_machine_dialog(pilot, driver="ssh", name="edge-2", host="192.0.2.20")
    await fingerprint_asked(pilot, dialog)
    return dialog


async def test_create_dind_sends_the_request_and_shows_the_steps() -> None:
    service = DemoMachineService()
    async with on_machines(service) as (app, pilot, screen):
        await pilot.press("c")
        await wait_screen(pilot, CreateMachineDialog, "the dialog")
        dialog = app.screen
        assert isinstance(dialog, CreateMachineDialog)
        await pilot.press(*"worker-3")
        dialog.query_one("#field-role", Select).value = "worker"
        await pilot.pause()
        assert not dialog.query_one("#ssh-fields").display
        assert "swarmtui machine create --driver dind --role worker worker-3" in static_text(
            app, "#modal-command"
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.created is not None, "the machine")
        assert sent(service, "create") == [
            CreateRequest(name="worker-3", driver="dind", role="worker")
        ]
        lines = log_lines(dialog)
        assert lines[0].startswith("Using node image")
        assert "worker-3 joined the swarm as a worker" in lines
        assert "worker-3 is ready" in static_text(app, "#modal-error")
        entry = app.session.journal.entries[-1]
        assert entry.ok and "machine create" in entry.command
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the machines view again")
        await wait_until(
            pilot, lambda: "worker-3" in [r.name for r, _ in screen.machines], "the new row"
        )


async def test_create_ssh_fingerprint_needs_confirmation() -> None:
    service = DemoMachineService()
    key = Path(__file__)  # any existing file stands for a key file
    async with running_demo(machines=service) as (app, pilot):
        dialog = await open_machine_dialog(
            pilot,
            driver="ssh",
            name="edge-2",
            host="192.0.2.20",
            ssh_user="admin",
            ssh_port="2222",
            ssh_key_path=str(key),
            ssh_proxy_jump="admin@bastion.example.net",
        )
        assert dialog.query_one("#ssh-fields").display
        await fingerprint_asked(pilot, dialog)
        assert dialog.query_one("#question-box").display
        assert DEMO_FINGERPRINT in static_text(app, "#question-text")
        assert app.focused is not None and app.focused.id == "decline"
        first = sent(service, "create")
        assert first == [
            CreateRequest(
                name="edge-2",
                driver="ssh",
                host="192.0.2.20",
                ssh_user="admin",
                ssh_port=2222,
                ssh_key_path=str(key),
                ssh_proxy_jump="admin@bastion.example.net",
            )
        ]
        await pilot.press("ctrl+s")  # no resend while the question is open
        await pilot.pause()
        assert len(sent(service, "create")) == 1

        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: dialog.created is not None, "the machine")
        requests = sent(service, "create")
        assert len(requests) == 2
        retry = requests[1]
        assert isinstance(retry, CreateRequest)
        assert retry.accept_fingerprint == DEMO_FINGERPRINT
        assert any("Host key trusted" in line for line in log_lines(dialog))


async def test_refused_fingerprint_sends_nothing_more() -> None:
    service = DemoMachineService()
    async with running_demo(machines=service) as (app, pilot):
        dialog = await new_ssh_host_asked(pilot)
        await pilot.click("#decline")
        await wait_until(pilot, lambda: dialog.pending is None, "the refusal")
        assert "not trusted: nothing was changed" in static_text(app, "#modal-error")
        assert not dialog.query_one("#question-box").display
        await pilot.press("ctrl+t")  # nothing pending: the key does nothing
        await pilot.pause()
        assert len(sent(service, "create")) == 1
        assert dialog.created is None


async def test_docker_is_installed_only_after_confirmation() -> None:
    service = DemoMachineService()
    async with running_demo(machines=service) as (app, pilot):
        dialog = await open_machine_dialog(
            pilot, driver="ssh", name="edge-3", host=NO_DOCKER_HOST, ssh_user="admin"
        )
        await fingerprint_asked(pilot, dialog)
        await pilot.press("ctrl+y")  # the install key does nothing while a host key is asked
        await pilot.pause()
        assert len(sent(service, "create")) == 1
        await pilot.press("ctrl+t")
        await wait_until(
            pilot, lambda: isinstance(dialog.pending, DockerMissing), "the install question"
        )
        assert "apt-get install -y docker.io" in static_text(app, "#question-text")
        assert str(dialog.query_one("#accept", Button).label) == "Install Docker"
        assert app.focused is not None and app.focused.id == "decline"
        retry = sent(service, "create")[-1]
        assert isinstance(retry, CreateRequest) and not retry.install_docker

        await pilot.press("enter")  # the focused answer: do not install
        await wait_until(pilot, lambda: dialog.pending is None, "the refusal")
        assert "Docker was not installed" in static_text(app, "#modal-error")
        assert len(sent(service, "create")) == 2 and dialog.created is None

        await pilot.press("ctrl+s")  # the host key is trusted now: straight to the question
        await wait_until(
            pilot, lambda: isinstance(dialog.pending, DockerMissing), "the install question"
        )
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: dialog.created is not None, "the machine")
        last = sent(service, "create")[-1]
        assert isinstance(last, CreateRequest) and last.install_docker
        assert any("Docker 28.3.3 installed" in line for line in log_lines(dialog))
        entry = app.session.journal.entries[-1]
        assert entry.ok and entry.command.endswith("--install-docker edge-3")


class SwappedKeyService(DemoMachineService):
    """The host shows one key, then another one once the first was confirmed."""

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        self.calls.append(("create", request))
        if request.accept_fingerprint:
            raise HostKeyUnknown(
                request.host, NEW_FINGERPRINT, "ED25519", confirmed=request.accept_fingerprint
            )
        raise HostKeyUnknown(request.host, DEMO_FINGERPRINT, "ED25519")


async def test_another_key_than_the_confirmed_one_is_refused() -> None:
    service = SwappedKeyService()
    async with running_demo(machines=service) as (app, pilot):
        dialog = await new_ssh_host_asked(pilot)
        await pilot.press("ctrl+t")
        await wait_until(
            pilot, lambda: "Refusing" in static_text(app, "#modal-error"), "the refusal"
        )
        assert dialog.pending is None and dialog.created is None
        assert not dialog.query_one("#question-box").display
        assert len(sent(service, "create")) == 2


async def test_failure_shows_explanation_and_hint() -> None:
    service = DemoMachineService()
    async with running_demo(machines=service) as (app, pilot):
        dialog = await open_machine_dialog(
            pilot, driver="ssh", name="edge-9", host=UNREACHABLE_HOST
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Cannot reach" in static_text(app, "#modal-error"), "error")
        message = static_text(app, "#modal-error")
        assert "jump host" in message  # the hint
        assert dialog.query_one("#machine-form").display  # the form is back, to fix and retry
        assert not app.session.journal.entries[-1].ok
        assert any(line.startswith("✗ Cannot reach") for line in log_lines(dialog))


INVALID = [
    ({"name": "Bad Name!"}, "name", "lowercase"),
    ({"name": "lab-w1"}, "name", "exists already"),
    ({"name": ""}, "name", "needs a name"),
    ({"driver": "ssh", "name": "e2", "host": ""}, "host", "SSH host"),
    ({"driver": "ssh", "name": "e2", "host": "h", "ssh_port": "70000"}, "ssh_port", "65535"),
    (
        {"driver": "ssh", "name": "e2", "host": "h", "ssh_key_path": "/nonexistent/key"},
        "ssh_key_path",
        "No such key file",
    ),
]
# The fields the cases fill, at their defaults, driver first: each case starts from here.
BLANK = {"driver": "dind", "name": "", "host": "", "ssh_port": "22", "ssh_key_path": ""}


async def test_invalid_input_sends_nothing() -> None:
    """Each invalid value in turn, in one dialog: the message, the field marked and focused,
    nothing sent."""
    service = DemoMachineService()
    async with running_demo(machines=service) as (app, pilot):
        dialog = await open_machine_dialog(pilot)
        for values, field, message in INVALID:
            for name, value in {**BLANK, **values}.items():
                fill(dialog, **{name: value})
                await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert message in static_text(app, "#modal-error"), values
            assert dialog.query_one(f"#field-{field}").has_class("-field-invalid"), values
            assert app.focused is dialog.query_one(f"#field-{field}"), values
            assert sent(service, "create") == [], values
            assert not dialog.running, values


def test_validation_without_the_ui() -> None:
    form = CreateForm(driver="ssh", name="n1", host="10.0.0.5", ssh_port="22")
    assert validate_create_form(form).ssh_user == "root"
    with pytest.raises(InputError):
        validate_create_form(CreateForm(name="-bad"))
    with pytest.raises(InputError):
        validate_create_form(CreateForm(driver="ssh", name="n", host="a b"))


# Join, leave, remove -----------------------------------------------------------------------


async def press_choice(pilot: AppPilot, app: SwarmTuiApp, button_id: str) -> None:
    modal = app.screen
    assert isinstance(modal, MachineTaskModal)
    assert app.focused is not None and app.focused.id == "cancel"
    modal.query_one(f"#{button_id}", Button).press()
    await wait_until(pilot, lambda: modal.succeeded, f"{button_id} to succeed")


async def test_join_leave_and_retire() -> None:
    service = DemoMachineService()
    async with on_machines(service) as (app, pilot, screen):
        assert screen.selected is not None and screen.selected[0].name == "edge-1"
        await pilot.press("l")  # edge-1 is in no swarm: nothing to leave
        await pilot.pause()
        assert not isinstance(app.screen, MachineTaskModal)

        await pilot.press("j")
        await wait_screen(pilot, MachineTaskModal, "join")
        await press_choice(pilot, app, "join-manager")
        assert sent(service, "join") == [("edge-1", "manager")]
        assert (
            app.session.journal.entries[-1].command == "swarmtui machine join --role manager edge-1"
        )
        await back_to(pilot, app, screen)

        def edge_active() -> bool:
            return any(r.name == "edge-1" and s.swarm_state == "active" for r, s in screen.machines)

        await wait_until(pilot, edge_active, "edge-1 in the swarm")
        await pilot.press("l")
        await wait_screen(pilot, MachineTaskModal, "leave")
        await press_choice(pilot, app, "leave")
        assert sent(service, "leave") == ["edge-1"]
        await back_to(pilot, app, screen)
        await pilot.press("down", "x")  # lab-w1 is a swarm worker: retired
        await wait_screen(pilot, MachineTaskModal, "remove")
        assert "Retire machine lab-w1?" in static_text(app, "#confirm-question")
        await press_choice(pilot, app, "remove")
        assert sent(service, "retire") == ["lab-w1"]
        assert sent(service, "remove") == []


async def test_cancel_runs_nothing() -> None:
    service = DemoMachineService()
    async with on_machines(service) as (app, pilot, screen):
        await pilot.press("x")
        await wait_screen(pilot, MachineTaskModal, "remove")
        assert "Remove machine edge-1?" in static_text(app, "#confirm-question")
        await pilot.press("enter")  # Cancel has the focus
        await wait_until(pilot, lambda: app.screen is screen, "the machines view")
        assert sent(service, "remove") == [] and sent(service, "retire") == []


# Start, stop -------------------------------------------------------------------------------


def state_of(screen: MachinesScreen, name: str) -> tuple[str, str]:
    return next((s.state, s.swarm_state) for r, s in screen.machines if r.name == name)


async def task_modal(pilot: AppPilot, app: SwarmTuiApp, key: str, what: str) -> MachineTaskModal:
    """Press KEY: the machine task modal it opens."""
    await pilot.press(key)
    await wait_screen(pilot, MachineTaskModal, what)
    modal = app.screen
    assert isinstance(modal, MachineTaskModal)
    return modal


async def back_to(pilot: AppPilot, app: SwarmTuiApp, screen: MachinesScreen) -> None:
    """Escape from a modal, back to the machines view."""
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is screen, "the machines view")


async def nothing_opens(
    pilot: AppPilot, app: SwarmTuiApp, screen: MachinesScreen, key: str
) -> None:
    await pilot.press(key)
    await pilot.pause()
    assert app.screen is screen


async def test_stop_asks_first_and_runs_only_when_confirmed() -> None:
    service = DemoMachineService()
    async with on_machines(service) as (app, pilot, screen):
        await pilot.press("down", "t")  # lab-w1, a swarm worker
        await wait_screen(pilot, MachineTaskModal, "stop")
        assert static_text(app, "#confirm-question") == "Stop machine lab-w1?"
        assert "goes Down in the swarm" in static_text(app, "#confirm-warning")
        assert static_text(app, "#modal-command") == "$ swarmtui machine stop lab-w1"
        await pilot.press("enter")  # Cancel has the focus
        await wait_until(pilot, lambda: app.screen is screen, "the machines view")
        assert sent(service, "stop") == []

        modal = await task_modal(pilot, app, "t", "stop")
        await press_choice(pilot, app, "stop")
        assert sent(service, "stop") == ["lab-w1"]
        assert log_lines(modal)[-1] == "lab-w1: stopped"
        entry = app.session.journal.entries[-1]
        assert entry.ok and entry.command == "swarmtui machine stop lab-w1"
        await back_to(pilot, app, screen)
        await wait_until(
            pilot, lambda: state_of(screen, "lab-w1")[0] == "stopped", "lab-w1 shown stopped"
        )
        await nothing_opens(pilot, app, screen, "t")  # stopped already: nothing to ask
        assert sent(service, "stop") == ["lab-w1"]


async def test_start_runs_at_once_and_is_journaled() -> None:
    service = DemoMachineService()
    service.stop("lab-w1", lambda _: None)
    async with on_machines(service) as (app, pilot, screen):
        await pilot.press("down")
        assert state_of(screen, "lab-w1")[0] == "stopped"
        modal = await task_modal(pilot, app, "s", "start")
        await wait_until(pilot, lambda: modal.succeeded, "the start to succeed")  # nothing pressed
        assert sent(service, "start") == ["lab-w1"]
        assert static_text(app, "#modal-command") == "$ swarmtui machine start lab-w1"
        lines = log_lines(modal)
        assert lines[0] == "starting swarmtui-machine-lab-w1"
        assert lines[-1] == "lab-w1: started"
        assert "lab-w1 is running" in static_text(app, "#modal-error")
        entry = app.session.journal.entries[-1]
        assert entry.ok and entry.command == "swarmtui machine start lab-w1"
        await back_to(pilot, app, screen)
        await wait_until(
            pilot, lambda: state_of(screen, "lab-w1") == ("running", "active"), "lab-w1 back"
        )
        await nothing_opens(pilot, app, screen, "s")  # running already: nothing to do
        assert sent(service, "start") == ["lab-w1"]


async def test_an_adopted_host_is_neither_started_nor_stopped() -> None:
    service = DemoMachineService()
    refusal = "edge-1 is an existing host: swarmtui does not start or stop it."
    async with on_machines(service) as (app, pilot, screen):
        assert screen.selected is not None and screen.selected[0].driver == "ssh"
        for key, button in (("s", ""), ("t", "stop")):
            modal = await task_modal(pilot, app, key, key)
            if button:  # stop asks first, even here
                assert not modal.running and modal.chosen is None
                modal.query_one(f"#{button}", Button).press()

            def refused(modal: MachineTaskModal = modal) -> bool:
                return not modal.running and modal.chosen is not None

            await wait_until(pilot, refused, f"{key} refused")
            assert static_text(app, "#modal-error") == refusal
            assert not modal.succeeded
            assert not app.session.journal.entries[-1].ok
            await back_to(pilot, app, screen)
        assert sent(service, "start") == sent(service, "stop") == ["edge-1"]


# Read-only, help ---------------------------------------------------------------------------


async def test_read_only_hides_and_refuses_machine_changes() -> None:
    service = DemoMachineService()
    async with on_machines(service, read_only=True) as (app, pilot, screen):
        for action in (*MUTATING_KEYS.values(), "remove_machine"):
            assert screen.check_action(action, ()) is False  # hidden from the footer
        for key in (*MUTATING_KEYS, "x"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, f"{key} opened {app.screen!r}"
        # a remapped key or the palette reaching the action directly is refused too
        screen.action_create_machine()
        screen.action_remove_machine()
        screen.action_start_machine()
        screen.action_stop_machine()
        await pilot.pause()
        assert app.screen is screen
        assert {name for name, _ in service.calls} == {"list"}
        footer = {key.key for key in screen.query_one(KeyFooter).keys}
        assert "escape" in footer  # reading keys stay in the footer
        assert not {*MUTATING_KEYS, "x"} & footer


async def test_help_lists_the_machine_keys() -> None:
    async with running_demo(machines=DemoMachineService()) as (app, pilot):
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen, "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = {row[3] for row in help_screen.rows}
        assert {
            "machines",
            "machines_create",
            "machines_join",
            "machines_leave",
            "machines_remove",
            "machines_start",
            "machines_stop",
            "machines_back",
            "create_machine_submit",
            "create_machine_trust",
        } <= ids


async def test_without_a_machine_service() -> None:
    demo = DemoBackend()
    app = SwarmTuiApp(Session(lambda: demo, Config(path=None), clock=lambda: DEMO_NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            await wait_main(pilot)
            await pilot.press("M")
            await wait_screen(pilot, MachinesScreen, "the view")
            await wait_until(
                pilot, lambda: "not available" in static_text(app, "#machines-status"), "status"
            )
        finally:
            await app.action_quit()
