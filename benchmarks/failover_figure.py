"""Figure 8: failover. On a lab of three managers the console talks to one, which is killed;
the figure is the time until the console talks to another manager (median of the runs, the
victims in turn, the raft leader first). tests/lab/test_failover.py and tests/lab/test_faults.py
check that the switch happens; how fast it happens is judged here."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

import docker.errors

from benchmarks.figures import Figure, Log
from swarmtui.adapters.docker.docker_backend import DockerBackend, connect
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.lab import Lab, lab_up
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.session.failover import FailoverPlan
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp

MANAGERS = 3
TARGET_S = 5.0


def _ready_lab(name: str, log: Log, timeout: float = 120.0) -> Lab:
    """The lab with every manager running (a killed one is started again) and a leader."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            lab = lab_up(name, MANAGERS, 0, log=log)
            client = engine_client(lab.manager_url, timeout=30)
            try:
                client.api.nodes()  # answers only once the managers have a leader
            finally:
                client.close()
            return lab
        except docker.errors.APIError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


async def _failover_once(lab: Lab, victim_index: int) -> float:
    """Seconds from killing the manager the console talks to until it talks to another."""
    victim = lab.managers[victim_index]
    endpoints = [Endpoint(victim.api_url, "--host")]
    app = SwarmTuiApp(
        Session(
            lambda: connect(endpoints),
            Config(refresh_interval=1.0),
            endpoint_label=victim.api_url,
            failover=FailoverPlan(endpoints, DockerBackend),
        )
    )
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            deadline = time.monotonic() + 60
            while not (
                app.main_screen.snapshot is not None
                and sum(n.role == "manager" for n in app.main_screen.snapshot.nodes) == MANAGERS
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError("the console did not list the three managers")
                await pilot.pause(0.05)
            refresher = app.session.refresher
            assert refresher is not None
            client = engine_client()
            try:
                killed = time.monotonic()
                client.containers.get(victim.container_id).kill()
            finally:
                client.close()
            while refresher.backend.endpoint_display == victim.api_url:
                if time.monotonic() - killed > 60:
                    raise TimeoutError(f"the console stayed on the killed {victim.name}")
                await pilot.pause(0.01)
            return time.monotonic() - killed
        finally:
            await app.action_quit()


def failover(lab_name: str, runs: int, log: Log) -> Figure:
    times: list[float] = []
    try:
        for run in range(runs):
            lab = _ready_lab(lab_name, log)
            times.append(asyncio.run(_failover_once(lab, run % MANAGERS)))
            log(f"failover {run + 1}/{runs}: {times[-1]:.2f} s")
    finally:
        with contextlib.suppress(Exception):
            _ready_lab(lab_name, log)  # leave it whole for --keep
    median = statistics.median(times)
    return Figure(
        "8. Failover: connected manager killed to the console on another (median)",
        f"{median:.2f} s ({len(times)} runs, {min(times):.2f}-{max(times):.2f} s)",
        "n/a",
        f"< {TARGET_S:.0f} s",
        median < TARGET_S,
        raw={"times_s": times},
    )
