"""`swarmtui`: open the console on the configured managers, or on the embedded default (the
local engine when it is a manager, else the local lab swarm)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from swarmtui.cli.output import DEFAULT_LAB, say
from swarmtui.cli.startup_gc import hold_collection, resume_collection_after_first_snapshot
from swarmtui.core.config import Config, ConfigError, load_config
from swarmtui.core.contexts import startup_context_name
from swarmtui.core.endpoints import (
    DEFAULT_SOCKET_URL,
    Endpoint,
    EndpointError,
    TlsOptions,
    resolve_endpoints,
)
from swarmtui.core.errors import BackendError, ProblemKind

if TYPE_CHECKING:
    from swarmtui.adapters.docker.docker_backend import DockerBackend
    from swarmtui.machines.cluster_access import ClusterAccess
    from swarmtui.machines.manager import ConnectedMachineService
    from swarmtui.ports import ClusterLists


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


def manager_answers(endpoint: Endpoint) -> bool:
    """Whether the engine at ENDPOINT (a local socket) answers as a swarm manager, asked
    without docker-py (which the first paint need not wait for); False when unsure."""
    from swarmtui.adapters.docker.first_look import FirstLook

    try:
        info = FirstLook(endpoint).engine_info()
    except Exception:
        return False
    return info.swarm_state == "active" and info.is_manager


def embedded_default(lab_name: str) -> list[Endpoint]:
    """The local engine when it is a swarm manager; otherwise the local lab swarm."""
    local = Endpoint(DEFAULT_SOCKET_URL, "default")
    if manager_answers(local):  # most starts: the rest checks and explains the others
        return [local]
    from swarmtui.adapters.docker.docker_backend import DockerBackend
    from swarmtui.adapters.docker.engine_setup import ensure_engine
    from swarmtui.adapters.docker.lab import lab_up

    ensure_engine(say)
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
    say(f"the local engine is not a swarm manager: bringing up the lab swarm {lab_name!r}")
    lab = lab_up(lab_name, log=say)
    say(f"lab ready: {len(lab.managers)} manager(s), {len(lab.workers)} worker(s)")
    return [Endpoint(lab.manager_url, f"lab {lab_name}")]


def machine_service(
    cluster: Callable[[], ClusterAccess | None], lab: str
) -> ConnectedMachineService:
    """The machines view's engine: the store and both drivers, plus the nodes of lab LAB,
    joining through the swarm CLUSTER reaches (the session's). ImportError when the drivers
    cannot load here."""
    from swarmtui.adapters.docker.dind_driver import MACHINES_NETWORK, DindDriver
    from swarmtui.adapters.docker.lab_machines import LabNodes
    from swarmtui.adapters.ssh.ssh_driver import SshDriver
    from swarmtui.machines.manager import ConnectedMachineService, MachineManager
    from swarmtui.machines.store import MachineStore

    dind = DindDriver(network=MACHINES_NETWORK)
    manager = MachineManager(MachineStore(), {"dind": dind, "ssh": SshDriver()}, lab=LabNodes(lab))
    return ConnectedMachineService(manager, cluster)


def console_machines(
    cluster: Callable[[], ClusterAccess | None], lab: str = DEFAULT_LAB
) -> ConnectedMachineService | None:
    """`machine_service`, or None (said) when the drivers cannot load here."""
    try:
        return machine_service(cluster, lab)
    except ImportError as exc:
        say(f"machines unavailable: {exc}")
        return None


def console_endpoints(args: argparse.Namespace, config: Config) -> list[Endpoint]:
    """The managers the command line and config name, else the embedded default."""
    if _explicitly_configured(args, config):
        hosts = list(args.host) or list(config.hosts)
        return resolve_endpoints(hosts, args.context, _tls_options(args))
    return embedded_default(args.lab)


def open_backend(endpoint: Endpoint) -> DockerBackend:
    """ENDPOINT's DockerBackend; docker-py loads with the first one opened."""
    from swarmtui.adapters.docker.docker_backend import DockerBackend

    return DockerBackend(endpoint)


def connect_backend(endpoints: list[Endpoint]) -> DockerBackend:
    """The first of ENDPOINTS that answers; docker-py loads with the first one opened."""
    from swarmtui.adapters.docker.docker_backend import connect

    return connect(endpoints)


def first_look(endpoints: list[Endpoint]) -> Callable[[], ClusterLists] | None:
    """The first snapshot's reads without docker-py, for a first endpoint on a local socket."""
    if not endpoints or endpoints[0].scheme != "unix":
        return None
    from swarmtui.adapters.docker.first_look import FirstLook

    return lambda: FirstLook(endpoints[0])


def run_console(args: argparse.Namespace) -> int:
    hold_collection()  # until the first snapshot: the start builds much and frees nothing
    from swarmtui.adapters.ssh.deferred_paramiko import defer_paramiko

    defer_paramiko()  # before docker-py, which imports paramiko for ssh:// endpoints
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        say(f"config error: {exc}")
        return 2
    if args.read_only:
        config = replace(config, read_only=True)
    if args.mouse is not None:
        config = replace(config, mouse=args.mouse)
    startup_error: BackendError | None = None
    endpoints: list[Endpoint] = []
    try:
        endpoints = console_endpoints(args, config)
    except EndpointError as exc:
        startup_error = BackendError(
            ProblemKind.MALFORMED_ENDPOINT,
            str(exc),
            "Examples: --host unix:///var/run/docker.sock, --host tcp://10.0.0.5:2376, "
            "--host ssh://admin@manager1",
        )
    except Exception as exc:  # engine setup or lab failures: explain, no traceback
        say(str(exc))
        return 1

    from swarmtui.session.failover import FailoverPlan
    from swarmtui.session.session import Session

    session = Session(
        lambda: connect_backend(endpoints),
        config,
        endpoint_label=", ".join(e.display for e in endpoints),
        startup_error=startup_error,
        failover=FailoverPlan(endpoints, open_backend),
    )
    resume_collection_after_first_snapshot(session.model)
    if startup_error is None:
        # The manager answers while the UI below loads; docker-py loads once the first
        # snapshot is painted when the first look can read it.
        session.connect_early(first_look(endpoints))
    from swarmtui.cli.deferred_machines import DeferredMachines
    from swarmtui.cli.hangup import exit_on_hangup
    from swarmtui.cli.node_connector import console_node_access
    from swarmtui.ui.app import SwarmTuiApp

    session.context_name = startup_context_name(endpoints)
    # Built when first used: the first screen needs neither the drivers nor paramiko.
    machines = DeferredMachines(lambda: machine_service(session.cluster_access, args.lab))
    session.machines = machines
    session.machine_records = machines.records
    session.enable_node_access(*console_node_access(session, machines.records))
    exit_on_hangup(session)
    SwarmTuiApp(session).run(mouse=config.mouse)
    return 0
