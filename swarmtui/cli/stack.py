"""`swarmtui stack deploy|ls|services|ps|rm|export`: stacks from the shell, without the docker CLI.

Every write goes through a Session (read-only refusal, journal) like the console's."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from swarmtui.cli.output import say
from swarmtui.core.config import ConfigError, load_config
from swarmtui.core.endpoints import EndpointError
from swarmtui.core.errors import BackendError

if TYPE_CHECKING:
    from swarmtui.session.session import Session
    from swarmtui.stacks.export import ExportedStack


def add_stack_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stack = sub.add_parser("stack", help="deploy, list and remove stacks (compose files)")
    ssub = stack.add_subparsers(dest="stack_command", required=True)
    deploy = ssub.add_parser("deploy", help="deploy or update a stack from compose files")
    deploy.add_argument(
        "-c",
        "--compose-file",
        action="append",
        required=True,
        type=Path,
        metavar="FILE",
        help="a compose file; repeat to merge several, later ones win",
    )
    deploy.add_argument("--prune", action="store_true", help="remove services not in the files")
    deploy.add_argument(
        "--resolve-image",
        choices=("always", "changed", "never"),
        default="always",
        help="pin each image to its registry digest: always (default), changed ones, never",
    )
    deploy.add_argument("--env-file", type=Path, help="variables for interpolation")
    deploy.add_argument(
        "--detach",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="return once sent (default); --no-detach waits for the services to converge",
    )
    deploy.add_argument("name", help="the stack's name")
    ssub.add_parser("ls", help="stacks and their services")
    for command, text in (("services", "services of a stack"), ("ps", "tasks of a stack")):
        ssub.add_parser(command, help=text).add_argument("name", help="the stack's name")
    remove = ssub.add_parser("rm", help="remove a stack (services, networks, secrets, configs)")
    remove.add_argument("name", help="the stack's name")
    export = ssub.add_parser(
        "export", help="write a compose file from a live stack (or chosen services)"
    )
    export.add_argument("name", nargs="?", help="the stack to export")
    export.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="SERVICE",
        help="export this service (name or id) instead of a whole stack; repeatable",
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="write DIR/docker-stack.yml and the config and secret files it names "
        "(default: print the compose file only)",
    )
    export.add_argument(
        "--no-subnets",
        action="store_true",
        help="leave the networks' subnets to the swarm (to deploy a copy beside the stack)",
    )


def run_stack(args: argparse.Namespace) -> int:
    try:
        with _session(args) as session:
            command = args.stack_command
            if command == "deploy":
                return _deploy(session, args)
            if command == "rm":
                return _remove(session, args.name)
            if command == "export":
                return _export(session, args)
            return _list(session, command, getattr(args, "name", ""))
    except (ConfigError, EndpointError) as exc:
        say(f"error: {exc}")
        return 2
    except _Unavailable as exc:
        say(f"error: {exc}")
        return 1


class _Unavailable(Exception):
    pass


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[Session]:
    from swarmtui.adapters.docker.docker_backend import connect
    from swarmtui.cli.console import console_endpoints
    from swarmtui.session.session import Connected, Session

    config = load_config(args.config)
    if args.read_only:
        config = replace(config, read_only=True)
    endpoints = console_endpoints(args, config)
    session = Session(lambda: connect(endpoints), config)
    outcome = session.connect()
    try:
        if not isinstance(outcome, Connected):
            error = getattr(outcome, "error", None)
            raise _Unavailable(
                error.message if error is not None else "the engine is not a swarm manager"
            )
        yield session
    finally:
        session.close()


def _deploy(session: Session, args: argparse.Namespace) -> int:
    from swarmtui.actions.operations import OperationRefused
    from swarmtui.actions.stack_operations import deploy_operation
    from swarmtui.stacks.compose_file import ComposeFileError
    from swarmtui.stacks.plan import StackSource

    source = StackSource(
        args.name,
        tuple(args.compose_file),
        env_file=args.env_file,
        prune=args.prune,
        resolve_image=args.resolve_image,
        detach=args.detach,
    )
    try:
        plan, operation = deploy_operation(source, lambda step: print(step.text().capitalize()))
    except ComposeFileError as exc:
        say(f"error: {exc}")
        return 1
    for warning in plan.warnings:
        say(f"warning: {warning}")
    try:
        session.execute(operation)
    except (OperationRefused, BackendError) as exc:
        say(f"error: {exc}")
        return 1
    if not args.detach:
        return _wait_converged(session, args.name)
    return 0


def _wait_converged(session: Session, stack: str, timeout: float = 600.0) -> int:
    import time

    from swarmtui.stacks.status import stack_services_converged

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = stack_services_converged(stack, session.read(lambda b: b.services()))
        if state.failed:
            say(f"error: {state.failed}")
            return 1
        if state.converged:
            print(f"Stack {stack}: every service converged")
            return 0
        time.sleep(1.0)
    say(f"error: stack {stack} did not converge within {timeout:.0f} s")
    return 1


def _remove(session: Session, stack: str) -> int:
    from swarmtui.actions.operations import OperationRefused
    from swarmtui.actions.stack_operations import remove_operation

    try:
        contents = session.inspect_stack(stack)
        if contents.empty():
            say(f"Nothing found in stack: {stack}")
            return 0
        session.execute(remove_operation(contents, lambda step: print(step.text().capitalize())))
    except (OperationRefused, BackendError) as exc:
        say(f"error: {exc}")
        return 1
    return 0


def _export(session: Session, args: argparse.Namespace) -> int:
    from swarmtui.stacks.export import ExportOptions, ExportProblem, export_stack

    if bool(args.name) == bool(args.service):
        say("error: give a stack name or --service SERVICE (not both)")
        return 2
    try:
        live = (
            session.live_services(args.service) if args.service else session.live_stack(args.name)
        )
    except (ExportProblem, BackendError) as exc:
        say(f"error: {exc}")
        return 1
    if not live.services:
        say(f"error: nothing found in stack: {args.name}")
        return 1
    exported = export_stack(live, ExportOptions(keep_subnets=not args.no_subnets))
    for warning in exported.warnings:
        say(f"warning: {warning}")
    if args.output is None:
        sys.stdout.write(exported.text())
        needed = [*sorted(exported.config_files), *exported.secret_files]
        if needed:
            say(f"the file needs {', '.join(needed)} beside it: -o DIR writes them")
        return 0
    try:
        _write_export(exported, args.output)
    except OSError as exc:
        say(f"error: cannot write the export: {exc}")
        return 1
    return 0


def _write_export(exported: ExportedStack, directory: Path) -> None:
    """The compose file and its config files (replaced), and an empty file for each secret
    unless one is there already (an operator's secret is never overwritten)."""
    from swarmtui.stacks.export import COMPOSE_FILE_NAME

    directory.mkdir(parents=True, exist_ok=True)
    compose = directory / COMPOSE_FILE_NAME
    compose.write_text(exported.text(), encoding="utf-8")
    print(f"Wrote {compose}")
    for relative, data in sorted(exported.config_files.items()):
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"Wrote {path}")
    for relative in exported.secret_files:
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            print(f"Kept {path} (already there)")
            continue
        path.touch(mode=0o600)
        print(f"Fill in {path}: the swarm never returns a secret's data")


def _list(session: Session, command: str, stack: str) -> int:
    from swarmtui.stacks.status import stack_listing

    try:
        lines = session.read(lambda backend: stack_listing(command, stack, backend))
    except BackendError as exc:
        say(f"error: {exc}")
        return 1
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0
