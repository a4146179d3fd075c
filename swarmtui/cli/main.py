"""`swarmtui`: open the console; `swarmtui lab up|down|status`: the local lab swarm."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from swarmtui.cli.machine import add_machine_parser, run_machine
from swarmtui.core.config import Config, ConfigError, load_config
from swarmtui.core.endpoints import (
    DEFAULT_SOCKET_URL,
    Endpoint,
    EndpointError,
    TlsOptions,
    resolve_endpoints,
)
from swarmtui.core.errors import BackendError, ProblemKind

if TYPE_CHECKING:
    from swarmtui.machines.cluster_access import ClusterAccess
    from swarmtui.machines.service import MachineService

DEFAULT_LAB = "swarmtui-lab"


def _log(message: str) -> None:
    print(f"swarmtui: {message}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swarmtui", description="A keyboard-driven terminal console for Docker Swarm."
    )
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
    parser.add_argument("--config", type=Path, help="config file (default: ~/.config/...)")
    parser.add_argument(
        "--lab",
        default=DEFAULT_LAB,
        help="lab used when no manager is configured; its nodes are listed as machines",
    )
    sub = parser.add_subparsers(dest="command")
    lab = sub.add_parser("lab", help="the local lab swarm of Docker-in-Docker nodes")
    lab.add_argument("action", choices=("up", "down", "status", "load"))
    lab.add_argument("image", nargs="?", help="load: a local image to copy into every node")
    lab.add_argument("--name", default=DEFAULT_LAB)
    lab.add_argument("--managers", type=int, default=1)
    lab.add_argument("--workers", type=int, default=2)
    add_machine_parser(sub)
    return parser


def _tls_options(args: argparse.Namespace) -> TlsOptions | None:
    if not (args.tlsverify or args.tlscacert or args.tlscert or args.tlskey):
        return None
    # TLS options without an explicit way to skip verification: always verify (no CA
    # given: the system's CAs), as the docker CLI's --tlsverify does.
    return TlsOptions(
        verify=True,
        ca_cert=args.tlscacert,
        client_cert=args.tlscert,
        client_key=args.tlskey,
    )


def _explicitly_configured(args: argparse.Namespace, config: Config) -> bool:
    if args.host or args.context or config.hosts or os.environ.get("DOCKER_HOST"):
        return True
    endpoints = resolve_endpoints()
    return endpoints[0].source != "default"


def embedded_default(lab_name: str) -> list[Endpoint]:
    """The local engine when it is a swarm manager; otherwise the local lab swarm."""
    from swarmtui.adapters.docker.docker_backend import DockerBackend
    from swarmtui.adapters.docker.engine_setup import ensure_engine
    from swarmtui.adapters.docker.lab import lab_up

    ensure_engine(_log)
    local = Endpoint(DEFAULT_SOCKET_URL, "default")
    try:
        backend = DockerBackend(local)
        try:
            info = backend.engine_info()
        finally:
            backend.close()
        if info.swarm_state == "active" and info.is_manager:
            return [local]
    except BackendError:
        pass
    _log(f"the local engine is not a swarm manager: bringing up the lab swarm {lab_name!r}")
    lab = lab_up(lab_name, log=_log)
    _log(f"lab ready: {len(lab.managers)} manager(s), {len(lab.workers)} worker(s)")
    return [Endpoint(lab.manager_url, f"lab {lab_name}")]


def console_machines(
    cluster: Callable[[], ClusterAccess | None], lab: str = DEFAULT_LAB
) -> MachineService | None:
    """The machines view's engine: the store and both drivers, plus the nodes of lab LAB,
    joining through the swarm CLUSTER reaches (the session's). None when the drivers cannot
    load here."""
    try:
        from swarmtui.adapters.docker.dind_driver import MACHINES_NETWORK, DindDriver
        from swarmtui.adapters.docker.lab_machines import LabNodes
        from swarmtui.adapters.ssh.ssh_driver import SshDriver
        from swarmtui.machines.manager import ConnectedMachineService, MachineManager
        from swarmtui.machines.store import MachineStore
    except ImportError as exc:
        _log(f"machines unavailable: {exc}")
        return None
    dind = DindDriver(network=MACHINES_NETWORK)
    manager = MachineManager(MachineStore(), {"dind": dind, "ssh": SshDriver()}, lab=LabNodes(lab))
    return ConnectedMachineService(manager, cluster)


def run_console(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        _log(f"config error: {exc}")
        return 2
    if args.read_only:
        config = replace(config, read_only=True)
    startup_error: BackendError | None = None
    endpoints: list[Endpoint] = []
    try:
        if _explicitly_configured(args, config):
            hosts = list(args.host) or list(config.hosts)
            endpoints = resolve_endpoints(hosts, args.context, _tls_options(args))
        else:
            endpoints = embedded_default(args.lab)
    except EndpointError as exc:
        startup_error = BackendError(
            ProblemKind.MALFORMED_ENDPOINT,
            str(exc),
            "Examples: --host unix:///var/run/docker.sock, --host tcp://10.0.0.5:2376, "
            "--host ssh://admin@manager1",
        )
    except Exception as exc:  # engine setup or lab failures: explain, no traceback
        _log(str(exc))
        return 1

    from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
    from swarmtui.session.failover import FailoverPlan
    from swarmtui.session.session import Session
    from swarmtui.ui.app import SwarmTuiApp

    session = Session(
        lambda: connect(endpoints),
        config,
        endpoint_label=", ".join(e.display for e in endpoints),
        startup_error=startup_error,
        failover=FailoverPlan(endpoints, DockerBackend),
    )
    session.machines = console_machines(session.cluster_access, args.lab)
    SwarmTuiApp(session).run()
    return 0


def run_lab(args: argparse.Namespace) -> int:
    from swarmtui.adapters.docker.lab import lab_down, lab_load, lab_status, lab_up

    try:
        if args.action == "load":
            if not args.image:
                _log("lab load needs an IMAGE of the local engine")
                return 2
            lab_load(args.name, args.image)
            print(f"{args.image} loaded into every node of lab {args.name}")
        elif args.action == "up":
            lab = lab_up(args.name, args.managers, args.workers, log=_log)
            print(f"lab {lab.name} is up; manager API: {lab.manager_url}")
            print(f"open it: swarmtui --host {lab.manager_url}")
        elif args.action == "down":
            lab_down(args.name)
            print(f"lab {args.name} removed")
        else:
            status = lab_status(args.name)
            if status is None:
                print(f"lab {args.name}: not created")
                return 1
            for node in status.nodes:
                state = node.api_url or "stopped"
                print(f"{node.name:10} {node.role:8} {node.address or '-':15} {state}")
    except Exception as exc:
        _log(str(exc))
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "lab":
        return run_lab(args)
    if args.command == "machine":
        return run_machine(args)
    return run_console(args)


if __name__ == "__main__":
    sys.exit(main())
