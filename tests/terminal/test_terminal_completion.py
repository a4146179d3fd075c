"""Shell completion in real shells: the script `swarmtui completion bash` prints, loaded into
bash, completes subcommands, machine names (from the machine store) and docker context names
by running the installed `swarmtui __complete`.

Two ways in: the completion function called as bash's programmable completion calls it
(COMP_WORDS, COMP_CWORD), for exact candidate lists; and an interactive bash in a
pseudo-terminal where TAB is typed, for readline's own use of the registration.
zsh runs only where it is installed (the suite does not install it): the zsh script is
otherwise covered by tests/unit/test_completion.py, which checks its generation.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers.pty_console import SWARMTUI

from swarmtui.machines.model import MachineRecord
from swarmtui.machines.store import MachineStore

MACHINES = ("alpha", "beta", "bravo")
CONTEXTS = ("prod-eu", "staging")


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """A home with three stored machines and two docker contexts; the installed swarmtui
    first on PATH."""
    home = tmp_path / "home"
    data = home / ".local" / "share"
    store = MachineStore(data / "swarmtui" / "machines.json")
    for name in MACHINES:
        store.add(MachineRecord(name=name, driver="ssh", address=f"10.9.0.{len(name)}"))
    for name in CONTEXTS:
        digest = hashlib.sha256(name.encode()).hexdigest()
        folder = home / ".docker" / "contexts" / "meta" / digest
        folder.mkdir(parents=True)
        endpoint = {"docker": {"Host": "tcp://10.9.0.1:2375", "SkipTLSVerify": False}}
        (folder / "meta.json").write_text(json.dumps({"Name": name, "Endpoints": endpoint}))
    return {
        "PATH": f"{SWARMTUI.parent}{os.pathsep}/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(data),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
    }


CALL_COMPLETION = """
source <(swarmtui completion bash)
registration=$(complete -p swarmtui) || exit 3
function=${registration#*-F }; function=${function%% *}
complete_line() {
    COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
    read -r -a COMP_WORDS <<< "$COMP_LINE"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    "$function" swarmtui "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "$COMP_LINE|${COMPREPLY[*]}"
}
echo "registered: $registration"
"""


def bash_completions(env: dict[str, str], *lines: str) -> dict[str, list[str]]:
    """The candidates bash's completion function leaves in COMPREPLY for each LINE."""
    script = CALL_COMPLETION + "".join(f"complete_line {_quote(line)}\n" for line in lines)
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "registered: complete -o default -F _swarmtui_complete swarmtui", out
    answers = dict(line.split("|", 1) for line in out[1:])
    return {line: answers[line].split() for line in lines}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def test_bash_completes_subcommands_machines_and_contexts(shell_env: dict[str, str]) -> None:
    answers = bash_completions(
        shell_env,
        "swarmtui ",
        "swarmtui mach",
        "swarmtui machine st",
        "swarmtui machine rm b",
        "swarmtui machine ssh ",
        "swarmtui --context ",
        "swarmtui -c st",
        "swarmtui stack deploy --resolve-image ",
        "swarmtui --read-",
    )
    # Every subcommand (others may join these), never the hidden __complete.
    subcommands = answers.pop("swarmtui ")
    assert {"lab", "machine", "stack", "completion"} <= set(subcommands)
    assert "__complete" not in subcommands
    assert answers == {
        "swarmtui mach": ["machine"],
        "swarmtui machine st": ["start", "stop"],
        "swarmtui machine rm b": ["beta", "bravo"],
        "swarmtui machine ssh ": list(MACHINES),
        "swarmtui --context ": ["default", *CONTEXTS],
        "swarmtui -c st": ["staging"],
        "swarmtui stack deploy --resolve-image ": ["always", "changed", "never"],
        "swarmtui --read-": ["--read-only"],
    }


def test_tab_in_an_interactive_bash(shell_env: dict[str, str], tmp_path: Path) -> None:
    """TAB typed into `bash -i` in a pty: readline completes a unique machine name in place
    and lists the contexts on a second TAB."""
    rcfile = tmp_path / "bashrc"
    rcfile.write_text("PS1='ready> '\nsource <(swarmtui completion bash)\n")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/bash", ["bash", "--noprofile", "--rcfile", str(rcfile), "-i"], shell_env)
    output = bytearray()
    try:
        read_until(fd, output, b"ready> ")
        os.write(fd, b"swarmtui machine ssh alp\t")
        read_until(fd, output, b"alpha ")
        # ctrl-a, then echo the line instead of running it: the completed line, as typed.
        os.write(fd, b"\x01echo picked \r")
        read_until(fd, output, b"picked swarmtui machine ssh alpha\r\n")
        listed_from = len(output)
        os.write(fd, b"swarmtui --context \t\t")
        # The list, then the prompt and the line again below it.
        read_until(fd, output, b"\r\nready> swarmtui --context ")
        listing = bytes(output[listed_from:]).split()
        assert all(name.encode() in listing for name in ("default", *CONTEXTS)), listing
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def read_until(fd: int, output: bytearray, wanted: bytes, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    start = len(output)
    while wanted not in output[start:]:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {wanted!r} from bash; it wrote:\n{bytes(output)!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                output += os.read(fd, 4096)
            except OSError:
                break
    assert wanted in output[start:], f"bash ended before {wanted!r}:\n{bytes(output)!r}"


ZSH = shutil.which("zsh")


@pytest.mark.skipif(ZSH is None, reason="zsh is not installed here")
def test_zsh_script_completes_machines_and_contexts(shell_env: dict[str, str]) -> None:
    """The zsh function with compadd recorded (no compinit needed outside a completion)."""
    script = """
    compdef() { :; }
    compadd() { [[ $1 == -- ]] && shift; print -r -- "added: $*"; }
    _files() { print -r -- "files"; }
    source <(swarmtui completion zsh)
    words=(swarmtui machine rm b); CURRENT=4; _swarmtui
    words=(swarmtui --context ''); CURRENT=3; _swarmtui
    words=(swarmtui stack deploy -c ''); CURRENT=5; _swarmtui
    words=(swarmtui ma); CURRENT=2; _swarmtui
    """
    result = subprocess.run(
        [str(ZSH), "-f", "-c", script],
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "added: beta bravo",
        f"added: default {' '.join(CONTEXTS)}",
        "files",
        "added: machine",
    ]
