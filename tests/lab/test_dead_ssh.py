"""A dead ssh:// endpoint cannot freeze the console: the engine behind it is frozen (its node
container paused: TCP still connects, sshd never answers), the UI keeps answering keys, and
the connection gives up with a clear screen."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pilot import wait_until

from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.adapters.docker.lab import lab_add_ssh_key, lab_down, lab_node_host_keys, lab_up
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import ProblemKind
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.help_screen import HelpScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen


@pytest.fixture
def frozen_ssh_engine(
    engine: Any, run_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """ssh:// URL of a node whose container is paused, with HOME set up to trust it."""
    name = f"swarmtui-ds{run_id}"
    ssh_dir = tmp_path / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    key = ssh_dir / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    container = None
    try:
        lab = lab_up(name, managers=1, workers=0, sshd=True)
        lab_add_ssh_key(name, key.with_suffix(".pub").read_text())
        node = lab.managers[0]
        (ssh_dir / "known_hosts").write_text(lab_node_host_keys(node.address))
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
        container = engine.containers.get(node.container_id)
        container.pause()
        yield f"ssh://root@{node.address}"
    finally:
        if container is not None:
            container.reload()
            if container.status == "paused":
                container.unpause()
        lab_down(name)


async def test_a_frozen_ssh_endpoint_does_not_freeze_the_console(
    frozen_ssh_engine: str,
) -> None:
    endpoints = [Endpoint(frozen_ssh_engine, "--host")]
    app = SwarmTuiApp(
        Session(lambda: connect(endpoints), Config(), endpoint_label=frozen_ssh_engine)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.monotonic()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen), "the UI answers while ssh hangs"
        answered = time.monotonic() - started
        # Answered while the connection still hangs: a UI frozen by it would answer only
        # after giving up, with the problem screen already under the help.
        assert not any(isinstance(s, ProblemScreen) for s in app.screen_stack), app.screen_stack
        assert app.main_screen.snapshot is None
        await pilot.press("escape")
        screen = await wait_until(
            pilot,
            lambda: (
                app.screen
                if isinstance(app.screen, ProblemScreen) and app.screen.is_mounted
                else None
            ),
            "the connection to give up",
            timeout=90,
        )
        gave_up = time.monotonic() - started
        assert screen.error.kind is ProblemKind.UNREACHABLE
        print(f"keys answered after {answered:.2f} s; ssh gave up after {gave_up:.1f} s")
        await app.action_quit()
