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

from benchmarks.figures import Figure, Log
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE

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


def _in_process_deploy(manager_url: str, path: Path, stack: str) -> float:
    """Seconds of the deploy itself (plan built, every object sent) in a connected session."""
    from swarmtui.actions.stack_operations import deploy_operation
    from swarmtui.adapters.docker.docker_backend import connect
    from swarmtui.core.endpoints import Endpoint
    from swarmtui.session.session import Session
    from swarmtui.stacks.plan import StackSource

    session = Session(lambda: connect([Endpoint(manager_url, "bench")]))
    session.connect()
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
        for run in range(runs):
            cli.append(
                _timed(
                    [
                        "docker",
                        "stack",
                        "deploy",
                        "--resolve-image",
                        "never",
                        "-c",
                        str(path),
                        "benchcli",
                    ],
                    env,
                )
            )
            _remove_and_wait(manager_url, "benchcli")
            swarmtui = [sys.executable, "-m", "swarmtui", "-H", manager_url]
            ours.append(
                _timed(
                    [
                        *swarmtui,
                        "stack",
                        "deploy",
                        "--resolve-image",
                        "never",
                        "-c",
                        str(path),
                        "benchst",
                    ],
                    env,
                )
            )
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
