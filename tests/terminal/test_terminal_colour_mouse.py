"""What the installed console writes to a real terminal: only the colours the terminal has,
and mouse reporting only when asked for.

Colours: with TERM=xterm, linux or screen (16 colours) every SGR colour code is one of the 16
(30-37, 90-97 and their backgrounds); with NO_COLOR=1 (Textual paints in greys, which keeps the
cursor and the focused pane visible) no code carries a hue. Either way the nodes pane reads
Ready, Active and Leader as words. Mouse: off by default (reporting takes the terminal's own
selection away, over SSH too); `--mouse` or `mouse = true` in the config turn it on,
`--no-mouse` wins over the config.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.pty_console import PtyConsole

from swarmtui.adapters.docker.lab import Lab

SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
# DECSET modes that make a terminal report the mouse (X10/normal, button, any motion, SGR, urxvt)
MOUSE_MODES = (b"\x1b[?1000h", b"\x1b[?1002h", b"\x1b[?1003h", b"\x1b[?1006h", b"\x1b[?1015h")
SIXTEEN = {*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)}
UNREACHABLE = ["--host", "tcp://127.0.0.1:9"]  # the problem screen, at once, no lab needed


def colour_codes(transcript: bytes) -> Iterator[tuple[str, ...]]:
    """Each colour an SGR sequence sets: ("16", code), ("256", n) or ("rgb", r, g, b)."""
    for match in SGR.finditer(transcript):
        params = [p for p in re.split(r"[;:]", match.group(1).decode()) if p != ""]
        i = 0
        while i < len(params):
            code = int(params[i])
            if code in (38, 48) and params[i + 1 : i + 2] == ["5"]:
                yield ("256", params[i + 2])
                i += 3
            elif code in (38, 48) and params[i + 1 : i + 2] == ["2"]:
                yield ("rgb", *params[i + 2 : i + 5])
                i += 5
            else:
                if code in SIXTEEN:
                    yield ("16", str(code))
                i += 1


def is_grey(colour: tuple[str, ...]) -> bool:
    kind, *values = colour
    if kind == "rgb":
        return len(set(values)) == 1
    if kind == "256":
        index = int(values[0])
        # the greyscale ramp, the cube's greys, and black / greys / white of the first 16
        return index >= 232 or index in (0, 7, 8, 15, 16, 59, 102, 145, 188, 231)
    return int(values[0]) % 10 in (0, 7)  # black and white (30/37, 90/97 and backgrounds)


def nodes_shown(console: PtyConsole) -> str:
    screen = console.wait_for("Leader", what="the nodes pane with the leader")
    for word in ("Ready", "Active", "manager1", "worker1"):
        assert word in screen
    return screen


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.mark.parametrize("term", ["xterm", "linux", "screen"])
def test_sixteen_colours_only(lab_swarm: Lab, home: Path, term: str) -> None:
    with PtyConsole(["--host", lab_swarm.manager_url], home, term=term) as console:
        nodes_shown(console)
        transcript = bytes(console.transcript)
    colours = list(colour_codes(transcript))
    assert colours, "no colour at all"
    assert {kind for kind, *_ in colours} == {"16"}, sorted(set(colours))[:10]
    assert not any(mode in transcript for mode in MOUSE_MODES), "mouse on by default"


def test_no_color_writes_no_hue(lab_swarm: Lab, home: Path) -> None:
    env = {"NO_COLOR": "1"}
    with PtyConsole(["--host", lab_swarm.manager_url], home, extra_env=env) as console:
        nodes_shown(console)
        transcript = bytes(console.transcript)
    hues = {colour for colour in colour_codes(transcript) if not is_grey(colour)}
    assert not hues, sorted(hues)[:10]


def mouse_modes_written(args: list[str], home: Path) -> list[bytes]:
    with PtyConsole([*UNREACHABLE, *args], home, cols=80, rows=24) as console:
        console.wait_for("Retry", what="the unreachable manager's problem screen")
        transcript = bytes(console.transcript)
    return [mode for mode in MOUSE_MODES if mode in transcript]


def write_config(home: Path, text: str) -> None:
    folder = home / ".config" / "swarmtui"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(text)


def test_mouse_off_by_default(home: Path) -> None:
    assert mouse_modes_written([], home) == []


def test_mouse_flag_turns_it_on(home: Path) -> None:
    assert b"\x1b[?1000h" in mouse_modes_written(["--mouse"], home)


def test_mouse_from_the_config_and_the_flag_wins(home: Path) -> None:
    write_config(home, "mouse = true\n")
    assert b"\x1b[?1000h" in mouse_modes_written([], home)
    assert mouse_modes_written(["--no-mouse"], home) == []
