"""`swarmtui serve`: the console in a browser tab (textual-serve), one console process per tab.

Bound to loopback; every request needs the access token printed at start (or read from
--token-file); the consoles are read-only unless --write."""

from __future__ import annotations

import argparse
import secrets
import shlex
import sys
from pathlib import Path

from swarmtui.cli.output import say

DEFAULT_BIND = "127.0.0.1"
DEFAULT_PORT = 8022


class TokenFileError(Exception):
    pass


def add_serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve", help="the console in a browser tab (loopback, access token, read-only)"
    )
    serve.add_argument(
        "-H",
        "--host",
        dest="serve_hosts",
        action="append",
        default=[],
        metavar="URL",
        help="manager endpoint for the consoles (as swarmtui --host); repeat for several",
    )
    serve.add_argument(
        "--bind", default=DEFAULT_BIND, help=f"address to listen on (default {DEFAULT_BIND})"
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--token-file",
        type=Path,
        help="read the access token from this file instead of making a random one",
    )
    serve.add_argument(
        "--write", action="store_true", help="allow mutating actions (read-only by default)"
    )


def access_token(token_file: Path | None) -> str:
    """The token every request must carry: the file's first line, else a fresh random one."""
    if token_file is None:
        return secrets.token_urlsafe(24)
    try:
        lines = token_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TokenFileError(f"cannot read the token file {token_file}: {exc}") from exc
    token = lines[0].strip() if lines else ""
    if len(token) < 16:
        raise TokenFileError(f"the token in {token_file} is shorter than 16 characters")
    return token


def console_argv(args: argparse.Namespace) -> list[str]:
    """The command line of the console each browser tab gets: the global options given to
    `swarmtui serve`, its own --host, and --read-only unless --write."""
    argv = [sys.executable, "-m", "swarmtui"]
    for host in [*args.host, *args.serve_hosts]:
        argv += ["--host", host]
    for flag, value in (
        ("--context", args.context),
        ("--tlscacert", args.tlscacert),
        ("--tlscert", args.tlscert),
        ("--tlskey", args.tlskey),
        ("--config", args.config),
        ("--lab", args.lab),
    ):
        if value is not None:
            argv += [flag, str(value)]
    if args.tlsverify:
        argv.append("--tlsverify")
    if args.read_only or not args.write:
        argv.append("--read-only")
    return argv


def page_url(bind: str, port: int, token: str) -> str:
    host = f"[{bind}]" if ":" in bind else bind
    return f"http://{host}:{port}/?token={token}"


def run_serve(args: argparse.Namespace) -> int:
    try:
        token = access_token(args.token_file)
    except TokenFileError as exc:
        say(str(exc))
        return 2
    from swarmtui.cli.serve_server import ConsoleServer

    command = shlex.join(console_argv(args))
    server = ConsoleServer(command, bind=args.bind, port=args.port, token=token)
    mode = "read-write" if args.write and not args.read_only else "read-only"
    print(f"serving the swarmtui console ({mode}), one console per browser tab", flush=True)
    print(f"open: {page_url(args.bind, args.port, token)}", flush=True)
    if args.bind not in ("127.0.0.1", "::1", "localhost"):
        say(f"listening on {args.bind}, not loopback: anyone with the token reaches the console")
    try:
        server.run()
    except OSError as exc:
        say(f"cannot listen on {args.bind}:{args.port}: {exc}")
        return 1
    return 0
