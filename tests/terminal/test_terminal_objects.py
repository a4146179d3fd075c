"""The secret form in a real pseudo-terminal on the lab: `5`, `c`, a name and a typed value
written in ONE write(), as an SSH link or a paste delivers them. The value is shown as dots
only: it is in no screen the console drew, and the engine holds the new secret."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pty_console import ENTER, TAB, PtyConsole
from helpers.swarm import remove_secrets_named

from swarmtui.adapters.docker.lab import Lab

VALUE = "pty-typed-Secret-7q2w"
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|[@-Z\\-_]|\][^\x07\x1b]*(\x07|\x1b\\))")


@pytest.fixture
def secret_name(manager_client: Any, unique_name: str) -> Iterator[str]:
    name = unique_name.split("-test-")[0] + "-typed-pw"  # short: whole in the pane's column
    try:
        yield name
    finally:
        remove_secrets_named(manager_client, name)


def test_secret_typed_in_one_write_is_masked(
    lab_swarm: Lab, tmp_path: Path, manager_client: Any, secret_name: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(
        ["--host", lab_swarm.manager_url], home, cols=120, rows=40, keep_screens=True
    ) as console:
        console.wait_for("manager1", what="the nodes pane")
        # The form in one write; `enter` after its command line is on screen (a burst
        # handled before the next frame is never painted half-way).
        console.write("5c" + secret_name + TAB + TAB + VALUE)
        console.wait_for(f"docker secret create {secret_name} -", what="the form's command")
        console.write(ENTER)
        console.wait_for(
            lambda text: "Create secret" not in text and secret_name in text,
            what="the new secret in the secrets pane",
        )
        drawn = ANSI.sub(b"", bytes(console.transcript)).decode("utf-8", "replace")
        shown = console.screens_shown()
    assert any(f"docker secret create {secret_name} -" in s for s in shown)  # the form
    assert any("•" in screen for screen in shown)  # the value as dots
    assert not any(VALUE in screen for screen in shown)
    assert VALUE not in drawn and VALUE not in "".join(drawn.split())  # nor on the wire
    assert [s.name for s in manager_client.secrets.list() if s.name == secret_name] == [secret_name]
