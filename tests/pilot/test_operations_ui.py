"""Pilot tests of the issue-3 screens on the demo cluster: the create-service form refuses bad
input without sending anything, a valid form sends one create, read-only mode refuses every
mutating key and palette entry, the join screen never shows nor notifies a token unasked,
the rollout view rolls back, and the journal exports a script without tokens."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from helpers.demo_app import running_demo, settle
from helpers.pilot import (
    AppPilot,
    fill,
    idle_palette,
    notifications,
    static_text,
    wait_screen,
    wait_until,
)
from textual import events
from textual.command import CommandPalette
from textual.widgets import Button, Input, OptionList, Static

from swarmtui.actions.service_form import ServiceFormInput, service_spec, validate_form
from swarmtui.actions.validation import InputError
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.demo.cluster import (
    DEMO_MANAGER_TOKEN,
    DEMO_NOW,
    DEMO_WORKER_TOKEN,
    SERVICES_JSON,
    DemoBackend,
)
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.widgets.panes import ServicesPane

WEB_ID = SERVICES_JSON[1]["ID"]
TOKENS = (DEMO_WORKER_TOKEN, DEMO_MANAGER_TOKEN)


async def open_form(app: SwarmTuiApp, pilot: AppPilot) -> CreateServiceScreen:
    await pilot.press("2", "c")
    return await wait_screen(pilot, CreateServiceScreen, "the form")


async def confirm(app: SwarmTuiApp, pilot: AppPilot) -> None:
    await wait_screen(pilot, ConfirmModal, "the confirmation")
    assert app.focused is not None and app.focused.id == "cancel"  # the safe choice first
    await pilot.press("tab")
    assert isinstance(app.focused, Button) and app.focused.id == "confirm"
    await pilot.press("enter")


# The create-service form ----------------------------------------------------------------

VALID = {"image": "swarmtui-workload:1", "name": "api"}
# Every field a bad value goes into, at a good value: each case starts from here.
BASELINE = {**VALID, "replicas": "1", "ports": "", "constraints": "", "env": ""}
BAD_INPUT = [
    pytest.param({"name": "bad name!"}, "name", "use letters", id="bad-name"),
    pytest.param({"image": "my image"}, "image", "not a valid image", id="image-with-spaces"),
    pytest.param({"replicas": "abc"}, "replicas", "not a whole number", id="replicas-abc"),
    pytest.param({"replicas": "-1"}, "replicas", "not a whole number", id="replicas-negative"),
    pytest.param({"replicas": "1000000000"}, "replicas", "more than the limit", id="replicas-huge"),
    pytest.param({"replicas": ""}, "replicas", "Enter a number", id="replicas-empty"),
    pytest.param({"ports": "70000"}, "ports", "between 1 and 65535", id="port-70000"),
    pytest.param({"ports": "8080:80 8080:81"}, "ports", "appears twice", id="duplicate-port"),
    pytest.param(
        {"constraints": "node.role=manager"}, "constraints", "constraints look", id="constraint"
    ),
    pytest.param({"env": "DEBUG"}, "env", "KEY=VALUE", id="env-without-equals"),
]


async def test_bad_input_shows_at_its_field_and_sends_nothing() -> None:
    """Each bad value in turn, in one form (the rules themselves are unit tests): the form
    stays open, the bad field has the focus and shows the message; nothing is sent."""
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        screen = await open_form(app, pilot)
        for case in BAD_INPUT:
            values, field, message = case.values
            assert isinstance(values, dict), case.id
            assert isinstance(field, str) and isinstance(message, str), case.id
            typed = {**BASELINE, **values}
            with pytest.raises(InputError) as expected:
                validate_form(ServiceFormInput(**typed))
            assert expected.value.field == field and message in expected.value.message, case.id
            fill(screen, **typed)
            await pilot.pause()
            assert not screen.query(".-field-invalid"), f"{case.id}: an error left from before"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen, f"{case.id}: the form stays open"
            bad = screen.query_one(f"#field-{field}")
            assert app.focused is bad, f"{case.id}: the bad field has the focus"
            error = screen.query_one(f"#error-{field}", Static)
            assert error.display, case.id
            assert static_text(app, f"#error-{field}") == expected.value.message, case.id
            assert expected.value.message in static_text(app, "#modal-error"), case.id
        await pilot.pause(0.2)
        assert backend.demo_mutator.calls == []
        assert app.session.journal.entries == ()


async def test_editing_a_bad_field_clears_its_error() -> None:
    async with running_demo(DemoBackend()) as (app, pilot):
        screen = await open_form(app, pilot)
        fill(screen, **VALID, replicas="abc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.query_one("#error-replicas", Static).display
        await pilot.press("backspace", "backspace", "backspace", "3")
        await pilot.pause()
        assert not screen.query_one("#error-replicas", Static).display
        assert static_text(app, "#modal-command") == (
            "$ docker service create --name api --replicas 3 swarmtui-workload:1"
        )


async def test_the_preview_follows_the_fields() -> None:
    async with running_demo(DemoBackend()) as (app, pilot):
        screen = await open_form(app, pilot)
        assert "An image is required" in static_text(app, "#modal-command")
        fill(screen, image="swarmtui-workload:1", name="api", replicas="3", ports="8080:80")
        await pilot.pause()
        assert static_text(app, "#modal-command") == (
            "$ docker service create --name api --replicas 3 "
            "--publish published=8080,target=80 swarmtui-workload:1"
        )
        fill(screen, mode="global")
        await pilot.pause()
        assert screen.query_one("#field-replicas", Input).disabled
        assert "--mode global" in static_text(app, "#modal-command")


async def test_a_valid_form_typed_from_the_keyboard_creates_one_service() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        screen = await open_form(app, pilot)
        typed = {
            "image": "swarmtui-workload:1",
            "name": "api",
            "replicas": "2",
            "command": "ping 127.0.0.1",
            "env": "A=1 B=two",
            "ports": "8080:80 5353:53/udp@host",
            "constraints": "node.role==worker",
            "labels": "team=web",
            "mounts": "volume:data:/data:ro",
        }
        # Tab through the form in order; the mode Select is left at replicated.
        for name, value in typed.items():
            if name == "replicas":
                await pilot.press("tab")  # past the mode Select
            field = screen.query_one(f"#field-{name}", Input)
            assert app.focused is field, f"{name} is focused"
            await pilot.press("ctrl+u", *value, "enter" if name == "command" else "tab")
        assert app.focused is screen.query_one("#field-restart_condition")
        await pilot.press("enter", "down", "enter")  # any -> on-failure
        await pilot.press("tab", *"2", "tab", *"10s", "tab")
        await pilot.press("enter", "down", "enter", "tab")  # stop-first -> start-first
        await pilot.press("enter", "down", "down", "enter", "tab")  # pause -> rollback
        await pilot.press(*"0.5", "tab", *"64M", "tab", *"0.25", "tab", *"32M")
        await pilot.pause()
        form = screen.form_input()
        assert form == ServiceFormInput(
            **typed,
            restart_condition="on-failure",
            update_parallelism="2",
            update_delay="10s",
            update_order="start-first",
            update_failure_action="rollback",
            limit_cpus="0.5",
            limit_memory="64M",
            reserve_cpus="0.25",
            reserve_memory="32M",
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the form to close")
        expected = service_spec(validate_form(form))
        assert backend.demo_mutator.calls == [("create_service", (expected,))]
        ports = expected["EndpointSpec"]["Ports"]
        assert ports[1] == {
            "TargetPort": 53,
            "PublishedPort": 5353,
            "Protocol": "udp",
            "PublishMode": "host",
        }
        assert expected["Mode"] == {"Replicated": {"Replicas": 2}}
        assert expected["TaskTemplate"]["ContainerSpec"]["Args"] == ["ping", "127.0.0.1"]
        (entry,) = app.session.journal.entries
        assert entry.ok and entry.command.startswith("docker service create --name api")
        assert "Service api created." in notifications(app)


async def test_keys_typed_ahead_land_in_the_field_they_were_meant_for() -> None:
    """A burst of keys (as over a slow SSH link, or tmux send-keys) is queued before the app
    handles the first of them: tab and enter still move on before the keys after them."""
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        screen = await open_form(app, pilot)
        burst = [*"web", "enter", *"api", "tab", "tab", *"3", "shift+tab", "shift+tab"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_until(
            pilot,
            lambda: app.key_gate.idle and app.focused is screen.query_one("#field-name"),
            "every key handled, the name field focused",
        )
        form = screen.form_input()
        # (a field reached by tab has its text selected: typing replaces the default 1)
        assert (form.image, form.name, form.replicas) == ("web", "api", "3")


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("rpc error: name conflicts with an existing object: service api already exists", "name"),
        ("rpc error: port '8080' is already in use by service 'web' as an ingress port", "ports"),
    ],
)
async def test_engine_refusals_show_in_the_form(message: str, field: str) -> None:
    backend = DemoBackend()

    def refuse(spec: object) -> str:
        raise BackendError(ProblemKind.ENGINE_ERROR, message)

    backend.demo_mutator.create_service = refuse  # type: ignore[method-assign]
    async with running_demo(backend) as (app, pilot):
        screen = await open_form(app, pilot)
        fill(screen, **VALID, ports="8080:80")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: message in static_text(app, "#modal-error"), "the refusal")
        assert app.screen is screen and not screen.running
        assert message in static_text(app, f"#error-{field}")
        assert app.focused is screen.query_one(f"#field-{field}")
        (entry,) = app.session.journal.entries
        assert not entry.ok and entry.result == message


# Read-only mode -------------------------------------------------------------------------


async def test_read_only_refuses_every_mutating_key() -> None:
    backend = DemoBackend()
    async with running_demo(backend, read_only=True) as (app, pilot):
        for keys in (["2", "s"], ["2", "u"], ["2", "f"], ["2", "b"], ["2", "x"], ["2", "c"]):
            await pilot.press(*keys)
            await pilot.pause()
            assert app.screen is app.main_screen, f"{keys} opened {app.screen!r}"
        await pilot.press("T", "1", "m", "l")
        await pilot.pause()
        assert app.screen is app.main_screen
        # Actions reached some other way (palette, remapped keys) are refused too.
        app.main_screen.action_join_tokens()
        app.main_screen.query_one(ServicesPane).action_create_service()
        await app.run_action("screen.join_tokens")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert "Read-only mode: swarmtui makes no changes." in notifications(app)
        assert backend.demo_mutator.calls == []
        # Looking stays allowed: the journal and the rollout view.
        await pilot.press("J")
        await wait_screen(pilot, JournalScreen, "the journal")
        await pilot.press("escape")
        app.main_screen.select_object("services", WEB_ID)
        await pilot.press("o")
        await wait_screen(pilot, RolloutScreen, "the rollout")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, RolloutScreen)
        assert backend.demo_mutator.calls == []


async def palette_prompts(app: SwarmTuiApp, pilot: AppPilot) -> list[str]:
    await pilot.press("ctrl+p")
    await wait_screen(pilot, CommandPalette, "the palette")

    def settled() -> list[str] | None:
        palette = idle_palette(app)
        if palette is None:
            return None
        options = palette.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        return prompts if any("Action journal" in p for p in prompts) else None

    await wait_until(pilot, settled, "the palette's commands")
    await settle(pilot)
    return settled() or []


@pytest.mark.parametrize("read_only", [False, True], ids=["normal", "read-only"])
async def test_palette_offers_mutating_commands_only_when_writable(read_only: bool) -> None:
    async with running_demo(DemoBackend(), read_only=read_only) as (app, pilot):
        prompts = " | ".join(await palette_prompts(app, pilot))
        assert "Action journal" in prompts and "Rollout of selected service" in prompts
        for mutating in ("Create service", "Join tokens"):
            assert (mutating in prompts) is not read_only, prompts


async def test_palette_opens_the_create_form() -> None:
    async with running_demo(DemoBackend()) as (app, pilot):
        await palette_prompts(app, pilot)
        await pilot.press(*"Create service")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_screen(pilot, CreateServiceScreen, "the form")


# Join tokens ----------------------------------------------------------------------------


async def open_join(app: SwarmTuiApp, pilot: AppPilot) -> JoinTokensScreen:
    await pilot.press("T")
    await wait_screen(pilot, JoinTokensScreen, "the join screen")
    screen = app.screen
    assert isinstance(screen, JoinTokensScreen)
    await wait_until(pilot, lambda: screen.tokens, "the tokens")
    await pilot.pause()
    return screen


async def test_notifications_are_found_after_their_toasts_expired() -> None:
    """Tests read what the console notified from its history: a toast expires (5 s by
    default), and on a loaded machine a check can come later than that."""
    async with running_demo(DemoBackend()) as (app, pilot):
        app.notify("short-lived", timeout=0.1)
        await wait_until(pilot, lambda: not list(app._notifications), "the toast to expire")
        assert "short-lived" in notifications(app)


async def test_join_tokens_are_masked_until_revealed_and_copied_silently() -> None:
    async with running_demo(DemoBackend()) as (app, pilot):
        await open_join(app, pilot)
        worker = static_text(app, "#join-worker")
        assert worker == "docker swarm join --token SWMTKN-1-<masked> 172.30.0.2:2377"
        assert not any(t in static_text(app, "#join-manager") for t in TOKENS)
        await pilot.press("v")
        assert static_text(app, "#join-worker") == (
            f"docker swarm join --token {DEMO_WORKER_TOKEN} 172.30.0.2:2377"
        )
        await pilot.press("v", "w")
        assert app.clipboard == f"docker swarm join --token {DEMO_WORKER_TOKEN} 172.30.0.2:2377"
        await pilot.press("M")
        assert DEMO_MANAGER_TOKEN in app.clipboard
        messages = notifications(app)
        assert len(messages) >= 2 and not any(t in m for t in TOKENS for m in messages)
        assert "SWMTKN" not in static_text(app, "#join-worker").replace("SWMTKN-1-<masked>", "")


async def test_rotate_and_leave_are_confirmed() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        screen = await open_join(app, pilot)
        await pilot.press("ctrl+t")
        await wait_screen(pilot, ConfirmModal, "the confirmation")
        await pilot.press("escape")  # cancelled: nothing happens
        assert app.screen is screen and backend.demo_mutator.calls == []
        await pilot.press("ctrl+r")
        await confirm(app, pilot)
        await wait_until(pilot, lambda: app.screen is screen, "back to the join screen")
        assert backend.demo_mutator.calls == [("rotate_join_token", ("worker",))]
        await pilot.press("ctrl+l")
        await wait_screen(pilot, ConfirmModal, "the confirmation")
        assert "the last manager leaving destroys the swarm" in static_text(app, "#confirm-warning")
        assert static_text(app, "#modal-command") == "$ docker swarm leave --force"
        await confirm(app, pilot)
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        assert backend.demo_mutator.calls[-1] == ("leave_swarm", (True,))
        assert [e.command for e in app.session.journal.entries] == [
            "docker swarm join-token --rotate worker",
            "docker swarm leave --force",
        ]


# Rollout --------------------------------------------------------------------------------


async def test_rollout_polls_then_rolls_back_and_stops_polling_on_close() -> None:
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        app.main_screen.select_object("services", WEB_ID)
        await pilot.press("o")
        await wait_screen(pilot, RolloutScreen, "the rollout")
        screen = app.screen
        assert isinstance(screen, RolloutScreen)
        await wait_until(pilot, lambda: screen.rollout is not None, "the first poll")
        assert screen.rollout is not None and screen.rollout.progress == (2, 3)
        assert "swarmtui-workload:0 -> swarmtui-workload:1" in static_text(app, "#rollout-summary")
        assert "task: non-zero exit (1)" in static_text(app, "#rollout-failures")
        before = backend.requests
        await wait_until(pilot, lambda: backend.requests >= before + 2, "another poll")
        await pilot.press("b")
        await confirm(app, pilot)
        await wait_until(pilot, lambda: app.screen is screen, "back to the rollout")
        assert backend.demo_mutator.calls == [("rollback_service", (WEB_ID,))]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "the main screen")
        assert screen._stop.is_set()


# Journal --------------------------------------------------------------------------------


async def test_journal_export_has_the_commands_and_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    backend = DemoBackend()
    async with running_demo(backend) as (app, pilot):
        await pilot.press("2", "s", "ctrl+u", "5", "enter")
        await wait_until(pilot, lambda: app.session.journal.entries, "the scale to be journaled")
        app.session.journal.record(
            DEMO_NOW,
            f"docker swarm join --token {DEMO_WORKER_TOKEN} 172.30.0.2:2377",
            False,
            f"refused {DEMO_MANAGER_TOKEN}",
        )
        await pilot.press("J")
        await wait_screen(pilot, JournalScreen, "the journal")
        await pilot.pause()
        await pilot.press("e")
        await wait_until(pilot, lambda: list(tmp_path.glob("swarmtui-journal-*.sh")), "the file")
        (path,) = tmp_path.glob("swarmtui-journal-*.sh")
        script = path.read_text()
        assert "\ndocker service scale helloworld=5\n" in script
        assert "# docker swarm join --token SWMTKN-1-<masked> 172.30.0.2:2377" in script
        assert not any(token in script for token in TOKENS)
        assert stat.S_IMODE(path.stat().st_mode) == 0o755
        await wait_until(pilot, lambda: any(str(path) in m for m in notifications(app)), "notify")
