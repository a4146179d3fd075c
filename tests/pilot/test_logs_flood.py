"""The log view under a flood (issue 16): the UI thread's work per paint is what is on screen,
every line still reaches the buffer in order, and keys come before pulls. No timing: the
figure (benchmarks/logs_figure.py) and its harness (benchmarks/logs_harness.py) measure.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

from helpers.demo_app import demo_app, wait_main
from helpers.pilot import AppPilot, wait_screen, wait_until
from textual import events
from textual.geometry import Region
from textual.strip import Strip

from swarmtui.core.config import Config
from swarmtui.demo.cluster import TASKS_JSON, DemoBackend
from swarmtui.demo.logs import DemoLogStream
from swarmtui.logs.log_batch import LogBatch
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_target import LogKind
from swarmtui.ui.screens.log_screen import MAX_PULLS_SKIPPED, LogScreen

T0 = 1_795_708_863_000_000_000
HELLOWORLD = "h3ll0w0rld000000000000001"
RUNNING = [(t["ID"], t["NodeID"]) for t in TASKS_JSON[:2]]  # helloworld's running tasks


class FedStream(DemoLogStream):
    """A following log stream whose batches the test hands in."""

    def __init__(self) -> None:
        super().__init__([], tail=None, since_ns=None, follow=True)
        self.batches_in: queue.Queue[list[LogLine]] = queue.Queue()

    def batches(self) -> Iterator[list[LogLine]]:
        while not self._closed.is_set():
            try:
                yield self.batches_in.get(timeout=0.05)
            except queue.Empty:
                continue


class FedBackend(DemoBackend):
    def __init__(self) -> None:
        super().__init__()
        self.streams: list[FedStream] = []

    def open_logs(self, kind: LogKind, object_id: str, **options: Any) -> FedStream:
        stream = FedStream()
        self.streams.append(stream)
        return stream


def flood(start: int, count: int) -> list[LogLine]:
    """COUNT lines of helloworld's two running tasks, alternating, in time order."""
    lines = []
    for n in range(start, start + count):
        task, node = RUNNING[n % 2]
        lines.append(LogLine(T0 + n, str(n), "stdout", node, task, HELLOWORLD))
    return lines


async def open_fed_logs(pilot: AppPilot, backend: FedBackend) -> tuple[LogScreen, FedStream]:
    await wait_main(pilot)
    await pilot.press("2", "L")
    screen = await wait_screen(pilot, LogScreen, "the log screen")
    await wait_until(pilot, lambda: backend.streams, "the log stream opened")
    return screen, backend.streams[0]


async def test_a_flood_paints_only_the_rows_on_screen_and_keeps_every_line() -> None:
    backend = FedBackend()
    app = demo_app(backend, config=Config(path=None, log_buffer_lines=50_000))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, stream = await open_fed_logs(pilot, backend)
        view = screen.view
        rendered: list[int] = []  # rows rendered (whole lines made into strips) per paint
        made = [0]
        row, render_lines = view.renderer.row, view.render_lines

        def counted_row(*args: Any) -> Strip:
            made[0] += 1
            return row(*args)

        def counted_paint(crop: Region) -> list[Strip]:
            made[0] = 0
            strips = render_lines(crop)
            rendered.append(made[0])
            return strips

        view.renderer.row = counted_row  # type: ignore[method-assign,assignment]
        view.render_lines = counted_paint  # type: ignore[method-assign]
        for step in range(20):
            stream.batches_in.put(flood(step * 2000, 2000))
            wanted = (step + 1) * 2000

            def arrived(wanted: int = wanted) -> bool:
                return view.model.buffer.total == wanted

            await wait_until(pilot, arrived, f"{wanted} lines")
            await pilot.pause()
        total = 20 * 2000
        buffer = view.model.buffer
        assert [x.text for x in buffer] == [str(n) for n in range(total)]  # all, in order
        assert rendered and max(rendered) <= view.size.height
        assert sum(rendered) <= len(rendered) * view.size.height


async def test_pulls_wait_while_a_key_is_handed_on_but_not_for_long() -> None:
    backend = FedBackend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, _ = await open_fed_logs(pilot, backend)
        follower = screen.follower
        assert follower is not None
        drains, drain = [0], follower.drain

        def counted_drain() -> LogBatch:
            drains[0] += 1
            return drain()

        follower.drain = counted_drain  # type: ignore[method-assign]
        screen._keys_waiting = lambda: True  # type: ignore[method-assign]
        screen._pulls_skipped = 0
        before = drains[0]
        for _ in range(3 * (MAX_PULLS_SKIPPED + 1)):  # by hand: the timer runs between awaits
            screen._pull()
        assert drains[0] - before == 3  # one pull in MAX_PULLS_SKIPPED + 1


async def test_a_flood_waits_for_its_frame_a_trickle_does_not() -> None:
    backend = FedBackend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, _ = await open_fed_logs(pilot, backend)
        model = screen.view.model
        first = flood(0, screen.view.size.height + 1)
        screen._shown_at = float("inf")  # just shown: a flood waits for the next frame
        screen._show_lines(first)
        assert model.buffer.total == 0 and screen._unshown == first
        screen._shown_at = 0.0  # the frame is due: what waited goes, in order
        screen._show_lines(flood(1000, 5))
        assert list(model.buffer) == first + flood(1000, 5) and not screen._unshown
        screen._shown_at = float("inf")
        screen._show_lines(flood(2000, 3))  # a trickle shows at once
        assert list(model.buffer)[-3:] == flood(2000, 3)


async def test_keys_answer_during_a_flood() -> None:
    """As the figure presses them: each toggle is applied while lines keep coming, and no line
    is lost on the way."""
    backend = FedBackend()
    app = demo_app(backend, config=Config(path=None, log_buffer_lines=100_000))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, stream = await open_fed_logs(pilot, backend)
        model = screen.view.model
        sent = [0]
        stop = threading.Event()

        def feed() -> None:
            while not stop.wait(0.01):
                stream.batches_in.put(flood(sent[0], 200))
                sent[0] += 200

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            for key, option in [("t", "timestamps"), ("w", "wrap"), ("p", "prefix")]:
                before = getattr(model, option)
                event = events.Key(key, key)
                event.set_sender(app)
                app.post_message(event)

                def applied(option: str = option, before: bool = before) -> bool:
                    return bool(getattr(model, option) != before)

                await wait_until(pilot, applied, key)
        finally:
            stop.set()
            feeder.join()
        await wait_until(pilot, lambda: model.buffer.total == sent[0], "every line shown")
        assert [x.text for x in model.buffer] == [str(n) for n in range(sent[0])]
