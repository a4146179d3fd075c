"""Figure 13: bytes the console writes to its terminal, counted at the pty as an SSH link
would carry them: the first full paint at 120x40 and at 80x24, one replica count changing
(a service scaled through the API), one log line arriving in the logs view, and an idle
stretch with nothing changing. The terminal is an xterm-256color without COLORTERM (256
colours, as PtyApp starts every program); the first paint at 120x40 is measured once more
with COLORTERM=truecolor (24-bit colour codes are longer), beside the targets."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.figures import Figure
from benchmarks.fixture import UNSATISFIABLE
from benchmarks.pty_app import PtyApp
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE

Log = Callable[[str], None]
TALK = "wire-a-talk"  # a running task whose log gets one line; first: the tasks pane shows it
COUNT = "wire-b-count"  # pending tasks only: its REPLICAS cell is the one that changes
QUIET = 2.0  # seconds without output that end a paint (generous: a loaded machine pauses)
PAINT_TIMEOUT = 60.0
SCOPED_TASKS = re.compile(r"Tasks \(\d+\) of ")
CELL_TARGET = 1024
PAINT_TARGET = 30 * 1024


CLEAR_FIELD = "\x15"  # ctrl+u: the filter field emptied (it keeps the last filter)


def settled(app: PtyApp, since: float, timeout: float = PAINT_TIMEOUT) -> float:
    """When the output after SINCE stopped for QUIET seconds (the time of its last byte)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = app.last_output(since) or since
        if time.monotonic() - last >= QUIET:
            return last
        time.sleep(0.1)
    raise RuntimeError(f"the console's output never went quiet within {timeout:.0f} s")


@contextmanager
def wire_services(manager_url: str, log: Log) -> Iterator[Any]:
    client = engine_client(manager_url, timeout=120)
    try:
        for name in (TALK, COUNT):
            for old in client.services.list(filters={"name": name}):
                old.remove()
        log("creating the wire figure's two services")
        client.services.create(
            WORKLOAD_IMAGE, ["sleep", "1d"], name=TALK, constraints=["node.role==manager"]
        )
        client.services.create(
            WORKLOAD_IMAGE, ["sleep", "1d"], name=COUNT, constraints=[UNSATISFIABLE]
        )
        yield client
    finally:
        for name in (TALK, COUNT):
            for service in client.services.list(filters={"name": name}):
                service.remove()
        client.close()


def talk_container(client: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for task in client.api.tasks(filters={"service": TALK, "desired-state": "running"}):
            status = task.get("Status") or {}
            found = (status.get("ContainerStatus") or {}).get("ContainerID")
            if status.get("State") == "running" and found:
                return client.containers.get(found)
        time.sleep(0.5)
    raise RuntimeError(f"{TALK}'s task never ran")


def first_paint(manager_url: str, cols: int, rows: int, colorterm: str = "") -> int:
    app = PtyApp(["--host", manager_url], cols=cols, rows=rows, env={"COLORTERM": colorterm})
    try:
        app.must_show(
            SCOPED_TASKS, app.started, PAINT_TIMEOUT
        )  # the last thing the first paint shows
        return app.bytes_between(app.started, settled(app, app.started) + 0.001)
    finally:
        app.close()


def changes(manager_url: str, client: Any, idle_seconds: float) -> dict[str, float]:
    app = PtyApp(["--host", manager_url], cols=120, rows=40)
    try:
        app.must_show(SCOPED_TASKS, app.started, PAINT_TIMEOUT)
        # The services pane filtered down to the scaled one: on a lab with more services
        # than rows (other figures deploy stacks) its row would be off screen.
        filtered = time.monotonic()
        app.send(f"2/{CLEAR_FIELD}{COUNT}\r".encode())
        app.must_show(COUNT, filtered, PAINT_TIMEOUT)
        settled(app, filtered)
        scaled = time.monotonic()
        client.services.get(COUNT).scale(2)
        count_seen = app.must_show("0/2", scaled, PAINT_TIMEOUT)
        count_bytes = app.bytes_between(scaled, count_seen + 0.001)
        count_settled = app.bytes_between(scaled, settled(app, scaled) + 0.001)

        opened = time.monotonic()
        app.send(f"2/{CLEAR_FIELD}{TALK}\rL".encode())
        app.must_show("Logs: ", opened, PAINT_TIMEOUT)
        settled(app, opened)
        written = time.monotonic()
        talk_container(client).exec_run(["sh", "-c", "echo wire-line-4242 > /proc/1/fd/1"])
        line_seen = app.must_show("wire-line-4242", written, PAINT_TIMEOUT)
        line_bytes = app.bytes_between(written, line_seen + 0.001)
        line_settled = app.bytes_between(written, settled(app, written) + 0.001)

        app.send(b"\x1b")
        back = time.monotonic()
        settled(app, back)
        idle_start = time.monotonic()
        time.sleep(idle_seconds)
        idle_bytes = app.bytes_between(idle_start, time.monotonic())
        return {
            "count_bytes": count_bytes,
            "count_settled_bytes": count_settled,
            "log_line_bytes": line_bytes,
            "log_line_settled_bytes": line_settled,
            "idle_bytes": idle_bytes,
            "idle_seconds": idle_seconds,
        }
    finally:
        app.close()


def wire_bytes(manager_url: str, idle_seconds: float, log: Log) -> Figure:
    with wire_services(manager_url, log) as client:
        talk_container(client)
        paint_120 = first_paint(manager_url, 120, 40)
        paint_80 = first_paint(manager_url, 80, 24)
        truecolor = first_paint(manager_url, 120, 40, colorterm="truecolor")
        raw: dict[str, float] = {
            "paint_120x40_bytes": paint_120,
            "paint_80x24_bytes": paint_80,
            "paint_120x40_truecolor_bytes": truecolor,
        }
        raw.update(changes(manager_url, client, idle_seconds))
    cell = max(raw["count_bytes"], raw["log_line_bytes"])
    met = max(paint_120, paint_80) < PAINT_TARGET and cell < CELL_TARGET and raw["idle_bytes"] == 0
    ours = (
        f"paint {paint_120 / 1024:.1f} KB (120x40) / {paint_80 / 1024:.1f} KB (80x24); "
        f"count {raw['count_bytes']:.0f} B; log line {raw['log_line_bytes']:.0f} B; "
        f"idle {idle_seconds:.0f} s {raw['idle_bytes']:.0f} B"
    )
    return Figure(
        "13. Bytes on the wire (at the pty)",
        ours,
        "n/a",
        "paint < 30 KB, one cell < 1 KB, idle 0 B",
        met,
        note=(
            f"256 colours; settled: count {raw['count_settled_bytes']:.0f} B, "
            f"log line {raw['log_line_settled_bytes']:.0f} B; "
            f"paint with COLORTERM=truecolor {truecolor / 1024:.1f} KB (120x40)"
        ),
        raw=raw,
    )
