"""Each benchmark figure, measured on the real swarm, beside the docker CLI doing the same."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.change_source import UpdateEvents, scale_by_api
from benchmarks.pty_app import PtyApp
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import ScopeKind, TaskScope
from swarmtui.session.refresher import HOT_PERIOD, Refresher

Log = Callable[[str], None]


@dataclass
class Figure:
    name: str
    swarmtui: str
    docker_cli: str
    target: str
    met: bool
    note: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


# Issue 16: a change by another client on screen within 100 ms, at 1,000 and at 5,000
# services alike (the event reaches a client about 20 ms after the change).
CHANGE_TARGET_S = 0.1
CHANGE_TARGET = "< 100 ms (at 1,000 and 5,000 services alike)"


def percentile_95(samples: Sequence[float]) -> float:
    """The 95th percentile of SAMPLES (not empty): the sample below which 95% of them lie."""
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def docker_cli(manager_url: str, *args: str) -> float:
    """Wall time of one docker CLI command against the manager."""
    env = dict(os.environ, DOCKER_HOST=manager_url)
    started = time.perf_counter()
    subprocess.run(["docker", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _scope(backend: DockerBackend, name: str) -> TaskScope:
    service = next(s for s in backend.services() if s.name == name)
    return TaskScope(ScopeKind.SERVICE, service.id, service.name)


def requests_per_refresh(manager_url: str, service_count: int) -> int:
    """Requests of one poll with nothing changing, past the hot period of the first fetch."""
    backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
    clock = [0.0]
    try:
        refresher = Refresher(backend, monotonic=lambda: clock[0])
        refresher.set_scope(_scope(backend, "bench-0000"))
        refresher.refresh()
        clock[0] += HOT_PERIOD + refresher.timings.poll_interval
        before = backend.request_count
        refresher.refresh()
        return backend.request_count - before
    finally:
        backend.close()


def steady_requests(small_url: str, big_url: str, small: int, big: int) -> Figure:
    at_small = requests_per_refresh(small_url, small)
    at_big = requests_per_refresh(big_url, big) if big_url != small_url else at_small
    cli = "docker service ls: 1 (+1 per `service ps`)"
    return Figure(
        f"1. API requests per steady refresh ({small} / {big} services)",
        f"{at_small} / {at_big}",
        cli,
        "constant",
        at_small == at_big,
        raw={"small": at_small, "big": at_big},
    )


async def _full_refresh_seconds(
    manager_url: str, runs: int, after_each: Callable[[], None] = lambda: None
) -> list[float]:
    """Our full refresh RUNS times, AFTER_EACH called after each (the CLI's turn: the two
    alternate, so a lab still settling slows both alike)."""
    from swarmtui.session.session import Session
    from swarmtui.ui.app import SwarmTuiApp

    backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
    app = SwarmTuiApp(Session(lambda: backend))
    timings = []
    async with app.run_test(size=(120, 40)) as pilot:
        scope = _scope(backend, "bench-0000")
        for _ in range(runs):
            refresher = Refresher(backend)  # a cold refresher: everything is fetched
            refresher.set_scope(scope)
            started = time.perf_counter()
            snapshot = refresher.refresh()
            assert snapshot is not None
            app.main_screen.apply_snapshot(snapshot, app.session.now())
            await pilot.pause()  # let the screen render
            timings.append(time.perf_counter() - started)
            after_each()
    return timings


def cli_refresh_once(manager_url: str) -> float:
    """The CLI's same views: `service ls`, `node ls`, `service ps` of the biggest service."""
    return (
        docker_cli(manager_url, "service", "ls")
        + docker_cli(manager_url, "node", "ls")
        + docker_cli(manager_url, "service", "ps", "bench-0000")
    )


def cli_full_refresh(manager_url: str, runs: int) -> list[float]:
    return [cli_refresh_once(manager_url) for _ in range(runs)]


def full_refresh(manager_url: str, runs: int) -> Figure:
    cli: list[float] = []
    ours = asyncio.run(
        _full_refresh_seconds(manager_url, runs, lambda: cli.append(cli_refresh_once(manager_url)))
    )
    ours_median, cli_median = statistics.median(ours), statistics.median(cli)
    return Figure(
        "2. Full refresh: API, parse, diff, render",
        f"{ours_median * 1000:.0f} ms",
        f"{cli_median * 1000:.0f} ms (service ls + node ls + service ps)",
        "no slower than the CLI",
        ours_median <= cli_median,
        raw={"swarmtui_s": ours, "cli_s": cli},
    )


def _settle(app: PtyApp, text: str, timeout: float = 60) -> None:
    if app.wait_for(text, app.started, timeout) is None:
        tail = app.text_since(app.started)[-2000:]
        raise RuntimeError(f"swarmtui did not show {text!r} within {timeout} s:\n{tail}")


def median_ms(samples: Sequence[float]) -> float:
    """The median of SAMPLES (seconds), in milliseconds."""
    return statistics.median(samples) * 1000


def change_to_screen(
    manager_url: str, runs: int, idle_seconds: float
) -> tuple[Figure, Figure, Figure]:
    """Figures 3 (change to screen), 4 (idle) and 7 (memory), in one pty session.

    Figure 3 times each change from its update request (`change_source`) to the screen,
    with the engine's event about it timed on the same change; each run also makes a change
    with `docker service scale -d`, the CLI's time kept beside ours."""
    app = PtyApp(["--host", manager_url], cols=120, rows=40)
    client = engine_client(manager_url, timeout=300)
    events: UpdateEvents | None = None
    try:
        _settle(app, "bench-0001")
        # And the tasks pane filled (bench-0000's tasks): at 5,000 services its first list
        # (45,000 tasks) takes the manager seconds, and changes made meanwhile would measure
        # the console's start, not a change on a console that shows the cluster.
        _settle(app, "bench-0000.1", timeout=180)
        service_id = client.api.inspect_service("bench-0001")["ID"]
        events = UpdateEvents(manager_url, service_id)
        time.sleep(3)
        samples: dict[str, list[float]] = {
            key: [] for key in ("latencies_s", "request_s", "event_s", "cli_s", "cli_latencies_s")
        }

        def on_screen(replicas: int, since: float) -> float:
            seen = app.wait_for(f"0/{replicas}", since, 10)
            return (seen - since) if seen is not None else float("inf")

        for run in range(runs):
            replicas = 2 + run % 2
            sent, answered = scale_by_api(client, service_id, replicas)
            samples["latencies_s"].append(on_screen(replicas, sent))
            samples["request_s"].append(answered - sent)
            event = events.first_after(sent, 10)
            samples["event_s"].append(event - sent if event is not None else float("inf"))
            time.sleep(1.5)
            replicas = 4 + run % 2
            started = time.monotonic()
            samples["cli_s"].append(
                docker_cli(manager_url, "service", "scale", "-d", f"bench-0001={replicas}")
            )
            samples["cli_latencies_s"].append(on_screen(replicas, started))
            time.sleep(1.5)
        docker_cli(manager_url, "service", "scale", "-d", "bench-0001=1")
        median = statistics.median(samples["latencies_s"])
        pairs = zip(samples["latencies_s"], samples["event_s"], strict=True)
        own = [seen - event if event != float("inf") else seen for seen, event in pairs]
        change = Figure(
            "3. Change by another client to screen (median)",
            f"{median * 1000:.0f} ms from the request (event {median_ms(samples['event_s']):.0f}"
            f" ms, then ours {median_ms(own):.0f} ms)",
            f"{median_ms(samples['cli_s']):.0f} ms for `docker service scale -d` itself",
            CHANGE_TARGET,
            median < CHANGE_TARGET_S,
            note=(
                f"from the update request: the engine answered in "
                f"{median_ms(samples['request_s']):.0f} ms, its event reached a listening "
                f"client in {median_ms(samples['event_s']):.0f} ms, event to screen "
                f"{median_ms(own):.0f} ms; made by `docker service scale -d` instead, "
                f"{median_ms(samples['cli_latencies_s']):.0f} ms from the CLI's start"
            ),
            raw=dict(samples),
        )
        idle, memory = idle_and_memory(app, idle_seconds)
        return change, idle, memory
    finally:
        if events is not None:
            events.close()
        client.close()
        app.close()


def idle_and_memory(app: PtyApp, seconds: float = 60) -> tuple[Figure, Figure]:
    time.sleep(5)
    cpu_before, start = app.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    end = time.monotonic()
    cpu = (app.cpu_seconds() - cpu_before) / (end - start) * 100
    written = app.bytes_between(start, end)
    idle = Figure(
        f"4. Idle {seconds:.0f} s: CPU and bytes to the terminal",
        f"{cpu:.2f}% CPU, {written} B",
        "n/a",
        "< 1% CPU, < 2 KB",
        cpu < 1 and written < 2048,
        raw={"cpu_percent": cpu, "bytes": written, "seconds": end - start},
    )
    peak = app.peak_rss_mb()
    memory = Figure(
        "7. Peak memory (tasks pane on the biggest service)",
        f"{peak:.0f} MB",
        "n/a",
        "< 200 MB",
        peak < 200,
        raw={"peak_rss_mb": peak},
    )
    return idle, memory


def first_paint_local_socket(log: Log, runs: int) -> Figure:
    """Start to first painted cluster data over unix:///var/run/docker.sock, with what the
    start spends on imports (`python -X importtime`, in raw and in the table).

    The host engine becomes a single-node swarm for the measurement and leaves it after,
    unless it already was a swarm.
    """
    from benchmarks.startup_figure import compile_console, imports_note, startup_imports

    compile_console()
    socket = "unix:///var/run/docker.sock"
    client = engine_client()
    was_active = client.info()["Swarm"]["LocalNodeState"] == "active"
    networks_before = {n.name for n in client.networks.list()}
    if not was_active:
        log("host engine: temporary swarm init on 127.0.0.1 for the local-socket figure")
        client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    load_before = os.getloadavg()
    try:
        hostname = client.info()["Name"]
        times, cpu, cli = [], [], []
        for _ in range(runs):
            app = PtyApp(["--host", socket], cols=120, rows=40)
            try:
                seen = app.wait_for(hostname, app.started, 15)
                times.append((seen - app.started) if seen is not None else float("inf"))
                cpu.append(app.cpu_seconds())  # the console's own CPU time up to then
            finally:
                app.close()
            cli.append(docker_cli(socket, "node", "ls"))
        imports = startup_imports(socket, runs)
    finally:
        if not was_active:
            client.swarm.leave(force=True)
            for network in client.networks.list():
                if network.name not in networks_before and network.name == "docker_gwbridge":
                    network.remove()
        client.close()
    median = statistics.median(times)
    return Figure(
        "5. Start to first painted cluster data (local socket)",
        f"{median * 1000:.0f} ms; {imports_note(imports, 3)}",
        f"{statistics.median(cli) * 1000:.0f} ms for `docker node ls`",
        "< 500 ms",
        median < 0.5,
        note=imports_note(imports),
        raw={
            "swarmtui_s": times,
            "swarmtui_cpu_s": cpu,
            "cli_s": cli,
            "load_average": [load_before, os.getloadavg()],
            "importtime": imports,
        },
    )
