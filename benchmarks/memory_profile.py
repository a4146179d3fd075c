"""What the console holds for a big tasks pane, without Docker (figure 7's parts).

A list of N pending tasks of one service in the engine's JSON shape (as a 20.10 manager
answers `GET /tasks`, compact) is read the way DockerBackend reads a list, in blocks, and
decoded into task models; then the demo console, grown to S services, shows them in its
tasks pane. Prints, from tracemalloc: the body, what reading and decoding it held at its
peak (and what `json.loads` of the joined body holds), the models kept, and the pane's rows.

    .venv/bin/python -m benchmarks.memory_profile --services 5000 --tasks 45001
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from benchmarks.pane_profile import grown
from swarmtui.adapters.docker.known_services import known_tasks
from swarmtui.adapters.docker.list_body import against_last, blocks_of
from swarmtui.core.config import Config
from swarmtui.core.models import ScopeKind, Task, TaskScope
from swarmtui.core.shared_json import decode_shared, shared_items
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.session.patching import task_order
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.main_screen import MainScreen

MB = 1e6


def pending_task(number: int, service_id: str) -> dict[str, Any]:
    second = f"{number % 60:02d}.{number:09d}"
    return {
        "ID": f"{number:025d}",
        "Version": {"Index": 10_000 + number},
        "CreatedAt": f"2026-12-02T09:12:{second}Z",
        "UpdatedAt": f"2026-12-02T09:13:{second}Z",
        "Labels": {},
        "Spec": {
            "ContainerSpec": {
                "Image": "swarmtui-workload:1",
                "Args": ["sleep", "100000"],
                "Isolation": "default",
            },
            "Placement": {"Constraints": ["node.labels.never==1"]},
            "ForceUpdate": 0,
        },
        "ServiceID": service_id,
        "Slot": number + 1,
        "Status": {
            "Timestamp": f"2026-12-02T09:13:{second}Z",
            "State": "pending",
            "Message": "pending task scheduling",
            "Err": "no suitable node (scheduling constraints not satisfied on 1 node)",
            "PortStatus": {},
        },
        "DesiredState": "running",
    }


def tasks_body(count: int, service_id: str) -> bytes:
    tasks = [pending_task(n, service_id) for n in range(count)]
    return json.dumps(tasks, separators=(",", ":")).encode()


def traced(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """STEP's result, and what it left allocated and held at its peak (MB)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = step()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, current / MB, peak / MB


def read_as_the_backend_does(body: bytes) -> list[Task]:
    changed = against_last(blocks_of([body]), ())
    assert changed is not None
    return known_tasks().listed(shared_items(changed.blocks))


async def pane_rows(services: int, tasks: tuple[Task, ...]) -> float:
    """MB the demo console's panes hold for TASKS (in the tasks pane) at SERVICES."""
    demo = DemoBackend()
    session = Session(
        lambda: demo, Config(path=None), endpoint_label="demo", clock=lambda: DEMO_NOW
    )
    app = SwarmTuiApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = None
        for _ in range(600):
            await pilot.pause(0.05)
            if isinstance(app.screen, MainScreen) and app.screen.snapshot is not None:
                screen = app.screen
                break
        assert screen is not None and screen.snapshot is not None
        session.close()
        await pilot.pause(0.5)
        snapshot = grown(screen.snapshot, services)
        first = snapshot.services[0]
        snapshot = replace(
            snapshot,
            tasks=tuple(replace(t, service_id=first.id) for t in tasks),
            task_scope=TaskScope(ScopeKind.SERVICE, first.id, first.name, False),
        )
        gc.collect()
        tracemalloc.start()
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause(0.5)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] / MB
        tracemalloc.stop()
        return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--tasks", type=int, default=45_001)
    args = parser.parse_args()
    body = tasks_body(args.tasks, "tfvmc67cwq37ddr3qqdw33d2u")
    print(f"{args.tasks:,} tasks: body {len(body) / MB:.1f} MB")
    _, _, loads_peak = traced(lambda: decode_shared(b"".join(blocks_of([body]))))
    print(f"  joined body and json.loads: peak {loads_peak:.1f} MB")
    models, kept, peak = traced(lambda: read_as_the_backend_does(body))
    print(f"  read in blocks, decoded and mapped: peak {peak:.1f} MB, kept {kept:.1f} MB")
    tasks = tuple(sorted(models, key=task_order))
    del models
    rows = asyncio.run(pane_rows(args.services, tasks))
    print(f"  the panes at {args.services:,} services: {rows:.1f} MB")


if __name__ == "__main__":
    main()
