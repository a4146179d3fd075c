"""`swarmtui --help` and every subcommand's help explain each option and argument."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from swarmtui.cli.main import build_parser, main, package_version


def every_parser(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from every_parser(child, (*path, name))


def options_and_arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """Every action but the subcommand choice (its subcommands have their own help lines)."""
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


def test_every_option_and_argument_has_a_one_line_help() -> None:
    missing = []
    for path, parser in every_parser(build_parser()):
        for action in options_and_arguments(parser):
            text = action.help if isinstance(action.help, str) else ""
            name = "/".join(action.option_strings) or action.dest
            if not text.strip() or "\n" in text:
                missing.append(f"swarmtui {' '.join(path)}: {name}")
    assert not missing, "options without a one-line help:\n" + "\n".join(missing)


def test_every_subcommand_has_a_help_line() -> None:
    missing = []
    for path, parser in every_parser(build_parser()):
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            described = {choice.dest for choice in action._choices_actions if choice.help}
            missing += [
                f"swarmtui {' '.join((*path, n))}" for n in action.choices if n not in described
            ]
    assert not missing, "subcommands without a help line:\n" + "\n".join(missing)
    assert len(list(every_parser(build_parser()))) > 15  # the walk reached the nested commands


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    for path, parser in every_parser(build_parser()):
        with pytest.raises(SystemExit) as exit_:
            main([*path, "--help"])
        assert exit_.value.code == 0
        shown = capsys.readouterr().out
        for action in options_and_arguments(parser):
            for option in action.option_strings:
                assert option in shown, f"swarmtui {' '.join(path)} --help lacks {option}"
            assert isinstance(action.help, str)
            # argparse wraps the help text: compare its first words.
            assert " ".join(action.help.split()[:2]) in " ".join(shown.split())


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert package_version() == version("swarmtui")
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"swarmtui {version('swarmtui')}\n"


def test_the_readme_reference_names_every_command_and_option() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    # The first cell's words, e.g. `machine start\|stop NAME` -> machine, start, stop, NAME.
    rows = [
        re.split(r"[ \\|]+", match.group(1))
        for match in re.finditer(r"^\| `(.+?)` \|", section, re.MULTILINE)
    ]
    missing = []
    for path, parser in every_parser(build_parser()):
        if path and not any(row[0] == path[0] and path[-1] in row for row in rows):
            missing.append(" ".join(path))
        for action in options_and_arguments(parser):
            missing += [
                f"{' '.join(path)} {option}"
                for option in action.option_strings
                if option not in ("-h", "--help")
                and f"`{option}" not in section
                and f", {option}" not in section
            ]
    assert not missing, "README's command reference lacks:\n" + "\n".join(missing)
