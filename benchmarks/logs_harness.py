"""Figure 6 without a lab: a flood of engine-format log bytes, RATE lines/s, through the real
decoding (LogStream's chunk and frame decoders, the payload parser), the real LogFollower and
the real LogScreen on the demo cluster; keys are pressed as the figure presses them.

`python -m benchmarks.logs_harness [--rate 20000] [--seconds 10] [--profile FILE]
[--switch-interval S]` prints the key answer times (to the model, and to the next paint),
the lines shown per second, and the CPU each thread spent per second of flood: on a shared
machine the CPU seconds say more than the wall-clock times.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import os
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from textual.pilot import Pilot

from benchmarks.figures import percentile_95
from benchmarks.logs_figure import KEYS, _send_key
from swarmtui.adapters.docker.log_stream import READ_SIZE, LogStream
from swarmtui.core.config import Config
from swarmtui.demo.cluster import DEMO_NOW, TASKS_JSON, DemoBackend
from swarmtui.logs.chunk_decoder import ChunkDecoder
from swarmtui.logs.log_target import LogKind
from swarmtui.ports import ClusterBackend
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.log_screen import LogScreen

TICK_S = 0.005  # how often the fake engine sends what is due
NANO = 1_000_000_000


def _thread_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of each thread of this process, by native id."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(tid)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


class FloodStream(LogStream):
    """A following service log stream whose bytes come from here, not from an engine: one
    chunk per frame as the engine sends them, read in blocks of up to READ_SIZE."""

    def __init__(self, rate: int, tasks: list[tuple[str, str, str]]) -> None:
        # No HTTP response: only what LogStream.batches() uses.
        self._endpoint = "flood"
        self._closed = threading.Event()
        self.idle = False
        self.kind: LogKind = "service"
        self.object_id = tasks[0][1]
        self._rate = rate
        self._details = [
            f"com.docker.swarm.node.id={node},com.docker.swarm.service.id={service},"
            f"com.docker.swarm.task.id={task}"
            for node, service, task in tasks
        ]
        self.sent = 0
        self.generator_cpu_s = 0.0

    def _blocks(self) -> Iterator[bytes]:
        chunks = ChunkDecoder()
        started = time.monotonic()
        while not self._closed.wait(TICK_S):
            due = int((time.monotonic() - started) * self._rate) - self.sent
            if due <= 0:
                continue
            cpu = time.thread_time()
            data = self._chunked(due)
            self.generator_cpu_s += time.thread_time() - cpu
            for offset in range(0, len(data), READ_SIZE):
                if body := chunks.feed(data[offset : offset + READ_SIZE]):
                    yield body

    def _chunked(self, count: int) -> bytes:
        now = time.time_ns()
        second, nanos = divmod(now, NANO)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        details, parts = self._details, []
        for n in range(self.sent, self.sent + count):
            text = f"{stamp}.{nanos:09d}Z {details[n % len(details)]} {n % 2500 + 1}\n"
            nanos = min(nanos + 1, NANO - 1)
            payload = text.encode()
            frame = b"\x01\0\0\0" + len(payload).to_bytes(4, "big") + payload
            parts.append(b"%x\r\n%b\r\n" % (len(frame), frame))
        self.sent += count
        return b"".join(parts)

    def close(self) -> None:
        self._closed.set()


class FloodBackend(DemoBackend):
    """The demo cluster, its first service's logs a flood."""

    def __init__(self, rate: int) -> None:
        super().__init__()
        self.rate = rate
        self.streams: list[FloodStream] = []

    def open_logs(self, kind: LogKind, object_id: str, **options: Any) -> Any:
        tasks = [
            (t["NodeID"], t["ServiceID"], t["ID"])
            for t in TASKS_JSON
            if object_id in (t["ServiceID"], t["ID"]) and t["Status"]["State"] == "running"
        ]
        stream = FloodStream(self.rate, tasks)
        self.streams.append(stream)
        return stream


def flood_app(rate: int) -> tuple[SwarmTuiApp, FloodBackend]:
    backend = FloodBackend(rate)

    def connect() -> ClusterBackend:
        return backend

    session = Session(connect, Config(path=None), endpoint_label="flood", clock=lambda: DEMO_NOW)
    return SwarmTuiApp(session), backend


async def open_flood_logs(app: SwarmTuiApp, pilot: Pilot[Any]) -> LogScreen:
    """`L` on the demo's second service (the flood); the log screen, following."""
    while app.main_screen.snapshot is None:
        await pilot.pause(0.05)
    await pilot.press("2", "L")
    while not isinstance(app.screen, LogScreen) or app.screen.follower is None:
        await pilot.pause(0.05)
    return app.screen


async def measure(rate: int, seconds: float, profile: cProfile.Profile | None) -> dict[str, Any]:
    app, backend = flood_app(rate)
    painted, paints_made = [0.0], [0]
    display = app._display

    def timed_display(*args: Any) -> None:
        display(*args)
        painted[0] = time.perf_counter()
        paints_made[0] += 1

    app._display = timed_display  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_flood_logs(app, pilot)
        model = screen.view.model
        await asyncio.sleep(2)  # the buffer full, the flood steady
        follower = screen.follower
        assert follower is not None
        drain, pulls = follower.drain, [0]

        def counted_drain() -> Any:
            pulls[0] += 1
            return drain()

        follower.drain = counted_drain  # type: ignore[method-assign]
        main_tid = threading.get_native_id()
        paints_before = paints_made[0]
        cpu_before = _thread_cpu()
        shown_before = model.buffer.total + len(model.pending)
        started = time.monotonic()
        if profile is not None:
            profile.enable()
        answers, paint_times, answer_cpu = [], [], []
        by_key: dict[str, list[tuple[int, int]]] = {}
        keys = itertools.cycle(KEYS)
        while time.monotonic() - started < seconds:
            key, probe = next(keys)
            before = probe(model)
            pressed, pressed_cpu = time.perf_counter(), time.thread_time()
            _send_key(app, key)
            while probe(model) == before and time.perf_counter() - pressed < 2:
                await asyncio.sleep(0.001)
            answers.append(time.perf_counter() - pressed)
            answer_cpu.append(time.thread_time() - pressed_cpu)
            ms = (round(answers[-1] * 1000), round(answer_cpu[-1] * 1000))
            by_key.setdefault(key, []).append(ms)  # wall-clock, UI thread CPU
            while painted[0] < pressed + answers[-1] and time.perf_counter() - pressed < 2:
                await asyncio.sleep(0.001)
            paint_times.append(painted[0] - pressed)
            await asyncio.sleep(0.15)
        if profile is not None:
            profile.disable()
        elapsed = time.monotonic() - started
        cpu_after = _thread_cpu()
        shown = (model.buffer.total + len(model.pending) - shown_before) / elapsed
        paints = paints_made[0] - paints_before
        read, buffered = follower.lines_read, model.buffer.total + len(model.pending)
        await app.action_quit()
    spent = {tid: cpu_after.get(tid, 0) - cpu_before.get(tid, 0) for tid in cpu_after}
    ui_cpu = spent.pop(main_tid, 0.0)
    generator = sum(s.generator_cpu_s for s in backend.streams)
    answers.sort()
    paint_times.sort()
    answer_cpu.sort()
    return {
        "rate": rate,
        "lines_per_s": round(shown),
        "key_p95_ms": round(percentile_95(answers) * 1000, 1),
        "key_median_ms": round(statistics.median(answers) * 1000, 1),
        "paint_p95_ms": round(percentile_95(paint_times) * 1000, 1),
        "paint_median_ms": round(statistics.median(paint_times) * 1000, 1),
        "key_ui_cpu_p95_ms": round(percentile_95(answer_cpu) * 1000, 1),
        "key_ui_cpu_median_ms": round(statistics.median(answer_cpu) * 1000, 1),
        "keys": len(answers),
        "key_ms_by_key": by_key,
        "ui_cpu_per_s": round(ui_cpu / elapsed, 3),
        "pulls_per_s": round(pulls[0] / elapsed, 1),
        "paints_per_s": round(paints / elapsed, 1),
        "ui_cpu_ms_per_paint": round(ui_cpu / max(1, paints) * 1000, 1),
        "other_threads_cpu_per_s": round(sum(spent.values()) / elapsed, 3),
        "generator_cpu_s_total": round(generator, 2),
        "lines_read": read,
        "lines_buffered_or_pending": buffered,
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--profile", help="write the UI thread's cProfile stats here")
    parser.add_argument("--switch-interval", type=float, help="sys.setswitchinterval (s)")
    args = parser.parse_args(argv)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    profile = cProfile.Profile(time.thread_time) if args.profile else None
    result = asyncio.run(measure(args.rate, args.seconds, profile))
    print(json.dumps(result))
    if profile is not None:
        profile.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
