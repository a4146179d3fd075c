"""Where a key's answer waits during a log flood: every turn of the event loop, every message
a widget handles and every garbage collection, timed (wall and UI-thread CPU), beside each
key's answer time. The keys that answer late are listed with what ran while they waited.

`python -m benchmarks.logs_turns [--lab MANAGER_URL] [--seconds 10] [--json FILE]`: against a
lab (figure 6's own flood service, created and removed) or, without --lab, the lab-free flood
of benchmarks.logs_harness. Wall time above CPU time in a turn is time the UI thread waited:
for the GIL (another thread held it) or for a core (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import json
import pstats
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from textual.message_pump import MessagePump

from benchmarks import logs_figure
from benchmarks.figures import percentile_95
from benchmarks.logs_figure import KEYS, answer_time, open_service_logs
from benchmarks.logs_harness import _thread_cpu, flood_app, open_flood_logs
from swarmtui.adapters.docker.docker_backend import connect
from swarmtui.core.config import Config
from swarmtui.core.endpoints import Endpoint
from swarmtui.session.session import Session
from swarmtui.ui.app import SwarmTuiApp
from swarmtui.ui.screens.log_screen import LogScreen

SLOW_S = 0.003  # turns and messages shorter than this are counted, not listed
LATE_S = 0.03  # keys slower than this are explained
PROFILED_S = 0.015  # --profile: turns this long (wall) are profiled (UI-thread CPU time)


@dataclass
class Span:
    kind: str  # "turn", "message", "gc"
    what: str
    start: float
    wall: float
    cpu: float


class Recorder:
    """Wraps asyncio's Handle._run, MessagePump._dispatch_message and gc.callbacks."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.turns = 0
        self.turn_wall = 0.0
        self._gc_started = (0.0, 0.0)
        self.main = threading.get_ident()
        self.profiling = False
        self.profiles: dict[str, pstats.Stats] = {}

    def add_profile(self, name: str, profile: cProfile.Profile) -> None:
        profile.create_stats()
        found = self.profiles.get(name)
        if found is None:
            self.profiles[name] = pstats.Stats(profile)
        else:
            found.add(profile)

    @contextmanager
    def recording(self) -> Iterator[None]:
        handle_run = asyncio.events.Handle._run
        dispatch = MessagePump._dispatch_message
        spans, recorder = self.spans, self

        def timed_run(handle: asyncio.Handle) -> None:
            profile = cProfile.Profile(time.thread_time) if recorder.profiling else None
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                if profile is not None:
                    profile.runcall(handle_run, handle)
                else:
                    handle_run(handle)
            finally:
                wall = time.perf_counter() - start
                recorder.turns += 1
                recorder.turn_wall += wall
                if wall >= SLOW_S:
                    spent = time.thread_time() - cpu
                    spans.append(Span("turn", _handle_name(handle), start, wall, spent))
                    if profile is not None and wall >= PROFILED_S:
                        recorder.add_profile(_handle_name(handle), profile)

        async def timed_dispatch(pump: MessagePump, message: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return await dispatch(pump, message)
            finally:
                wall = time.perf_counter() - start
                if wall >= SLOW_S:
                    what = f"{type(pump).__name__} <- {type(message).__name__}"
                    spans.append(Span("message", what, start, wall, time.thread_time() - cpu))

        def on_gc(phase: str, info: dict[str, int]) -> None:
            # A collection holds the GIL: one in the reading thread stops the UI thread too.
            if phase == "start":
                self._gc_started = (time.perf_counter(), time.thread_time())
                return
            start, cpu = self._gc_started
            where = "" if threading.get_ident() == recorder.main else " (reading thread)"
            what = f"gen {info['generation']}{where}, {info['collected']} freed"
            wall = time.perf_counter() - start
            spans.append(Span("gc", what, start, wall, time.thread_time() - cpu))

        setattr(asyncio.events.Handle, "_run", timed_run)  # noqa: B010  (typed otherwise)
        setattr(MessagePump, "_dispatch_message", timed_dispatch)  # noqa: B010
        gc.callbacks.append(on_gc)
        try:
            yield
        finally:
            setattr(asyncio.events.Handle, "_run", handle_run)  # noqa: B010
            setattr(MessagePump, "_dispatch_message", dispatch)  # noqa: B010
            gc.callbacks.remove(on_gc)


def _handle_name(handle: asyncio.Handle) -> str:
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        frame = getattr(coro, "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        name = getattr(coro, "__qualname__", repr(coro))
        return f"task {name}" + (f" of {type(owner).__name__}" if owner is not None else "")
    return f"callback {getattr(callback, '__qualname__', repr(callback))}"


def _thread_names() -> dict[int, str]:
    return {t.native_id or 0: t.name for t in threading.enumerate()}


async def _press_keys(
    app: SwarmTuiApp, seconds: float, recorder: Recorder
) -> tuple[list[dict[str, Any]], float, float]:
    screen = app.screen
    assert isinstance(screen, LogScreen)
    model = screen.view.model
    await asyncio.sleep(2)
    cpu_before = _thread_cpu()
    lines_before, started = model.buffer.total + len(model.pending), time.monotonic()
    keys: list[dict[str, Any]] = []
    with recorder.recording():
        cycle = itertools.cycle(KEYS)
        while time.monotonic() - started < seconds:
            key, probe = next(cycle)
            pressed = time.perf_counter()
            answer = await answer_time(app, model, key, probe)
            keys.append({"key": key, "pressed": pressed, "answer": answer})
            await asyncio.sleep(0.15)
    elapsed = time.monotonic() - started
    lines = (model.buffer.total + len(model.pending) - lines_before) / elapsed
    cpu_after, names = _thread_cpu(), _thread_names()
    threads = {
        names.get(tid, str(tid)): round((cpu_after[tid] - cpu_before.get(tid, 0)) / elapsed, 3)
        for tid in cpu_after
    }
    recorder.spans.append(Span("threads", json.dumps(threads), started, elapsed, 0))
    return keys, lines, elapsed


async def _on_lab(manager_url: str, seconds: float, recorder: Recorder) -> Any:
    logs_figure._remove(manager_url)
    service_id = logs_figure._flood_service(manager_url)
    try:
        logs_figure._wait_running(manager_url, service_id)
        app = SwarmTuiApp(Session(lambda: connect([Endpoint(manager_url, "--host")]), Config()))
        async with app.run_test(size=(120, 40)) as pilot:
            await open_service_logs(app, pilot, service_id)
            result = await _press_keys(app, seconds, recorder)
            await app.action_quit()
        return result
    finally:
        logs_figure._remove(manager_url)


async def _without_lab(seconds: float, recorder: Recorder) -> Any:
    app, _ = flood_app(logs_figure.FLOOD_LINES_PER_S)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_flood_logs(app, pilot)
        result = await _press_keys(app, seconds, recorder)
        await app.action_quit()
    return result


def report(keys: list[dict[str, Any]], lines: float, elapsed: float, recorder: Recorder) -> str:
    answers = sorted(k["answer"] for k in keys)
    spans = [s for s in recorder.spans if s.kind != "threads"]
    threads = next((s.what for s in recorder.spans if s.kind == "threads"), "{}")
    out = [
        f"{lines:,.0f} lines/s; keys p95 {percentile_95(answers) * 1000:.0f} ms, "
        f"median {statistics.median(answers) * 1000:.0f} ms, {len(keys)} keys",
        f"loop turns: {recorder.turns / elapsed:.0f}/s, "
        f"{recorder.turn_wall / elapsed * 1000:.0f} ms/s inside them",
        f"threads' CPU per second: {threads}",
        "longest turns (wall ms / UI CPU ms):",
    ]
    turns = sorted((s for s in spans if s.kind == "turn"), key=lambda s: -s.wall)
    for s in turns[:12]:
        out.append(f"  {s.wall * 1000:6.1f} / {s.cpu * 1000:6.1f}  {s.what}")
    out.append("by cause, turns >= 3 ms (count, total wall ms, max):")
    causes: dict[str, list[float]] = {}
    for s in spans:
        if s.kind in ("message", "gc"):
            causes.setdefault(f"{s.kind}: {s.what.split(',')[0]}", []).append(s.wall)
    for what, walls in sorted(causes.items(), key=lambda x: -sum(x[1]))[:15]:
        out.append(f"  {len(walls):4d} {sum(walls) * 1000:8.0f} {max(walls) * 1000:6.1f}  {what}")
    out.append("late keys and what ran while they waited (>= 3 ms):")
    for k in sorted(keys, key=lambda k: -k["answer"]):
        if k["answer"] < LATE_S:
            break
        begin, end = k["pressed"], k["pressed"] + k["answer"]
        during = [s for s in spans if s.start < end and s.start + s.wall > begin]
        inside = sum(s.wall for s in during if s.kind == "turn")
        out.append(
            f"  {k['key']}: {k['answer'] * 1000:.0f} ms, {inside * 1000:.0f} ms in slow turns"
        )
        for s in sorted(during, key=lambda s: s.start):
            out.append(
                f"    +{(s.start - begin) * 1000:6.1f} {s.kind:7s} {s.wall * 1000:6.1f} "
                f"(cpu {s.cpu * 1000:5.1f})  {s.what}"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lab", help="a lab manager's URL (default: no lab, a fake flood)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", help="write every key and span here")
    parser.add_argument("--profile", action="store_true", help="profile the long turns")
    args = parser.parse_args(argv)
    recorder = Recorder()
    recorder.profiling = args.profile
    run: Callable[[], Any] = (
        (lambda: _on_lab(args.lab, args.seconds, recorder))
        if args.lab
        else (lambda: _without_lab(args.seconds, recorder))
    )
    keys, lines, elapsed = asyncio.run(run())
    print(report(keys, lines, elapsed, recorder))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"keys": keys, "spans": [asdict(s) for s in recorder.spans]}, out)
    for name, stats in recorder.profiles.items():
        print(f"--- profile of turns >= {PROFILED_S * 1000:.0f} ms: {name}")
        stats.sort_stats("cumulative").print_stats(35)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
