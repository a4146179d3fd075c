"""Figure 6: a real service floods its logs; swarmtui's log view keeps up while answering keys,
beside `docker service logs -f` reading the same service for the same time."""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.pilot import Pilot

from benchmarks.figures import Figure, percentile_95
from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.logs.log_view_model import LogViewModel
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.log_screen import LogScreen

FLOOD_LINES_PER_S = 20_000  # issue 16: keys answer within 50 ms (p95) under this flood
REPLICAS = 2
TICK_S = 0.25
FLOOD = f"while true; do seq 1 {FLOOD_LINES_PER_S // REPLICAS * TICK_S:.0f}; sleep {TICK_S}; done"
SHOWN_TARGET = 18_000  # lines/s: the flood, less what its shell loop loses to seq and sleep
KEY_P95_TARGET_S = 0.05
NAME = "bench-logs-flood"


def _flood_service(manager_url: str) -> str:
    backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
    try:
        spec: dict[str, Any] = {
            "Name": NAME,
            "TaskTemplate": {
                "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sh", "-c", FLOOD]}
            },
            "Mode": {"Replicated": {"Replicas": REPLICAS}},
        }
        return backend.mutator().create_service(spec)
    finally:
        backend.close()


def _remove(manager_url: str) -> None:
    client = engine_client(manager_url)
    try:
        for service in client.api.services(filters={"name": NAME}):
            client.api.remove_service(service["ID"])
    finally:
        client.close()


def _wait_running(manager_url: str, service_id: str, timeout: float = 60) -> None:
    client = engine_client(manager_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            tasks = client.api.tasks(filters={"service": service_id})
            if sum(t["Status"]["State"] == "running" for t in tasks) >= REPLICAS:
                return
            time.sleep(0.5)
    finally:
        client.close()
    raise TimeoutError("the flood service did not start")


def _cli_rate(manager_url: str, seconds: float) -> float:
    env = dict(os.environ, DOCKER_HOST=manager_url)
    process = subprocess.Popen(
        ["docker", "service", "logs", "-f", "--tail", "0", NAME],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    count = [0]

    def read() -> None:
        assert process.stdout is not None
        for _ in process.stdout:
            count[0] += 1

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(seconds)
    process.kill()
    process.wait()
    return count[0] / seconds


# The keys the log view answers during a flood (as tests/lab/test_logs_swarm.py presses them):
# each one's effect on the view's model, so its answer time can be measured.
KEYS: list[tuple[str, Callable[[LogViewModel], object]]] = [
    ("t", lambda m: m.timestamps),
    ("p", lambda m: m.prefix),
    ("w", lambda m: m.wrap),
    ("space", lambda m: m.paused),
    ("up", lambda m: m.cursor),
    ("space", lambda m: m.paused),
]


def _send_key(app: SwarmTuiApp, key: str) -> None:
    event = events.Key(key, " " if key == "space" else key if len(key) == 1 else None)
    event.set_sender(app)
    app.post_message(event)


async def open_service_logs(app: SwarmTuiApp, pilot: Pilot[Any], service_id: str) -> LogScreen:
    """`L` on SERVICE_ID in the services pane, once it shows; the log screen, following."""
    deadline = time.monotonic() + 30
    while app.main_screen.snapshot is None or app.main_screen.snapshot.service(service_id) is None:
        assert time.monotonic() < deadline, "the flood service never showed"
        await pilot.pause(0.1)
    app.main_screen.select_object("services", service_id)
    await pilot.press("L")
    while not isinstance(app.screen, LogScreen) or app.screen.follower is None:
        await pilot.pause(0.1)
    return app.screen


async def answer_time(
    app: SwarmTuiApp, model: LogViewModel, key: str, probe: Callable[[LogViewModel], object]
) -> float:
    """Press KEY: seconds until PROBE sees its effect on MODEL (at most 2)."""
    before = probe(model)
    pressed = time.perf_counter()
    _send_key(app, key)
    while probe(model) == before and time.perf_counter() - pressed < 2:
        await asyncio.sleep(0.001)
    return time.perf_counter() - pressed


async def _console_rate(manager_url: str, service_id: str, seconds: float) -> dict[str, Any]:
    endpoints = [Endpoint(manager_url, "--host")]
    app = SwarmTuiApp(Session(lambda: connect(endpoints), Config()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_service_logs(app, pilot, service_id)
        follower = screen.follower
        assert follower is not None
        model = screen.view.model
        await asyncio.sleep(2)
        start_lines, started = model.buffer.total + len(model.pending), time.monotonic()
        latencies = []
        keys = itertools.cycle(KEYS)
        while time.monotonic() - started < seconds:
            latencies.append(await answer_time(app, model, *next(keys)))
            await asyncio.sleep(0.15)
        elapsed = time.monotonic() - started
        shown = (model.buffer.total + len(model.pending) - start_lines) / elapsed
        buffered = len(model.buffer)
        await app.action_quit()
    latencies.sort()
    return {
        "lines_per_s": shown,
        "key_p95_s": percentile_95(latencies),
        "key_median_s": statistics.median(latencies),
        "buffer_lines": buffered,
    }


def log_flood(manager_url: str, seconds: float) -> Figure:
    _remove(manager_url)
    service_id = _flood_service(manager_url)
    try:
        _wait_running(manager_url, service_id)
        ours = asyncio.run(_console_rate(manager_url, service_id, seconds))
        cli = _cli_rate(manager_url, seconds)
    finally:
        _remove(manager_url)
    met = ours["lines_per_s"] >= SHOWN_TARGET and ours["key_p95_s"] < KEY_P95_TARGET_S
    return Figure(
        f"6. Logs: lines/s shown, key answer (p95) during a {FLOOD_LINES_PER_S:,} lines/s flood",
        f"{ours['lines_per_s']:,.0f} lines/s, keys {ours['key_p95_s'] * 1000:.0f} ms",
        f"{cli:,.0f} lines/s (`docker service logs -f`)",
        f">= {SHOWN_TARGET:,} lines/s, < {KEY_P95_TARGET_S * 1000:.0f} ms",
        met,
        raw={**ours, "cli_lines_per_s": cli, "flood_lines_per_s": FLOOD_LINES_PER_S},
    )
