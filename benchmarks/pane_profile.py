"""What one service's change costs the main screen at N services, without Docker.

The demo console runs headless; its snapshot is grown to N services (copies of the demo's),
then one service at a time changes its running count, the way an event's single fetch
patches the model, and the screen applies each snapshot. Prints the median cost of applying
a snapshot (and of the frame after it), and with --profile the cProfile of those changes.

    .venv/bin/python -m benchmarks.pane_profile --services 5000 [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import time
from dataclasses import replace

from swarmtui.core.config import Config
from swarmtui.core.models import ClusterSnapshot, Service, ServiceChanges
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.ports import ClusterBackend
from swarmtui.session.patching import patch_services
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.main_screen import MainScreen


def grown(snapshot: ClusterSnapshot, count: int) -> ClusterSnapshot:
    """SNAPSHOT with COUNT services, copies of its own under other ids and names."""
    models = snapshot.services
    services = tuple(
        replace(models[i % len(models)], id=f"svc{i:06d}", name=f"bench-{i:05d}")
        for i in range(count)
    )
    return replace(snapshot, services=services)


def changed(snapshot: ClusterSnapshot, number: int) -> ClusterSnapshot:
    """SNAPSHOT after an event about one service (its running count moved), made as the
    session makes it: with the services that changed, and its lookups by id."""
    services = snapshot.services
    target = services[(number * 7919) % len(services)]
    running = (target.replicas_running or 0) + 1
    after: Service = replace(target, replicas_running=running)
    patched = patch_services(services, target.id, after)
    changes = ServiceChanges(services, patched, frozenset({target.id}))
    made = replace(snapshot, services=patched, service_changes=changes)
    made.service("")
    made.node("")
    return made


async def measure(services: int, changes: int, profile: bool) -> None:
    demo = DemoBackend()

    def connect() -> ClusterBackend:
        return demo

    session = Session(connect, Config(path=None), endpoint_label="demo", clock=lambda: DEMO_NOW)
    app = SwarmTuiApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen: MainScreen | None = None
        for _ in range(600):
            await pilot.pause(0.05)
            current = app.screen
            if isinstance(current, MainScreen) and current.snapshot is not None:
                screen = current
                break
        assert screen is not None, "the demo console did not paint its main screen"
        session.close()  # the demo's own snapshots would undo ours: only ours from now on
        await pilot.pause(0.5)
        snapshot = grown(screen.snapshot, services)  # type: ignore[arg-type]
        screen.apply_snapshot(snapshot, DEMO_NOW)
        await pilot.pause(0.2)
        applied, framed = [], []
        profiler = cProfile.Profile()
        for number in range(changes):
            snapshot = changed(snapshot, number)
            started = time.perf_counter()
            if profile:
                profiler.enable()
            screen.apply_snapshot(snapshot, DEMO_NOW)
            if profile:
                profiler.disable()
            applied.append(time.perf_counter() - started)
            await pilot.pause()
            framed.append(time.perf_counter() - started)
        print(
            f"{services} services: apply median {statistics.median(applied) * 1000:.2f} ms, "
            f"to after the frame {statistics.median(framed) * 1000:.2f} ms ({changes} changes)"
        )
        if profile:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(measure(args.services, args.changes, args.profile))


if __name__ == "__main__":
    main()
