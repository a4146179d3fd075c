"""The whole-batch steps of the log path (issue 16, a 20,000 lines/s flood): each gives what
the step-per-line code it replaced gave, and keeps every line in order."""

from __future__ import annotations

import heapq
import random
from collections import deque

from swarmtui.logs.chunk_decoder import ChunkDecoder
from swarmtui.logs.frame_decoder import FrameDecoder
from swarmtui.logs.log_line import LogLine, StreamName
from swarmtui.logs.log_parser import parse_payload, parse_payloads
from swarmtui.logs.log_view_model import LogViewModel, wrapped_rows
from swarmtui.logs.reorder_merger import ReorderMerger
from swarmtui.logs.ring_buffer import LogBuffer

T0 = 1_795_708_863_000_000_000
DETAILS = b"com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1"


def engine_payload(stamp: bytes, text: bytes, details: bytes = DETAILS) -> bytes:
    return stamp + b" " + details + b" " + text + b"\n"


PAYLOADS: list[tuple[StreamName, bytes]] = [
    ("stdout", engine_payload(b"2026-11-26T16:01:03.899564958Z", b"hello")),
    ("stderr", engine_payload(b"2026-11-26T16:01:03.000000001Z", b"")),
    ("stdout", engine_payload(b"2026-11-26T16:01:04.899564958Z", b"two  spaces ")),
    ("stdout", engine_payload(b"2026-11-26T16:01:04.5Z", b"short fraction")),
    ("stdout", engine_payload(b"2026-11-26T17:01:04.123456789+01:00", b"zone")),
    ("stdout", engine_payload(b"2026-11-26T16:01:05.123456789Z", b"\x1b[31mred\x1b[0m\tx")),
    ("stdout", engine_payload(b"2026-11-26 16:01:05.123456789Z", b"no T")),
    ("stdout", engine_payload(b"2026-11-26T16:01:05.12345678xZ", b"bad digits")),
    ("stdout", engine_payload(b"2026-11-26T16:01:05.123456789Z", b"k=v", b"other=1")),
    ("stdout", b"2026-11-26T16:01:05.123456789Z com.docker.swarm.task.id=t2 twice\n\n"),
    ("stdout", "2026-11-26T16:01:06.000000000Z com.docker.swarm.task.id=t2 é ✓\n".encode()),
    ("stdout", b"2026-11-26T16:01:06.000000000Z"),
    ("stdout", b"plain text without a time\n"),
    ("engine", b"Error grabbing logs: rpc error\n"),
    ("stdout", b""),
    ("stdout", b"\xff\xfe broken utf-8\n"),
]


def test_batch_parsing_gives_what_one_by_one_parsing_gives() -> None:
    assert parse_payloads(PAYLOADS) == [parse_payload(p, s) for s, p in PAYLOADS]
    assert parse_payloads(PAYLOADS * 3) == [parse_payload(p, s) for s, p in PAYLOADS * 3]


def chunked(frames: list[bytes], extension_at: int = -1) -> bytes:
    parts = []
    for index, frame in enumerate(frames):
        extension = b";x=y" if index == extension_at else b""
        parts.append(b"%x%s\r\n%s\r\n" % (len(frame), extension, frame))
    return b"".join(parts) + b"0\r\n\r\n"


def frame(stream: int, payload: bytes) -> bytes:
    return bytes([stream, 0, 0, 0]) + len(payload).to_bytes(4, "big") + payload


def test_a_flood_of_chunks_decodes_in_any_blocks() -> None:
    """Thousands of one-frame chunks (as the engine sends them), an extension among them,
    read in blocks that cut chunks anywhere: every frame comes out, in order."""
    payloads = [engine_payload(b"2026-11-26T16:01:03.%09dZ" % i, b"%d" % i) for i in range(3000)]
    data = chunked([frame(1 + i % 2, p) for i, p in enumerate(payloads)], extension_at=1234)
    rng = random.Random(16)
    chunks, frames = ChunkDecoder(), FrameDecoder()
    got: list[tuple[StreamName, bytes]] = []
    position = 0
    while position < len(data):
        size = rng.choice((1, 7, 100, 4096, 65536))
        got += frames.feed(chunks.feed(data[position : position + size]))
        position += size
    assert chunks.done
    assert got == [("stdout" if i % 2 == 0 else "stderr", p) for i, p in enumerate(payloads)]


def line(stamp: int, text: str, task: str = "a") -> LogLine:
    return LogLine(stamp, text, "stdout", f"node-{task}", task, "svc")


class HeapMerger:
    """The merger as it was, a heap push and pop per line: the reference."""

    def __init__(self, window: float, max_pending: int) -> None:
        self.window, self.max_pending = window, max_pending
        self.heap: list[tuple[int, int, LogLine]] = []
        self.arrivals: deque[tuple[float, int]] = deque()
        self.sequence, self.cutoff = 0, -1

    def push_many(self, lines: list[LogLine], now: float) -> None:
        for x in lines:
            heapq.heappush(self.heap, (x.timestamp, self.sequence, x))
            self.sequence += 1
        if lines:
            self.arrivals.append((now, max(x.timestamp for x in lines)))

    def pop_ready(self, now: float) -> list[LogLine]:
        while self.arrivals and self.arrivals[0][0] <= now - self.window:
            self.cutoff = max(self.cutoff, self.arrivals.popleft()[1])
        ready = []
        while self.heap and (self.heap[0][0] <= self.cutoff or len(self.heap) > self.max_pending):
            stamp, _, x = heapq.heappop(self.heap)
            self.cutoff = max(self.cutoff, stamp)
            ready.append(x)
        return ready


def test_merger_releases_what_the_heap_merger_released() -> None:
    """Batches of three tasks, each in time order, interleaved, overlapping, ties and lagging
    tasks included: at every pull the same lines, in the same order; nothing lost."""
    rng = random.Random(6)
    for max_pending in (50, 50_000):
        merger, reference = ReorderMerger(0.25, max_pending), HeapMerger(0.25, max_pending)
        clocks = dict.fromkeys("abc", T0)
        now, total, out = 0.0, 0, 0
        for step in range(600):
            task = rng.choice("abc")
            batch = []
            for _ in range(rng.randint(0, 30)):
                clocks[task] += rng.choice((0, 1, 5, 1000, 100_000))
                batch.append(line(clocks[task], f"{task}{step}", task))
            merger.push_many(batch, now)
            reference.push_many(batch, now)
            total += len(batch)
            now += rng.choice((0.0, 0.01, 0.1))
            ready = merger.pop_ready(now)
            assert ready == reference.pop_ready(now), step
            out += len(ready)
        assert out + len(merger.flush()) == total and len(merger) == 0


def test_merger_beyond_its_bound_lets_equal_timestamps_go_together() -> None:
    merger = ReorderMerger(window=10.0, max_pending=3)
    merger.push_many([line(T0, "1"), line(T0, "2"), line(T0 + 1, "3")], now=0.0)
    merger.push_many([line(T0 + 1, "4"), line(T0 + 2, "5")], now=0.0)
    assert [x.text for x in merger.pop_ready(0.0)] == ["1", "2"]
    assert [x.text for x in merger.flush()] == ["3", "4", "5"]


def test_buffer_in_slices_matches_a_list() -> None:
    rng = random.Random(3)
    for capacity in (1, 5, 64):
        buffer, total = LogBuffer(capacity), 0
        expected: list[LogLine] = []
        for _ in range(300):
            batch = [line(T0 + total + i, str(total + i)) for i in range(rng.randint(0, 90))]
            dropped = buffer.extend(iter(batch) if rng.random() < 0.5 else batch)
            assert dropped == max(0, len(expected) + len(batch) - capacity)
            total += len(batch)
            expected = (expected + batch)[-capacity:]
            assert buffer.lines() == expected == list(buffer)
            assert buffer.total == total and buffer.first_index == total - len(expected)


def test_model_rebuilds_in_bulk_as_line_by_line() -> None:
    """t and p rebuild without walking the buffer; wrapping computes heights in bulk: both
    give the rows the per-line formula gives."""
    model = LogViewModel(capacity=100)
    texts = ["x" * n for n in (0, 10, 70, 150, 400)] + ["wide ✓" * 30]
    model.add([line(T0 + i, texts[i % len(texts)]) for i in range(250)])
    model.set_options(timestamps=True)
    assert len(model.shown) == 100 and model.shown.total_rows == 100
    assert [model.shown.absolute(p) for p in range(100)] == list(range(150, 250))
    model.fold_width = 80
    model.set_options(wrap=True)
    head = model.head_width()
    expected = [wrapped_rows(head + len(model.buffer[p].text), head, 80) for p in range(100)]
    assert [model.shown.height_of(p) for p in range(100)] == expected
