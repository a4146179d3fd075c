"""ctrl+z and `fg` in an interactive bash, in a real pseudo-terminal: the console gives the
terminal back to the shell and stops; `fg` brings it back and it repaints its screen."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers.pty_console import ENTER, SWARMTUI, PtyConsole

PROMPT = "suspend-test$ "
CTRL_Z = "\x1a"
UNREACHABLE = "tcp://127.0.0.1:9"  # the problem screen, at once, no lab needed


def children_states(parent: int) -> list[str]:
    """The state letter (R, S, T...) of each child process of PARENT."""
    states = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            states.append(fields[0])
    return states


def prompt_last(terminal: PtyConsole) -> bool:
    """Bash's prompt is the last thing written (pyte has no alternate screen: the console's
    drawing stays under it)."""
    return bytes(terminal.transcript).rstrip().endswith(PROMPT.rstrip().encode())


def test_ctrl_z_suspends_and_fg_restores(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    bash = shutil.which("bash") or "/bin/bash"
    with PtyConsole(
        [], home, cols=100, rows=30, program=[bash, "--norc", "-i"], extra_env={"PS1": PROMPT}
    ) as terminal:
        terminal.wait_for(PROMPT, what="bash's prompt")
        terminal.write(f"{SWARMTUI} --host {UNREACHABLE}{ENTER}")
        terminal.wait_for("Retry", what="the console's problem screen")
        terminal.write(CTRL_Z)
        terminal.wait_for(
            lambda text: "Stopped" in text and prompt_last(terminal),
            what="bash's prompt after the console stopped",
        )
        assert children_states(terminal.pid) == ["T"], "the console is not stopped"
        terminal.write(f"clear; fg{ENTER}")
        terminal.wait_for(
            lambda text: "Retry" in text and PROMPT not in text, what="the console repainted"
        )
        assert children_states(terminal.pid) in (["S"], ["R"])
        terminal.write("q")
        terminal.wait_for(
            lambda text: prompt_last(terminal) and not children_states(terminal.pid),
            what="the console ended and bash's prompt",
        )
