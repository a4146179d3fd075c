"""The console's start imports only what its first screen needs (issue 16: first paint).

The real entry point (`swarmtui.cli.main.main`) runs in a subprocess until its first screen
is up (headless: no engine answers at the socket given, so the problem screen follows the
main screen), then lists the modules loaded. What only a later key needs (the machine
drivers and paramiko, the logs code, stacks and compose parsing, the service editor, the
diagnosis' evidence, the other screens) must not be among them. The time it saves is
measured by benchmark figure 5, not here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from functools import cache

CONSOLE_START = textwrap.dedent(
    """
    import asyncio
    import sys

    import textual.app

    def run_headless(self, **kwargs):
        async def until_first_screen():
            async with self.run_test(size=(120, 40)) as pilot:
                while type(self.screen).__name__ != "ProblemScreen":
                    await pilot.pause(0.05)
                print("SCREENS", *[type(s).__name__ for s in self.screen_stack])

        asyncio.run(until_first_screen())

    textual.app.App.run = run_headless
    from swarmtui.cli.main import main

    main(["--host", "unix:///nonexistent/docker.sock", "--config", "/nonexistent/c.toml"])
    print("MODULES", *sorted(sys.modules))
    """
)

# Loaded when first used, never at the start.
NOT_AT_START = (
    "paramiko.transport",  # the real paramiko, not the stand-in docker-py binds
    "cryptography",
    "nacl",
    "invoke",
    "yaml",
    "aiohttp",  # swarmtui serve's
    "textual_serve",
    "swarmtui.cli.serve_server",
    "swarmtui.adapters.ssh.ssh_driver",
    "swarmtui.adapters.ssh.ssh_connection",
    "swarmtui.adapters.docker.dind_driver",
    "swarmtui.adapters.docker.lab_machines",
    "swarmtui.adapters.docker.log_stream",
    "swarmtui.adapters.docker.mutations",
    "swarmtui.machines.manager",
    "swarmtui.machines.store",
    "swarmtui.logs.log_follower",
    "swarmtui.stacks.loader",
    "swarmtui.stacks.deploy",
    "swarmtui.stacks.export",
    "swarmtui.actions.service_edit",
    "swarmtui.actions.stack_operations",
    "swarmtui.session.why",
    "swarmtui.diagnosis.explain",  # the panes' marks need diagnosis.marking only
    "swarmtui.actions.service_form",
    "swarmtui.ui.help_groups",
    "swarmtui.ui.screens.log_screen",
    "swarmtui.ui.screens.help_screen",
    "swarmtui.ui.screens.why_screen",
    "swarmtui.ui.screens.machines_screen",
    "swarmtui.ui.screens.top_screen",
    "swarmtui.ui.screens.events_screen",
    "swarmtui.ui.screens.contexts_screen",
    "swarmtui.ui.screens.inspect_screen",
    "swarmtui.ui.screens.rollout_screen",
    "swarmtui.ui.screens.edit_service_screen",
    "swarmtui.ui.screens.create_service_screen",
    "swarmtui.ui.modals.stack_deploy_modal",
    "swarmtui.ui.modals.create_machine_dialog",
    "swarmtui.ui.modals.shell_modal",
)


@cache
def console_start() -> tuple[list[str], set[str]]:
    """The screens up after the start and every module loaded by then."""
    result = subprocess.run(
        [sys.executable, "-c", CONSOLE_START],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line.split(" ", 1)[0]: line.split()[1:] for line in result.stdout.splitlines()}
    return lines["SCREENS"], set(lines["MODULES"])


def loaded_among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """NAMES loaded themselves or by a submodule."""
    return [n for n in names if any(m == n or m.startswith(f"{n}.") for m in modules)]


def test_the_console_started_its_first_screen() -> None:
    screens, modules = console_start()
    assert screens[-2:] == ["MainScreen", "ProblemScreen"]
    # not vacuous: the engine library and the main screen's panes are there
    assert {"docker", "swarmtui.ui.widgets.panes", "swarmtui.session.session"} <= modules


def test_what_only_a_later_key_needs_is_not_imported_at_the_start() -> None:
    _, modules = console_start()
    assert loaded_among(modules, NOT_AT_START) == []


def test_the_loaded_check_sees_submodules() -> None:
    modules = {"yaml.reader", "swarmtui.stacks.loader", "paramiko"}
    assert loaded_among(modules, ("yaml", "swarmtui.stacks", "paramiko.transport")) == [
        "yaml",
        "swarmtui.stacks",
    ]
