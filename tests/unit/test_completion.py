"""Shell completion: the candidates `swarmtui __complete` answers for each kind of word."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from swarmtui.cli.completion import SCRIPTS, NameSources, complete, context_names, machine_names
from swarmtui.cli.main import build_parser, main
from swarmtui.machines.model import MachineRecord
from swarmtui.machines.store import MachineStore

NAMES = NameSources(
    machines=lambda: ["alpha", "beta", "box1"], contexts=lambda: ["default", "prod", "staging"]
)


def candidates(*words: str) -> list[str]:
    """The candidates for the last of WORDS, as the shell asks while it is typed."""
    line = ["swarmtui", *words]
    return complete(build_parser(), line, len(line) - 1, NAMES)


def test_subcommands_at_every_level() -> None:
    top = candidates("")
    assert {"lab", "machine", "stack", "completion"} <= set(top)
    assert not [name for name in top if name.startswith(("-", "_"))]
    assert candidates("ma") == ["machine"]
    assert candidates("machine", "s") == ["start", "stop", "ssh"]
    assert candidates("stack", "") == ["deploy", "ls", "services", "ps", "rm", "export"]
    # Global options before the subcommand, with their values, are stepped over.
    assert candidates("-H", "tcp://m1:2375", "--read-only", "st") == ["stack"]


def test_options_of_the_command_being_typed() -> None:
    assert candidates("--re") == ["--read-only"]
    assert "--version" in candidates("--")
    assert candidates("stack", "deploy", "--re") == ["--resolve-image"]
    assert candidates("machine", "create", "--pro") == ["--proxy-jump"]


def test_choices_of_options_and_arguments() -> None:
    assert candidates("lab", "") == ["up", "down", "status", "load"]
    assert candidates("machine", "create", "box2", "--driver", "") == ["dind", "ssh"]
    assert candidates("stack", "deploy", "--resolve-image", "n") == ["never"]
    assert candidates("completion", "") == ["bash", "zsh"]


def test_context_names_for_the_context_option() -> None:
    assert candidates("--context", "") == ["default", "prod", "staging"]
    assert candidates("-c", "st") == ["staging"]
    # bash splits --context=prod at the "=" (COMP_WORDBREAKS).
    assert candidates("--context", "=", "p") == ["prod"]


def test_machine_names_where_a_machine_is_named() -> None:
    for command in ("start", "stop", "rm", "ssh", "join", "leave", "retire"):
        assert candidates("machine", command, "b") == ["beta", "box1"], command
    assert candidates("machine", "rm", "--force", "a") == ["alpha"]
    # create names a new machine; ssh's remote command is the machine's business.
    assert candidates("machine", "create", "") == []
    assert candidates("machine", "ssh", "alpha", "") == []
    assert candidates("machine", "ssh", "alpha", "ls", "-") == []


def test_files_are_left_to_the_shell() -> None:
    # An empty answer: the scripts fall back to file names (compose files, keys).
    assert candidates("stack", "deploy", "-c", "") == []
    assert candidates("--tlscacert", "") == []


def test_names_are_read_only_when_needed() -> None:
    def refuse() -> list[str]:
        raise AssertionError("read although not needed")

    lazy = NameSources(machines=refuse, contexts=refuse)
    assert complete(build_parser(), ["swarmtui", "machine", ""], 2, lazy) == [
        "create",
        "ls",
        "start",
        "stop",
        "rm",
        "ssh",
        "join",
        "leave",
        "retire",
    ]


def test_the_hidden_command_prints_one_candidate_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["__complete", "2", "swarmtui", "lab", "s"]) == 0
    assert capsys.readouterr().out == "status\n"
    assert main(["__complete", "not-a-number"]) == 2
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "__complete" not in capsys.readouterr().out


def test_names_come_from_the_machine_store_and_the_docker_contexts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    assert machine_names() == []
    assert context_names() == ["default"]
    store = MachineStore()
    for name in ("web2", "db1"):
        store.add(MachineRecord(name=name, driver="dind", address="10.0.0.2"))
    for name in ("prod", "lab-ctx"):
        folder = (
            tmp_path / "docker" / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
        )
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text(json.dumps({"Name": name, "Endpoints": {}}))
    assert machine_names() == ["db1", "web2"]
    assert context_names() == ["default", "lab-ctx", "prod"]
    # A damaged store gives no names, not a traceback in the middle of the command line.
    store.path.write_text("{broken")
    assert machine_names() == []


def test_the_scripts_call_the_hidden_command(capsys: pytest.CaptureFixture[str]) -> None:
    for shell, script in SCRIPTS.items():
        assert main(["completion", shell]) == 0
        assert capsys.readouterr().out == script
        assert "__complete" in script
    assert "complete -o default -F _swarmtui_complete swarmtui" in SCRIPTS["bash"]
    assert "compdef _swarmtui swarmtui" in SCRIPTS["zsh"]
