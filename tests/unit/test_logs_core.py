"""Unit tests of the UI-free log core: parser, frames, merger, buffer, de-dup, search."""

from __future__ import annotations

import random
import struct
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from swarmtui.core.config import ConfigError, parse_config
from swarmtui.core.models import Node, Task
from swarmtui.logs.chunk_decoder import ChunkDecoder
from swarmtui.logs.deduplicator import DEFAULT_MARGIN_NS, Deduplicator
from swarmtui.logs.frame_decoder import FrameDecoder
from swarmtui.logs.log_driver import driver_explanation
from swarmtui.logs.log_follower import LogFollower
from swarmtui.logs.log_format import format_line, format_lines
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_parser import (
    clean_text,
    format_timestamp,
    parse_details,
    parse_payload,
    parse_timestamp,
    since_param,
)
from swarmtui.logs.log_search import LogSearch
from swarmtui.logs.log_target import LogTarget
from swarmtui.logs.log_view_model import LogViewModel, hanging_indent, wrapped_rows
from swarmtui.logs.log_window import WINDOWS, window_named
from swarmtui.logs.reorder_merger import ReorderMerger
from swarmtui.logs.ring_buffer import LogBuffer
from swarmtui.logs.task_labels import TaskLabels
from swarmtui.logs.visible_lines import VisibleLines

NANO = 1_000_000_000
T0 = 1_795_708_863 * NANO  # 2026-11-26T16:01:03Z
PAYLOAD = (
    b"2026-11-26T16:01:03.899564958Z com.docker.swarm.node.id=sgih,"
    b"com.docker.swarm.service.id=pv55,com.docker.swarm.task.id=etg2 err 3\n"
)


def line(ts: int, text: str = "x", task: str = "t1", stream: Any = "stdout") -> LogLine:
    return LogLine(ts, text, stream, f"node-of-{task}", task, "svc")


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


# Parser ----------------------------------------------------------------------------------


def test_timestamps_parse_to_nanoseconds() -> None:
    assert parse_timestamp("2026-11-26T16:01:03Z") == T0
    assert parse_timestamp("2026-11-26T16:01:03.899564958Z") == T0 + 899_564_958
    assert parse_timestamp("2026-11-26T16:01:03.5Z") == T0 + 500_000_000  # Go trims zeros
    assert parse_timestamp("2026-11-26T17:01:03.25+01:00") == T0 + 250_000_000
    assert parse_timestamp("2026-11-26T15:31:03-00:30") == T0
    for bad in ("", "hello", "2026-11-26 16:01:03Z", "2026-11-26T16:01:03.1X", "Error: x"):
        with pytest.raises(ValueError):
            parse_timestamp(bad)


def test_timestamp_formats_and_since_parameter() -> None:
    assert format_timestamp(T0 + 899_564_958) == "2026-11-26T16:01:03.899Z"
    assert since_param(T0 + 5) == "1795708863.000000005"


def test_payload_with_details() -> None:
    parsed = parse_payload(PAYLOAD, "stderr")
    assert parsed == LogLine(T0 + 899_564_958, "err 3", "stderr", "sgih", "etg2", "pv55")
    assert parsed.is_stderr and not parsed.is_notice


def test_payload_details_are_unescaped_and_extra_attributes_ignored() -> None:
    details = (
        "com.docker.swarm.node.id=n%2C1,com.docker.swarm.service.id=s,env=a%3Db,"
        "com.docker.swarm.task.id=t"
    )
    assert parse_details(details) == ("n,1", "s", "t")
    text = f"2026-11-26T16:01:03Z {details} hello  world \n".encode()
    assert parse_payload(text, "stdout").text == "hello  world "


def test_payload_without_timestamp_or_details() -> None:
    engine = parse_payload(b"Error grabbing service logs: rpc error\n", "engine", fallback_ns=7)
    assert engine == LogLine(7, "Error grabbing service logs: rpc error", "engine")
    assert engine.is_notice
    plain = parse_payload(b"2026-11-26T16:01:03Z just text\n", "stdout")
    assert (plain.timestamp, plain.text, plain.task_id) == (T0, "just text", "")
    empty = parse_payload(b"2026-11-26T16:01:03Z com.docker.swarm.task.id=t \n", "stdout")
    assert (empty.text, empty.task_id) == ("", "t")


def test_escape_sequences_and_controls_are_removed() -> None:
    assert clean_text("\x1b[31mred\x1b[0m\tx\r") == "red     x"
    assert clean_text("a\x07b\x1b[2Kc\x00") == "abc"
    parsed = parse_payload(
        b"2026-11-26T16:01:03Z com.docker.swarm.task.id=t \x1b[1mbold\x1b[0m\r\n", "stdout"
    )
    assert parsed.text == "bold"


# Frames ----------------------------------------------------------------------------------


def test_frames_split_anywhere_are_reassembled() -> None:
    data = frame(1, b"one\n") + frame(2, b"two\n") + frame(3, b"boom\n") + frame(1, b"")
    for size in (1, 3, 7, 8, 9, len(data)):
        decoder = FrameDecoder()
        frames = []
        for start in range(0, len(data), size):
            frames += decoder.feed(data[start : start + size])
        assert frames == [
            ("stdout", b"one\n"),
            ("stderr", b"two\n"),
            ("engine", b"boom\n"),
            ("stdout", b""),
        ], size
        assert decoder.raw is False and decoder.flush() == []


def test_tty_streams_are_split_into_lines() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"2026-11-26T16:01:03Z k=v one\n2026-") == [
        ("stdout", b"2026-11-26T16:01:03Z k=v one")
    ]
    assert decoder.raw is True
    assert decoder.feed(b"11-26T16:01:04Z k=v two\nthr") == [
        ("stdout", b"2026-11-26T16:01:04Z k=v two")
    ]
    assert decoder.flush() == [("stdout", b"thr")]


def test_a_big_frame_and_a_partial_frame_at_the_end() -> None:
    payload = b"y" * 100_000
    decoder = FrameDecoder()
    data = frame(1, payload) + frame(2, b"cut")[:-1]
    assert decoder.feed(data) == [("stdout", payload)]
    assert decoder.flush() == []


# Chunked transfer coding -----------------------------------------------------------------


def chunked(*parts: bytes) -> bytes:
    body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts)
    return body + b"0\r\n\r\n"


def test_chunked_body_split_anywhere_is_decoded() -> None:
    parts = [frame(1, b"one\n"), frame(2, b"two\n"), b"x" * 300, frame(1, b"")]
    data = chunked(*parts)
    for size in (1, 2, 3, 5, 64, len(data)):
        decoder = ChunkDecoder()
        out = b""
        for start in range(0, len(data), size):
            out += decoder.feed(data[start : start + size])
        assert out == b"".join(parts), size
        assert decoder.done


def test_chunk_extensions_and_trailers_and_bad_input() -> None:
    decoder = ChunkDecoder()
    assert decoder.feed(b"3;name=value\r\nabc\r\n0\r\nTrailer: x\r\n\r\nignored") == b"abc"
    assert decoder.done
    with pytest.raises(ValueError):
        ChunkDecoder().feed(b"3\r\nabcXY")
    with pytest.raises(ValueError):
        ChunkDecoder().feed(b"zz\r\n")
    with pytest.raises(ValueError):
        ChunkDecoder().feed(b"1" * 5000)


# Reorder merger --------------------------------------------------------------------------


def test_merger_emits_in_timestamp_order_after_the_window() -> None:
    merger = ReorderMerger(window=0.25)
    # Three tasks; each task's lines in order, the tasks' streams interleaved arbitrarily.
    rng = random.Random(4)
    per_task = {
        t: [line(T0 + i * 1000 + k, task=t) for i in range(50)] for k, t in enumerate("abc")
    }
    arrivals = []
    cursors = dict.fromkeys(per_task, 0)
    while any(cursors[t] < 50 for t in per_task):
        task = rng.choice([t for t in per_task if cursors[t] < 50])
        arrivals.append(per_task[task][cursors[task]])
        cursors[task] += 1
    for arrival in arrivals:
        merger.push(arrival, now=10.0)
    assert merger.pop_ready(10.1) == []  # still inside the window
    ready = merger.pop_ready(10.3)
    assert [x.timestamp for x in ready] == sorted(x.timestamp for x in arrivals)
    assert len(merger) == 0


def test_merger_holds_only_what_the_window_needs() -> None:
    merger = ReorderMerger(window=0.25)
    merger.push(line(T0 + 2, task="a"), now=0.0)
    merger.push(line(T0 + 5, task="a"), now=0.2)
    merger.push(line(T0 + 1, task="b"), now=0.2)  # older, arrives later
    assert [x.timestamp for x in merger.pop_ready(0.26)] == [T0 + 1, T0 + 2]
    assert [x.timestamp for x in merger.pop_ready(0.46)] == [T0 + 5]
    merger.push(line(T0 + 3, task="c"), now=1.0)  # older than lines already out: goes at once
    assert [x.timestamp for x in merger.pop_ready(1.0)] == [T0 + 3]


def test_merger_takes_batches() -> None:
    merger = ReorderMerger(window=0.25)
    merger.push_many([line(T0 + 5, task="a"), line(T0 + 9, task="a")], now=0.0)
    merger.push_many([line(T0 + 1, task="b"), line(T0 + 20, task="b")], now=0.1)
    merger.push_many([], now=0.1)
    assert [x.timestamp for x in merger.pop_ready(0.3)] == [T0 + 1, T0 + 5, T0 + 9]
    assert [x.timestamp for x in merger.pop_ready(0.4)] == [T0 + 20]


def test_merger_bounds_what_waits_and_flushes() -> None:
    merger = ReorderMerger(window=10.0, max_pending=5)
    for i in range(8):
        merger.push(line(T0 + i), now=0.0)
    assert [x.timestamp for x in merger.pop_ready(0.0)] == [T0, T0 + 1, T0 + 2]
    assert [x.timestamp for x in merger.flush()] == [T0 + i for i in range(3, 8)]


# Ring buffer -----------------------------------------------------------------------------


def test_ring_buffer_keeps_the_newest_lines() -> None:
    buffer = LogBuffer(capacity=4)
    assert buffer.extend([line(T0 + i, str(i)) for i in range(3)]) == 0
    assert [x.text for x in buffer] == ["0", "1", "2"]
    assert buffer.extend([line(T0 + i, str(i)) for i in range(3, 10)]) == 6
    assert len(buffer) == 4 and buffer.total == 10 and buffer.first_index == 6
    assert [x.text for x in buffer] == ["6", "7", "8", "9"]
    assert buffer.at(5) is None and buffer.at(10) is None
    at_seven = buffer.at(7)
    assert at_seven is not None and at_seven.text == "7"
    assert buffer[0].text == "6" and buffer[3].text == "9"
    with pytest.raises(IndexError):
        buffer[4]
    buffer.clear()
    assert len(buffer) == 0 and buffer.total == 0 and list(buffer) == []


def test_ring_buffer_bigger_batch_than_capacity() -> None:
    buffer = LogBuffer(capacity=3)
    buffer.extend([line(T0 + i, str(i)) for i in range(10)])
    assert [x.text for x in buffer] == ["7", "8", "9"]


# De-dup ----------------------------------------------------------------------------------


def test_reopened_stream_repeats_are_dropped_and_lagging_lines_kept() -> None:
    dedup = Deduplicator(margin_ns=2 * NANO)
    first = [line(T0 + i * NANO // 2, f"a{i}", "a") for i in range(10)]
    lagging = [line(T0 + i * NANO // 2, f"b{i}", "b") for i in range(6)]
    assert all(dedup.accept(x) for x in first + lagging)
    since = dedup.resume_since()
    assert since == first[-1].timestamp - 2 * NANO
    # The reopened stream sends every line at or after `since` again, plus new ones.
    replay = [x for x in first + lagging if x.timestamp >= since]
    replay += [line(T0 + i * NANO // 2, f"b{i}", "b") for i in range(6, 10)]  # b caught up
    replay += [line(T0 + 5 * NANO + 1, "a-new", "a")]
    accepted = [x for x in replay if dedup.accept(x)]
    assert [x.text for x in accepted] == ["b6", "b7", "b8", "b9", "a-new"]
    assert dedup.dropped == len(replay) - 5


def test_dedup_in_batches_matches_line_by_line() -> None:
    lines = [line(T0 + (i % 7) * NANO // 3, f"l{i % 7}", "ab"[i % 2]) for i in range(40)]
    one_by_one = Deduplicator()
    batched = Deduplicator()
    expected = [x for x in lines[:14] if one_by_one.accept(x)]
    one_by_one.resume_since()  # reopened: the rest replays the first 14 lines
    expected += [x for x in lines[14:] if one_by_one.accept(x)]
    got = batched.fresh(lines[:9]) + batched.fresh(lines[9:14])
    batched.resume_since()
    got += batched.fresh(lines[14:30]) + batched.fresh(lines[30:]) + batched.fresh([])
    assert got == expected == lines[:14]
    assert batched.newest == one_by_one.newest and batched.dropped == one_by_one.dropped == 26


def test_same_text_at_another_time_or_task_is_not_a_repeat() -> None:
    dedup = Deduplicator()
    assert dedup.accept(line(T0, "same", "a"))
    assert dedup.accept(line(T0 + 1, "same", "a"))
    assert dedup.accept(line(T0, "same", "b"))
    assert dedup.accept(line(T0, "same", "a", stream="stderr"))
    assert dedup.resume_since() == T0 + 1 - DEFAULT_MARGIN_NS
    assert not dedup.accept(line(T0, "same", "a"))


def test_equal_lines_of_one_stream_are_kept() -> None:
    """Only a reopened stream repeats lines: a task that writes the same line twice in one
    clock tick (the engine stamps both alike) loses neither."""
    dedup = Deduplicator()
    twice = [line(T0, "y", "a"), line(T0, "y", "a")]
    assert dedup.fresh(twice) == twice
    dedup.resume_since()
    assert dedup.fresh(twice) == [] and dedup.dropped == 2
    assert dedup.fresh([line(T0 + 1, "y", "a")]) == [line(T0 + 1, "y", "a")]


def test_dedup_memory_is_bounded_by_the_margin() -> None:
    dedup = Deduplicator(margin_ns=NANO)
    for i in range(100_000):
        dedup.accept(line(T0 + i * 1_000_000, str(i)))  # 1 ms apart: 100 s
    assert len(dedup) <= 1001


# Search ----------------------------------------------------------------------------------


def test_search_is_case_insensitive_regex_or_literal() -> None:
    assert LogSearch("ERROR").matches("an error here")
    assert LogSearch(r"seq=\d+").spans("seq=12 seq=3") == [(0, 6), (7, 12)]
    literal = LogSearch("a(b")  # not a regex: matched as text
    assert literal.matches("xa(bx") and not literal.matches("ab")
    assert LogSearch("x*").spans("abc") == []  # empty matches are not highlighted


# Visible lines ---------------------------------------------------------------------------


def test_visible_lines_rows_and_pruning() -> None:
    shown = VisibleLines()
    for absolute, height in [(3, 1), (5, 2), (6, 1), (9, 3)]:
        shown.append(absolute, height)
    assert len(shown) == 4 and shown.total_rows == 7
    assert [shown.at_row(r) for r in range(7)] == [
        (0, 0),
        (1, 0),
        (1, 1),
        (2, 0),
        (3, 0),
        (3, 1),
        (3, 2),
    ]
    assert shown.position(5) == 1 and shown.position(7) == 3 and shown.position(100) == 4
    assert shown.prune_before(6) == 2
    assert len(shown) == 2 and shown.total_rows == 4 and shown.absolute(0) == 6
    assert shown.at_row(1) == (1, 0) and shown.row_of(1) == 1 and shown.height_of(1) == 3


def test_visible_lines_extend_in_bulk() -> None:
    one, bulk = VisibleLines(), VisibleLines()
    for absolute, height in [(3, 1), (5, 2), (6, 0), (9, 3)]:
        one.append(absolute, height)
    bulk.extend([3, 5], [1, 2])
    bulk.extend(range(6, 7))
    bulk.extend([9], [3])
    assert [bulk.at_row(r) for r in range(bulk.total_rows)] == [
        one.at_row(r) for r in range(one.total_rows)
    ]
    assert [bulk.absolute(p) for p in range(len(bulk))] == [3, 5, 6, 9]


def test_visible_lines_compact_under_a_flood() -> None:
    shown = VisibleLines()
    for absolute in range(100_000):
        shown.append(absolute)
        shown.prune_before(absolute - 999)
    assert len(shown) == 1000 and shown.total_rows == 1000
    assert len(shown._indices) < 10_000  # old entries are compacted away
    assert shown.absolute(0) == 99_000 and shown.at_row(999) == (999, 0)


# Labels, windows, drivers, formatting, config ------------------------------------------


def _task(task_id: str, slot: int | None, node: str, state: str = "running") -> Task:
    return Task(task_id, "svc", slot, node, "running", state, "", "", "img", None, None, None, "")


def _node(node_id: str, hostname: str) -> Node:
    return Node(
        node_id, hostname, "worker", "ready", "active", "", "", "", (), "", 1, 1, None, None
    )


def test_task_labels_name_slots_and_nodes() -> None:
    labels = TaskLabels(
        "helloworld",
        [_task("t2", 2, "n2"), _task("t1", 1, "n1"), _task("tg", None, "n1")],
        [_node("n1", "worker1"), _node("n2", "worker2")],
    )
    assert labels.label("t1", "") == "helloworld.1@worker1"
    assert labels.label("t2", "n1") == "helloworld.2@worker2"  # the task's node wins
    assert labels.label("tg", "") == "helloworld.tg@worker1"
    assert (
        labels.label("unknownid12345", "nodeid123456789") == "helloworld.unknownid123@nodeid123456"
    )
    assert labels.colour("t1") == labels.colour("t1") and labels.colour("t1") != labels.colour("t2")
    assert (
        labels.signature
        == TaskLabels(
            "helloworld",
            [_task("t1", 1, "n1"), _task("t2", 2, "n2"), _task("tg", None, "n1")],
            [_node("n2", "worker2"), _node("n1", "worker1")],
        ).signature
    )


def test_windows() -> None:
    assert [w.key for w in WINDOWS] == ["tail", "1m", "5m", "15m", "1h", "all"]
    assert window_named("tail").tail == 200 and window_named("tail").since_ns(T0) is None
    assert window_named("5m").since_ns(T0) == T0 - 300 * NANO
    assert window_named("all").tail is None and window_named("all").since_ns(T0) is None


def test_log_driver_explanations() -> None:
    for readable in ("json-file", "journald", "local", ""):
        assert driver_explanation(readable, True) is None
    none = driver_explanation("none", True)
    assert none is not None and "'none'" in none and "service" in none
    syslog = driver_explanation("syslog", False)
    assert syslog is not None and "'syslog'" in syslog and "default" in syslog


def test_format_for_save_and_copy() -> None:
    labels = TaskLabels("web", [_task("t1", 1, "n1")], [_node("n1", "worker1")])
    out = line(T0, "GET /", "t1")
    err = LogLine(T0 + 1, "boom", "stderr", "n1", "t1", "svc")
    note = LogLine(T0 + 2, "reopened", "notice")
    assert format_line(out, labels) == "2026-11-26T16:01:03.000Z web.1@worker1  | GET /"
    assert format_line(err, labels, timestamps=False) == "web.1@worker1 !| boom"
    assert format_line(note, labels, timestamps=False) == "swarmtui *| reopened"
    assert format_line(out, labels, timestamps=False, prefix=False) == "GET /"
    assert format_lines([out, err], labels, timestamps=False).count("\n") == 2


def test_log_buffer_lines_config() -> None:
    assert parse_config({}).log_buffer_lines == 10_000
    assert parse_config({"log_buffer_lines": 500}).log_buffer_lines == 500
    for bad in (10, 5_000_000, "many", True, 1.5):
        with pytest.raises(ConfigError):
            parse_config({"log_buffer_lines": bad})


# The follower with a scripted backend (the real one is tested against the lab swarm) ---


class ScriptedStream:
    """Yields its lines, then ends (idle or not), or blocks until closed."""

    def __init__(self, lines: list[LogLine], block: bool, idle: bool = False) -> None:
        self.lines, self.block, self._idle = lines, block, idle
        self.closed = threading.Event()
        self.idle = False

    def __iter__(self) -> Iterator[LogLine]:
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[LogLine]]:
        for start in range(0, len(self.lines), 7):  # in uneven groups, as reads return them
            yield self.lines[start : start + 7]
        if self.block:
            self.closed.wait()
        self.idle = self._idle

    def close(self) -> None:
        self.closed.set()


class ScriptedBackend:
    def __init__(self, streams: list[ScriptedStream], driver: str = "json-file") -> None:
        self.streams = streams
        self.opened: list[dict[str, Any]] = []
        self.driver = driver

    def open_logs(self, kind: str, object_id: str, **options: Any) -> ScriptedStream:
        self.opened.append(options)
        return self.streams.pop(0) if self.streams else ScriptedStream([], block=True)

    def inspect(self, kind: str, object_id: str) -> dict[str, Any]:
        return {"Spec": {"TaskTemplate": {"LogDriver": {"Name": self.driver}}}}

    def engine_info(self) -> Any:
        raise AssertionError("the service names its driver")

    def tasks(self, scope: Any) -> list[Task]:
        return [_task("a", 1, "n1"), _task("b", 2, "n2")]

    def nodes(self) -> list[Node]:
        return [_node("n1", "worker1"), _node("n2", "worker2")]


TARGET = LogTarget("service", "svc", "svc", "web", "service web")


def drain_until(follower: LogFollower, count: int, timeout: float = 30.0) -> list[LogLine]:
    lines: list[LogLine] = []
    deadline = time.monotonic() + timeout
    while len(lines) < count and time.monotonic() < deadline:
        lines += follower.drain().lines
        time.sleep(0.02)
    return lines


def run_in_thread(follower: LogFollower) -> threading.Thread:
    thread = threading.Thread(target=follower.run, daemon=True)
    thread.start()
    return thread


def test_follower_reopens_an_idle_stream_without_repeats() -> None:
    first = [line(T0 + i * NANO // 10, f"a{i}", "a") for i in range(30)]
    # The second stream repeats everything since `since` and then brings new lines.
    backend = ScriptedBackend([ScriptedStream(first, block=False, idle=True)])
    follower = LogFollower(backend, TARGET, WINDOWS[0], reorder_window=0.01)  # type: ignore[arg-type]
    since = first[-1].timestamp - 2 * NANO
    repeat = [x for x in first if x.timestamp >= since]
    new = [line(T0 + 10 * NANO + i, f"new{i}", "b") for i in range(3)]
    backend.streams.append(ScriptedStream(repeat + new, block=True))
    thread = run_in_thread(follower)
    lines = drain_until(follower, 33)
    follower.close()
    thread.join(5)
    assert not thread.is_alive()
    assert [x.text for x in lines] == [f"a{i}" for i in range(30)] + ["new0", "new1", "new2"]
    assert backend.opened[0]["tail"] == 200 and backend.opened[0]["since_ns"] is None
    assert backend.opened[1]["since_ns"] == since and backend.opened[1]["follow"] is True
    assert follower.reopened == 1
    assert follower.drain().state == "closed"


def test_follower_explains_a_driver_without_logs() -> None:
    backend = ScriptedBackend([], driver="none")
    follower = LogFollower(backend, TARGET, WINDOWS[0], reorder_window=0.0)  # type: ignore[arg-type]
    follower.run()  # returns at once: nothing to follow
    batch = follower.drain()
    assert batch.state == "no logs" and backend.opened == []
    assert len(batch.lines) == 1 and batch.lines[0].is_notice
    assert "'none'" in batch.lines[0].text


def test_follower_close_unblocks_and_labels_come_first() -> None:
    backend = ScriptedBackend([ScriptedStream([line(T0, "hi", "a")], block=True)])
    follower = LogFollower(backend, TARGET, WINDOWS[2], wallclock_ns=lambda: T0, reorder_window=0.0)  # type: ignore[arg-type]
    thread = run_in_thread(follower)
    lines = drain_until(follower, 1)
    assert [x.text for x in lines] == ["hi"]
    follower.close()
    thread.join(30)  # the stream blocks until closed: only close() ends the thread
    assert not thread.is_alive()
    assert backend.opened[0]["since_ns"] == T0 - 300 * NANO
    assert backend.opened[0]["tail"] == 10_000  # a time window: as many as the buffer holds
    assert datetime.fromtimestamp(T0 / NANO, UTC).year == 2026


# The view model (what a log view shows, without Textual) ---------------------------------


def model_with(lines: list[LogLine], capacity: int = 100) -> LogViewModel:
    model = LogViewModel(capacity)
    model.add(lines)
    return model


def shown_texts(model: LogViewModel) -> list[str]:
    texts = []
    for position in range(len(model.shown)):
        found = model.buffer.at(model.shown.absolute(position))
        assert found is not None
        texts.append(found.text)
    return texts


def test_model_pause_holds_still_and_resume_catches_up() -> None:
    model = model_with([line(T0 + i, f"l{i}") for i in range(5)], capacity=6)
    model.pause(2)
    assert model.paused and model.cursor == 2
    assert not model.add([line(T0 + 10 + i, f"n{i}") for i in range(4)])
    assert shown_texts(model) == ["l0", "l1", "l2", "l3", "l4"] and len(model.pending) == 4
    model.resume()
    assert shown_texts(model) == ["l3", "l4", "n0", "n1", "n2", "n3"]
    assert model.cursor is None and model.cursor_position() == 5


def test_model_filter_narrow_and_find() -> None:
    lines = [
        LogLine(T0 + i, f"{'err' if i % 3 == 0 else 'ok'} {i}", "stdout", f"n{i % 2}", f"t{i % 2}")
        for i in range(12)
    ]
    model = model_with(lines)
    model.set_search("ERR")
    assert model.find() == 9, "following: the newest match first"
    model.set_cursor(9)
    assert model.find(forward=False) == 6 and model.find(forward=True) == 0  # wraps around
    model.set_filter(True)
    assert shown_texts(model) == ["err 0", "err 3", "err 6", "err 9"]
    model.set_narrow(("node", "n1"))
    assert shown_texts(model) == ["err 3", "err 9"]
    model.set_filter(False)
    assert shown_texts(model) == [f"ok {i}" if i % 3 else f"err {i}" for i in range(1, 12, 2)]
    assert model.narrow_choices() == [
        None,
        ("task", "t0"),
        ("task", "t1"),
        ("node", "n0"),
        ("node", "n1"),
    ]


def test_model_selection_and_label_width() -> None:
    labels = TaskLabels("web", [_task("t1", 1, "n1")], [_node("n1", "a-long-hostname")])
    model = model_with([line(T0 + i, f"l{i}", "t1") for i in range(6)])
    assert model.label_width == len("task.t1@node-of-t1")  # before the names are known
    assert model.set_labels(labels) and model.label_width == len("web.1@a-long-hostname")
    assert model.head_width() == 2 + model.label_width + 3
    model.set_cursor(4)
    assert model.toggle_selection()
    model.set_cursor(2)
    assert [x.text for x in model.selected_lines()] == ["l2", "l3", "l4"]
    assert [model.highlight(i) for i in range(6)] == [
        None,
        None,
        "cursor",
        "selection",
        "selection",
        None,
    ]
    assert not model.toggle_selection() and [x.text for x in model.selected_lines()] == ["l2"]


def test_model_wrapped_rows_with_a_hanging_indent() -> None:
    assert wrapped_rows(80, 30, 80) == 1
    assert wrapped_rows(81, 30, 80) == 2  # 1 cell more, on a row indented by 30
    assert wrapped_rows(80 + 50 * 3, 30, 80) == 4
    assert hanging_indent(70, 80) == 0 and wrapped_rows(100, 70, 80) == 2  # no room: no indent
    model = model_with([line(T0, "x" * 200, "t1"), line(T0 + 1, "short", "t1")])
    model.fold_width = 80
    model.set_options(wrap=True)
    head = model.head_width()
    assert model.shown.height_of(0) == wrapped_rows(head + 200, head, 80)
    assert model.shown.total_rows == model.shown.height_of(0) + 1


def test_model_wrapped_batches_short_and_long_take_the_rows_of_each_line() -> None:
    """Batches whose lines all fit take one row each without working out every height; the
    others line by line: the rows are those of wrapped_rows() either way, after a rebuild too."""
    texts = ["1", "x" * 81, "22", "y" * 300, "", "z" * 79, "w" * 160]
    model = model_with([], capacity=50)
    model.fold_width = 80
    model.set_options(wrap=True)
    model.add([line(T0 + n, "short") for n in range(5)])
    model.add([line(T0 + 10 + n, text) for n, text in enumerate(texts)])
    model.add([line(T0 + 20 + n, "short again") for n in range(3)])
    head = model.head_width()

    def expected() -> list[int]:
        return [wrapped_rows(head + len(x.text), head, 80) for x in model.buffer.lines()]

    def heights() -> list[int]:
        return [model.shown.height_of(p) for p in range(len(model.shown))]

    assert heights() == expected() and max(heights()) > 1
    model.set_options(timestamps=True)  # a rebuild, with a wider head
    head = model.head_width()
    assert heights() == expected()
    assert model.shown.total_rows == sum(expected())
