"""Resizing the terminal the installed console runs in, as a user on a jump host does.

A storm of 50 resizes in one second (each a TIOCSWINSZ on the pty: the kernel signals
SIGWINCH to the console) ends in a screen drawn for the last size, a live console and no
traceback. Every main screen, shrunk to 80x24 and grown back to 120x40, still shows its
footer with `? Help` and still obeys a key.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.pty_console import ENTER, ESC, PtyConsole
from helpers.swarm import create_service

from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab

STORM = 50
STORM_SECONDS = 1.0
FINAL = (100, 30)
MAIN = "[2] Services"


def drawn_for(cols: int, rows: int, marker: str) -> Any:
    """A predicate: the screen shows MARKER and the footer with `? Help` on its last row, and
    every pane line between the header and the footer is boxed at both edges of COLS (a
    screen drawn for another width leaves a border inside or cut off)."""

    def check(screen: str) -> bool:
        lines = screen.split("\n")
        if len(lines) != rows or marker not in screen or "? Help" not in lines[-1]:
            return False
        boxed = [line for line in lines[:-1] if line[:1] in "╭│╰"]
        return bool(boxed) and all(len(line) == cols and line[-1] in "╮│╯" for line in boxed)

    return check


@pytest.fixture
def console(lab_swarm: Lab, tmp_path: Path) -> Iterator[PtyConsole]:
    home = tmp_path / "home"
    home.mkdir()
    with PtyConsole(["--host", lab_swarm.manager_url], home, cols=120, rows=40) as running:
        running.wait_for("manager1", what="the nodes pane")
        yield running


def test_resize_storm_leaves_a_correct_screen(console: PtyConsole) -> None:
    sizes = random.Random(15)
    started = time.monotonic()
    for _ in range(STORM - 1):
        console.resize(sizes.randint(60, 200), sizes.randint(16, 60))
        time.sleep(STORM_SECONDS / STORM)
    console.resize(*FINAL)
    assert time.monotonic() - started < STORM_SECONDS * 3  # a storm, even on a loaded machine
    console.wait_for(drawn_for(*FINAL, MAIN), what=f"the main screen drawn at {FINAL}")
    console.write("5")
    console.wait_for(drawn_for(*FINAL, "[5] Secrets"), what="the secrets pane after the storm")
    assert console.running
    assert b"Traceback" not in console.transcript


# (keys that open the screen, what it shows, a key that works there, what that key shows)
SCREENS = [
    pytest.param("1", "[1] Nodes", "2", MAIN, id="nodes"),
    pytest.param("3", "[3] Tasks", "1", "[1] Nodes", id="tasks"),
    pytest.param("4", "[4] Stacks", "1", "[1] Nodes", id="stacks"),
    pytest.param("5", "[5] Secrets", "1", "[1] Nodes", id="secrets"),
    pytest.param("6", "[6] Configs", "1", "[1] Nodes", id="configs"),
    pytest.param("7", "[7] Networks", "1", "[1] Nodes", id="networks"),
    pytest.param("V", "events", ESC, MAIN, id="events"),
    pytest.param("C", "enter: connect", ESC, MAIN, id="contexts"),
    pytest.param("?", "Remap in", ESC, MAIN, id="help"),
    pytest.param("{inspect}", "Inspect service", ESC, MAIN, id="inspect"),
]


@pytest.mark.parametrize(("keys", "shown", "key", "after"), SCREENS)
def test_each_screen_shrunk_and_grown_back(
    console: PtyConsole,
    manager_client: Any,
    prefix: str,
    keys: str,
    shown: str,
    key: str,
    after: str,
) -> None:
    if keys == "{inspect}":
        name = f"{prefix}-insp"
        service_id = create_service(
            manager_client,
            {
                "Name": name,
                "TaskTemplate": {
                    "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "1d"]}
                },
                "Mode": {"Replicated": {"Replicas": 1}},
            },
        )
        console.wait_for(service_id[:12], what=name)
        keys = f"2/{name}{ENTER}{ENTER}"
    console.write(keys)
    console.wait_for(drawn_for(120, 40, shown), what=f"{shown!r} at 120x40")
    console.resize(80, 24)
    console.wait_for(drawn_for(80, 24, shown), what=f"{shown!r} shrunk to 80x24")
    console.resize(120, 40)
    console.wait_for(drawn_for(120, 40, shown), what=f"{shown!r} grown back to 120x40")
    console.write(key)
    console.wait_for(drawn_for(120, 40, after), what=f"{after!r} after {key!r}")
    assert b"Traceback" not in console.transcript
