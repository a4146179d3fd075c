"""Shell completion: `swarmtui completion bash|zsh` prints a script; the script asks the
hidden `swarmtui __complete INDEX WORD...` for the candidates of the word at INDEX.

The candidates come from walking the argparse parser (subcommands, options, choices), so
they follow the command line as it grows; machine names (the machine store) and docker
context names are read from their files. Nothing here imports docker, so a TAB stays fast.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# The hidden subcommand the scripts call; main() dispatches on it before argparse.
COMPLETE_COMMAND = "__complete"

NameSource = Callable[[], list[str]]


def machine_names() -> list[str]:
    from swarmtui.machines.model import MachineError
    from swarmtui.machines.store import MachineStore

    try:
        return [record.name for record in MachineStore().list()]
    except MachineError:
        return []


def context_names() -> list[str]:
    from swarmtui.core.contexts import docker_context_names

    return docker_context_names(os.environ)


@dataclass(frozen=True)
class NameSources:
    """Where the dynamic names come from; read only when the word being completed needs them."""

    machines: NameSource = field(default=machine_names)
    contexts: NameSource = field(default=context_names)


# Machine subcommands whose NAME is an existing machine (create names a new one).
_MACHINE_COMMANDS = ("start", "stop", "rm", "ssh", "join", "leave", "retire")


def _dynamic_values(
    path: tuple[str, ...], action: argparse.Action, names: NameSources
) -> list[str]:
    if action.dest == "context":
        return names.contexts()
    existing_machine = len(path) == 2 and path[0] == "machine" and path[1] in _MACHINE_COMMANDS
    if existing_machine and action.dest == "name":
        return names.machines()
    return []


def _values(path: tuple[str, ...], action: argparse.Action, names: NameSources) -> list[str]:
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        return [str(choice) for choice in action.choices]
    return _dynamic_values(path, action, names)


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _option(parser: argparse.ArgumentParser, word: str) -> argparse.Action | None:
    return parser._option_string_actions.get(word.split("=", 1)[0])


def _positionals(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not a.option_strings]


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions for s in a.option_strings if a.help != argparse.SUPPRESS]


@dataclass
class _Walk:
    """Where the words before the current one leave the command line."""

    parser: argparse.ArgumentParser
    path: tuple[str, ...] = ()
    positionals_used: int = 0
    pending: argparse.Action | None = None  # an option waiting for its value
    finished: bool = False  # inside a free-form remainder (machine ssh COMMAND)


def _walk(parser: argparse.ArgumentParser, words: Sequence[str]) -> _Walk:
    state = _Walk(parser)
    for word in words:
        if state.finished:
            break
        if state.pending is not None:
            # bash splits --opt=value into three words; the "=" is not the value.
            if word != "=":
                state.pending = None
            continue
        option = _option(state.parser, word) if word.startswith("-") else None
        if option is not None:
            if _takes_value(option) and "=" not in word:
                state.pending = option
            continue
        if word.startswith("-"):
            continue
        _positional(state, word)
    return state


def _positional(state: _Walk, word: str) -> None:
    positionals = _positionals(state.parser)
    if state.positionals_used >= len(positionals):
        return
    action = positionals[state.positionals_used]
    if isinstance(action, argparse._SubParsersAction):
        chosen = action.choices.get(word)
        if chosen is not None:
            state.parser, state.path, state.positionals_used = chosen, (*state.path, word), 0
        return
    state.positionals_used += 1
    if action.nargs == argparse.REMAINDER:
        state.finished = True


def complete(
    parser: argparse.ArgumentParser,
    words: Sequence[str],
    index: int,
    names: NameSources | None = None,
) -> list[str]:
    """The candidates for WORDS[INDEX] (WORDS[0] is the program), those starting with it.

    An empty answer lets the shell fall back to file names (compose files, keys, certificates)."""
    names = names if names is not None else NameSources()
    current = words[index] if index < len(words) else ""
    state = _walk(parser, words[1:index])
    if state.finished:
        return []
    if state.pending is not None:
        candidates = _values(state.path, state.pending, names)
    elif current.startswith("-"):
        candidates = _option_strings(state.parser)
    else:
        candidates = _next_positional(state, names)
    return [c for c in candidates if c.startswith(current)]


def _next_positional(state: _Walk, names: NameSources) -> list[str]:
    positionals = _positionals(state.parser)
    if state.positionals_used >= len(positionals):
        return []
    action = positionals[state.positionals_used]
    if isinstance(action, argparse._SubParsersAction):
        return list(action.choices)
    return _values(state.path, action, names)


def run_complete(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int:
    """`swarmtui __complete INDEX WORD...`: one candidate a line."""
    try:
        index = int(argv[0])
    except (IndexError, ValueError):
        return 2
    for candidate in complete(parser, list(argv[1:]), index):
        print(candidate)
    return 0


BASH_SCRIPT = """\
# bash completion for swarmtui. Load it with:  source <(swarmtui completion bash)
# or keep it:  swarmtui completion bash > ~/.local/share/bash-completion/completions/swarmtui
_swarmtui_complete() {
    local IFS=$'\\n'
    COMPREPLY=($("${COMP_WORDS[0]}" __complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null))
}
complete -o default -F _swarmtui_complete swarmtui
"""

ZSH_SCRIPT = """\
#compdef swarmtui
# zsh completion for swarmtui. Load it with:  source <(swarmtui completion zsh)
# (after compinit), or save it as _swarmtui in a folder of $fpath.
_swarmtui() {
    local -a candidates
    candidates=("${(@f)$("${words[1]}" __complete "$((CURRENT - 1))" "${words[@]}" 2>/dev/null)}")
    candidates=("${(@)candidates:#}")
    if (( ${#candidates} )); then
        compadd -- "${candidates[@]}"
    else
        _files
    fi
}
if [[ "${funcstack[1]}" == "_swarmtui" ]]; then
    _swarmtui "$@"
else
    compdef _swarmtui swarmtui
fi
"""

SCRIPTS = {"bash": BASH_SCRIPT, "zsh": ZSH_SCRIPT}


def add_completion_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    completion = sub.add_parser(
        "completion", help="print the shell completion script for bash or zsh"
    )
    completion.add_argument(
        "shell", choices=tuple(SCRIPTS), help="the shell to write the script for"
    )


def run_completion(args: argparse.Namespace) -> int:
    print(SCRIPTS[args.shell], end="")
    return 0
