"""`swarmtui machine create|ls|start|stop|rm|ssh|join|leave|retire`: the machine engine from
the shell."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from swarmtui.machines.model import (
    CreateRequest,
    DockerMissing,
    HostKeyUnknown,
    MachineError,
    MachineRecord,
)

if TYPE_CHECKING:
    from swarmtui.machines.cluster_access import ClusterAccess
    from swarmtui.machines.manager import MachineManager
    from swarmtui.ports import ClusterBackend


_NAME_HELP = "the machine's name (swarmtui machine ls)"
_MANAGER_HELP = "the swarm's manager (default: -H, the context or the lab)"


def add_machine_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    machine = sub.add_parser("machine", help="create, list, start, stop, join and remove machines")
    msub = machine.add_subparsers(dest="machine_command", required=True)

    create = msub.add_parser("create", help="create (dind) or adopt (ssh) a machine")
    create.add_argument("name", help="the new machine's name (also its host name)")
    create.add_argument(
        "--driver",
        choices=("dind", "ssh"),
        required=True,
        help="dind: a Docker-in-Docker container here; ssh: an existing host over SSH",
    )
    create.add_argument("--host", dest="ssh_host", default="", help="ssh: host or ~/.ssh alias")
    create.add_argument("--user", default="", help="ssh: user (default: ~/.ssh/config, root)")
    create.add_argument("--port", type=int, default=22, help="ssh: port")
    create.add_argument("--key", default="", help="ssh: private key file (path only is stored)")
    create.add_argument("--proxy-jump", default="", help="ssh: [user@]jump[:port][,...]")
    create.add_argument(
        "--yes-fingerprint",
        default="",
        metavar="SHA256:...",
        help="ssh: trust this host key fingerprint (checked by you) without asking",
    )
    create.add_argument(
        "--install-docker",
        action="store_true",
        help="ssh: install Docker (apt-get install docker.io) when missing",
    )
    create.add_argument(
        "--image", default="", help="dind: node image (default swarmtui-node:bookworm, built here)"
    )
    create.add_argument(
        "--network",
        default="",
        help="dind: local network (default: the manager's when it is a local container, "
        "else swarmtui-machines)",
    )
    create.add_argument(
        "--role", choices=("worker", "manager"), help="join the swarm right away, in this role"
    )
    create.add_argument("--manager", default="", metavar="URL", help="manager to join")

    msub.add_parser("ls", help="machines with their live status")

    start = msub.add_parser("start", help="start a stopped machine (dind)")
    start.add_argument("name", help=_NAME_HELP)

    stop = msub.add_parser("stop", help="stop a machine (dind); its swarm node goes down")
    stop.add_argument("name", help=_NAME_HELP)

    rm = msub.add_parser("rm", help="remove a machine (refused while it is in a swarm)")
    rm.add_argument("name", help=_NAME_HELP)
    rm.add_argument(
        "--force", action="store_true", help="remove it even when it is still in a swarm"
    )

    ssh = msub.add_parser("ssh", help="a shell on the machine")
    ssh.add_argument("name", help=_NAME_HELP)
    # Not dest "command": that is the top-level subcommand, which main() dispatches on.
    ssh.add_argument(
        "remote_command",
        nargs=argparse.REMAINDER,
        metavar="COMMAND",
        help="run this instead of an interactive shell",
    )

    join = msub.add_parser("join", help="join the machine to a swarm")
    join.add_argument("name", help=_NAME_HELP)
    join.add_argument(
        "--role", choices=("worker", "manager"), default="worker", help="join as (default worker)"
    )
    join.add_argument(
        "--host", dest="manager", default="", metavar="MANAGER_URL", help=_MANAGER_HELP
    )

    leave = msub.add_parser("leave", help="the machine leaves its swarm")
    leave.add_argument("name", help=_NAME_HELP)
    leave.add_argument(
        "--host", dest="manager", default="", metavar="MANAGER_URL", help=_MANAGER_HELP
    )

    retire = msub.add_parser("retire", help="drain, leave, remove the node and the machine")
    retire.add_argument("name", help=_NAME_HELP)
    retire.add_argument(
        "--host", dest="manager", default="", metavar="MANAGER_URL", help=_MANAGER_HELP
    )


def _print(line: str) -> None:
    print(line, flush=True)


def _manager(args: argparse.Namespace) -> MachineManager:
    from swarmtui.adapters.docker.dind_driver import MACHINES_NETWORK, DindDriver
    from swarmtui.adapters.docker.lab_machines import LabNodes
    from swarmtui.adapters.ssh.ssh_driver import SshDriver
    from swarmtui.machines.manager import MachineManager
    from swarmtui.machines.store import MachineStore

    dind = DindDriver(
        node_image=getattr(args, "image", ""),
        network=getattr(args, "network", "") or MACHINES_NETWORK,
    )
    # The lab of --lab (the console's): its nodes are machines too.
    lab = LabNodes(args.lab)
    return MachineManager(MachineStore(), {"dind": dind, "ssh": SshDriver()}, lab=lab)


def _cluster(args: argparse.Namespace, manager_url: str) -> ClusterBackend:
    """The manager to join: --host/--manager, else -H/context/DOCKER_HOST, else the lab."""
    from swarmtui.adapters.docker.docker_backend import connect
    from swarmtui.adapters.docker.lab import lab_status
    from swarmtui.core.endpoints import DEFAULT_SOCKET_URL, Endpoint, resolve_endpoints

    hosts = [manager_url] if manager_url else list(args.host)
    if hosts or args.context or os.environ.get("DOCKER_HOST"):
        return connect(resolve_endpoints(hosts, args.context))
    lab = lab_status(args.lab)
    if lab is not None and lab.managers and lab.managers[0].api_url:
        return connect([Endpoint(lab.manager_url, f"lab {args.lab}")])
    return connect([Endpoint(DEFAULT_SOCKET_URL, "default")])


def _confirm(exc: HostKeyUnknown) -> bool:
    print(exc.message, file=sys.stderr)
    if exc.confirmed or not sys.stdin.isatty():
        print(exc.hint, file=sys.stderr)
        print(f"Re-run with --yes-fingerprint {exc.fingerprint} once you checked it.")
        return False
    answer = input(f"Trust {exc.host} with key {exc.fingerprint}? Type yes to continue: ")
    return answer.strip().lower() == "yes"


def _confirm_install(exc: DockerMissing) -> bool:
    print(exc.message, file=sys.stderr)
    if not sys.stdin.isatty():
        print(exc.hint, file=sys.stderr)
        print("Re-run with --install-docker to let swarmtui install it.")
        return False
    answer = input(f"Install Docker on {exc.host} with `{exc.command}`? Type yes to continue: ")
    return answer.strip().lower() == "yes"


def _create(args: argparse.Namespace, manager: MachineManager) -> int:
    request = CreateRequest(
        name=args.name,
        driver=args.driver,
        role=args.role,
        host=args.ssh_host,
        ssh_user=args.user,
        ssh_port=args.port,
        ssh_key_path=args.key,
        ssh_proxy_jump=args.proxy_jump,
        accept_fingerprint=args.yes_fingerprint,
        install_docker=args.install_docker,
        node_image=args.image,
        network=args.network,
    )
    if args.driver == "ssh" and not args.ssh_host:
        print("swarmtui: the ssh driver needs --host", file=sys.stderr)
        return 2
    cluster = _cluster(args, args.manager) if args.role else None
    access = _access(cluster) if cluster is not None else None
    try:
        while True:
            try:
                record = manager.create(request, _print, access)
                break
            except HostKeyUnknown as exc:
                if not _confirm(exc):
                    return 1
                accepted = [f for f in request.accept_fingerprint.split(",") if f]
                request = replace(
                    request, accept_fingerprint=",".join([*accepted, exc.fingerprint])
                )
            except DockerMissing as exc:
                if not _confirm_install(exc):
                    return 1
                request = replace(request, install_docker=True)
    finally:
        if cluster is not None:
            cluster.close()
    print(f"machine {record.name} created: {record.address} ({record.engine_url})")
    return 0


def _ls(manager: MachineManager) -> int:
    rows = [("NAME", "DRIVER", "ADDRESS", "ROLE", "STATE", "SWARM", "ENGINE", "")]
    for record, status in manager.statuses():
        rows.append(
            (
                record.name,
                record.driver,
                record.address,
                record.role or "-",
                status.state,
                status.swarm_state or "-",
                status.engine_version or "-",
                status.message,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(7)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[7])
    return 0


def ssh_argv(record: MachineRecord, command: list[str], *, tty: bool | None = None) -> list[str]:
    """The command line `machine ssh` execs: ssh with swarmtui's known_hosts, or docker exec.

    docker exec gets a terminal (-t) only when TTY (default: stdin is one); with -t and no
    terminal it refuses to run ("the input device is not a TTY").
    """
    if record.driver == "dind":
        from swarmtui.adapters.docker.engine_setup import LOCAL_ENGINE_URL

        if tty is None:
            tty = sys.stdin is not None and sys.stdin.isatty()
        target = record.extra.get("container") or record.container_id
        # -H: the machine lives on the local engine, whatever DOCKER_HOST or a context says.
        exec_ = ["docker", "-H", LOCAL_ENGINE_URL, "exec", "-i", *(["-t"] if tty else [])]
        return [*exec_, target, *(command or ["sh"])]
    from swarmtui.adapters.ssh.ssh_connection import known_hosts_path

    argv = [
        "ssh",
        "-o",
        f"UserKnownHostsFile={known_hosts_path()}",
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
        "StrictHostKeyChecking=yes",
        "-p",
        str(record.ssh_port),
    ]
    if record.ssh_key_path:
        argv += ["-i", os.path.expanduser(record.ssh_key_path)]
    if record.ssh_proxy_jump:
        argv += ["-J", record.ssh_proxy_jump]
    host = record.extra.get("ssh_host") or record.address
    return [*argv, f"{record.ssh_user}@{host}", *command]


def _access(cluster: ClusterBackend) -> ClusterAccess:
    from swarmtui.session.cluster_access import BackendAccess

    return BackendAccess(lambda: cluster)


def _with_cluster(args: argparse.Namespace, action: Callable[[ClusterAccess], object]) -> int:
    cluster = _cluster(args, args.manager)
    try:
        action(_access(cluster))
    finally:
        cluster.close()
    return 0


def run_machine(args: argparse.Namespace) -> int:
    manager = _manager(args)
    command = args.machine_command
    try:
        if command == "create":
            return _create(args, manager)
        if command == "ls":
            return _ls(manager)
        if command == "start":
            manager.start(args.name, _print)
            return 0
        if command == "stop":
            manager.stop(args.name, _print)
            return 0
        if command == "rm":
            manager.remove(args.name, _print, force=args.force)
            return 0
        if command == "ssh":
            argv = ssh_argv(manager.record(args.name), list(args.remote_command))
            try:
                os.execvp(argv[0], argv)
            except FileNotFoundError:
                print(f"swarmtui: `{argv[0]}` is not installed (not on PATH)", file=sys.stderr)
                return 1
        if command == "join":
            return _with_cluster(args, lambda c: manager.join(args.name, args.role, _print, c))
        if command == "leave":
            return _with_cluster(args, lambda c: manager.leave(args.name, _print, c))
        if command == "retire":
            return _with_cluster(args, lambda c: manager.retire(args.name, _print, c))
    except MachineError as exc:
        print(f"swarmtui: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 1
    except Exception as exc:  # backend or engine failures: explain, no traceback
        print(f"swarmtui: {exc}", file=sys.stderr)
        return 1
    return 2
