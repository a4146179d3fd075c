"""`swarmtui`: the command line; each command lives in its own module."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from swarmtui.cli.completion import (
    COMPLETE_COMMAND,
    add_completion_parser,
    run_complete,
    run_completion,
)
from swarmtui.cli.console import run_console
from swarmtui.cli.lab import run_lab
from swarmtui.cli.machine import add_machine_parser, run_machine
from swarmtui.cli.output import DEFAULT_LAB
from swarmtui.cli.serve import add_serve_parser, run_serve
from swarmtui.cli.stack import add_stack_parser, run_stack


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swarmtui", description="A keyboard-driven terminal console for Docker Swarm."
    )
    parser.add_argument("--version", action=VersionAction, help="print the version and exit")
    parser.add_argument(
        "-H",
        "--host",
        action="append",
        default=[],
        metavar="URL",
        help="manager endpoint: unix:///path, tcp://host:port or ssh://user@host[:port]; "
        "repeat for several managers",
    )
    parser.add_argument("-c", "--context", help="docker context to use")
    parser.add_argument("--tlsverify", action="store_true", help="verify the tcp:// server")
    parser.add_argument("--tlscacert", help="CA certificate for --tlsverify")
    parser.add_argument("--tlscert", help="client certificate")
    parser.add_argument("--tlskey", help="client key")
    parser.add_argument(
        "--read-only", action="store_true", help="refuse and hide every mutating action"
    )
    parser.add_argument(
        "--mouse",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mouse reporting (clicks, wheel); off by default: it takes the terminal's own "
        "text selection away (config: mouse = true)",
    )
    parser.add_argument(
        "--config", type=Path, help="config file (default: ~/.config/swarmtui/config.toml)"
    )
    parser.add_argument(
        "--lab",
        default=DEFAULT_LAB,
        help="lab used when no manager is configured; its nodes are listed as machines",
    )
    sub = parser.add_subparsers(dest="command")
    lab = sub.add_parser("lab", help="the local lab swarm of Docker-in-Docker nodes")
    lab.add_argument(
        "action",
        choices=("up", "down", "status", "load"),
        help="up: create or start it; down: remove it; status: its nodes; load: copy an image in",
    )
    lab.add_argument("image", nargs="?", help="load: a local image to copy into every node")
    lab.add_argument("--name", default=DEFAULT_LAB, help=f"the lab's name (default {DEFAULT_LAB})")
    lab.add_argument("--managers", type=int, default=1, help="up: manager nodes (default 1)")
    lab.add_argument("--workers", type=int, default=2, help="up: worker nodes (default 2)")
    add_machine_parser(sub)
    add_stack_parser(sub)
    add_serve_parser(sub)
    add_completion_parser(sub)
    return parser


class VersionAction(argparse.Action):
    """Prints the version and exits, as argparse's `version` action does, the version read
    only when asked: reading the installed distribution's metadata costs every start some
    15 ms."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        print(f"{parser.prog} {package_version()}")
        parser.exit()


def package_version() -> str:
    """The installed distribution's version (the wheel's metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("swarmtui")
    except PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == [COMPLETE_COMMAND]:
        gc.enable()  # held by the entry point for the console's start only
        return run_complete(build_parser(), words[1:])
    args = build_parser().parse_args(words)
    if args.command is not None:
        gc.enable()
    if args.command == "lab":
        return run_lab(args)
    if args.command == "machine":
        return run_machine(args)
    if args.command == "stack":
        return run_stack(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "completion":
        return run_completion(args)
    return run_console(args)


if __name__ == "__main__":
    sys.exit(main())
