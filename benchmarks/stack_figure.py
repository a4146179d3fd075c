"""Figure 9: deploying a 20-service stack, swarmtui's own deploy beside `docker stack deploy`.

Both are run as commands from a shell (process start included), detached, with
`--resolve-image never`, against the same manager; each deploy is removed before the next.
The services run the workload image every lab node has."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.figures import Figure, Log, docker_cli
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.session.session import Connected, Session

LABEL = "com.docker.stack.namespace"


def stack_file(services: int) -> str:
    lines = ["services:"]
    for i in range(services):
        lines += [
            f"  svc{i:02d}:",
            f"    image: {WORKLOAD_IMAGE}",
            "    command: [sleep, '3600']",
            "    stop_grace_period: 1s",
            f"    environment: {{INDEX: '{i}'}}",
            "    networks: [back]",
            "    deploy: {replicas: 1, resources: {limits: {memory: 32M}}}",
        ]
    lines += ["networks:", "  back: {}"]
    return "\n".join(lines) + "\n"


def _timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - started


def _remove_and_wait(manager_url: str, stack: str) -> None:
    env = dict(os.environ, DOCKER_HOST=manager_url)
    subprocess.run(["docker", "stack", "rm", stack], env=env, check=True, capture_output=True)
    client = engine_client(manager_url)
    try:
        deadline = time.monotonic() + 120
        label = {"label": [f"{LABEL}={stack}"]}
        while client.api.services(filters=label) or client.api.networks(filters=label):
            if time.monotonic() > deadline:
                raise RuntimeError(f"stack {stack} still there after 120 s")
            time.sleep(0.5)
    finally:
        client.close()


def _connect_patiently(session: Session, attempts: int = 5) -> None:
    """Connect SESSION, trying again when the manager does not answer in time (a loaded CI
    machine: the first answer once took longer than the connect's timeout)."""
    for attempt in range(attempts):
        outcome = session.connect()
        if isinstance(outcome, Connected):
            return
        if attempt + 1 < attempts:
            time.sleep(1.0)
    raise RuntimeError(f"no swarm manager to deploy to: {outcome}")


def _in_process_deploy(manager_url: str, path: Path, stack: str) -> float:
    """Seconds of the deploy itself (plan built, every object sent) in a connected session."""
    from swarmtui.actions.stack_operations import deploy_operation
    from swarmtui.adapters.docker.docker_backend import connect
    from swarmtui.core.endpoints import Endpoint
    from swarmtui.stacks.plan import StackSource

    session = Session(lambda: connect([Endpoint(manager_url, "bench")]))
    _connect_patiently(session)
    try:
        started = time.perf_counter()
        _, operation = deploy_operation(StackSource(stack, (path,), resolve_image="never"))
        session.execute(operation)
        return time.perf_counter() - started
    finally:
        session.close()


def stack_deploy(manager_url: str, runs: int, log: Log, services: int = 20) -> Figure:
    env = dict(os.environ, DOCKER_HOST=manager_url)
    ours, cli, inside = [], [], []
    with tempfile.TemporaryDirectory(prefix="swarmtui-bench-stack-") as tmp:
        path = Path(tmp) / "docker-stack.yml"
        path.write_text(stack_file(services))
        deploy = ["stack", "deploy", "--resolve-image", "never", "-c", str(path)]
        swarmtui = [sys.executable, "-m", "swarmtui", "-H", manager_url]
        for run in range(runs):
            cli.append(_timed(["docker", *deploy, "benchcli"], env))
            _remove_and_wait(manager_url, "benchcli")
            ours.append(_timed([*swarmtui, *deploy, "benchst"], env))
            _remove_and_wait(manager_url, "benchst")
            inside.append(_in_process_deploy(manager_url, path, "benchin"))
            _remove_and_wait(manager_url, "benchin")
            log(f"stack deploy run {run + 1}: swarmtui {ours[-1]:.2f} s, CLI {cli[-1]:.2f} s")
    ours_median, cli_median = statistics.median(ours), statistics.median(cli)
    inside_median = statistics.median(inside)
    return Figure(
        f"9. Stack deploy, {services} services",
        f"{inside_median * 1000:.0f} ms the deploy itself; "
        f"{ours_median * 1000:.0f} ms as a command",
        f"{cli_median * 1000:.0f} ms (docker stack deploy as a command)",
        "the deploy itself no slower than the CLI's command",
        inside_median <= cli_median,
        note="as a command, Python's start and imports (docker-py ~0.35 s) come first",
        raw={"swarmtui_s": ours, "cli_s": cli, "in_process_s": inside, "services": services},
    )


def _relabelled(services: list[Any], stacks: int) -> list[Any]:
    """SERVICES spread over STACKS stacks (their namespace label set in memory)."""
    from dataclasses import replace

    result = []
    for index, service in enumerate(services):
        raw = {**service.raw, "Spec": dict(service.raw.get("Spec", {}))}
        raw["Spec"]["Labels"] = {
            **(raw["Spec"].get("Labels") or {}),
            LABEL: f"s{index % stacks:03d}",
        }
        result.append(replace(service, raw=raw))
    return result


async def _pane_seconds(
    manager_url: str, stacks: int, runs: int
) -> tuple[list[float], list[float], int, int]:
    from dataclasses import replace

    from swarmtui.adapters.docker.docker_backend import DockerBackend
    from swarmtui.core.endpoints import Endpoint
    from swarmtui.session.session import Session
    from swarmtui.ui.app import SwarmTuiApp
    from swarmtui.ui.widgets.panes import ServicesPane, StacksPane

    backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
    app = SwarmTuiApp(Session(lambda: backend))
    stack_times: list[float] = []
    service_times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 120
        while app.main_screen.snapshot is None and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await pilot.press("4")
        before = backend.request_count
        services = backend.services()
        requests = backend.request_count - before
        snapshot = app.main_screen.snapshot
        assert snapshot is not None
        snapshot = replace(snapshot, services=tuple(_relabelled(services, stacks)))
        stacks_pane = app.main_screen.query_one(StacksPane)
        services_pane = app.main_screen.query_one(ServicesPane)
        for _ in range(runs):
            for pane, times in ((stacks_pane, stack_times), (services_pane, service_times)):
                started = time.perf_counter()
                pane.show_snapshot(snapshot, app.session.now())
                await pilot.pause()
                times.append(time.perf_counter() - started)
    return (
        stack_times,
        service_times,
        requests,
        len({s.raw["Spec"]["Labels"][LABEL] for s in snapshot.services}),
    )


def stacks_view(manager_url: str, runs: int, stacks: int = 100) -> Figure:
    """Figure 10: the stacks pane over every service of the fixture spread in STACKS stacks,
    beside the services pane showing the same services; both from one services list."""
    import asyncio

    stack_times, service_times, requests, rows = asyncio.run(
        _pane_seconds(manager_url, stacks, runs)
    )
    ours, main = statistics.median(stack_times), statistics.median(service_times)
    cli = docker_cli(manager_url, "stack", "ls")
    return Figure(
        f"10. Stacks view, {rows} stacks: rows from the polled services, painted",
        f"{ours * 1000:.0f} ms, 0 requests of its own",
        f"{cli * 1000:.0f} ms (docker stack ls)",
        "no slower than the services pane with the same services; no request per stack",
        ours <= max(main, 0.001) * 1.5,
        note=f"services pane, same services: {main * 1000:.0f} ms; one services list: "
        f"{requests} request(s)",
        raw={"stacks_s": stack_times, "services_s": service_times, "requests": requests},
    )
