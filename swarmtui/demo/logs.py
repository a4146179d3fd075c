"""Deterministic log lines of the demo cluster, for snapshots and screenshots."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from swarmtui.logs.log_line import LogLine, StreamName

NANO = 1_000_000_000
LINES_PER_TASK = 30
STEP_NS = 2 * NANO  # one line every 2 s per task


def _text(args: Sequence[str], task_index: int, seq: int, failed: bool) -> tuple[str, StreamName]:
    if failed:
        if seq == LINES_PER_TASK - 1:
            return "ping: sendto: Network unreachable", "stderr"
        return f"64 bytes from 127.0.0.1: seq={seq} ttl=64 time=0.{40 + seq} ms", "stdout"
    program = args[0] if args else ""
    if program == "ping":
        if seq % 11 == 7:
            return f"ping: recvfrom: timeout waiting for seq={seq}", "stderr"
        return f"64 bytes from 127.0.0.1: seq={seq} ttl=64 time=0.0{(seq * 7) % 90 + 10} ms", (
            "stdout"
        )
    if program == "httpd":
        if seq % 9 == 4:
            return f"httpd: error: GET /missing/{seq}: 404 not found", "stderr"
        return f"10.0.0.{task_index + 2} - - GET /index.html?n={seq} HTTP/1.1 200 612", "stdout"
    return f"heartbeat {seq}: all checks passing", "stdout"


def demo_lines(
    service: dict[str, Any], tasks: Sequence[dict[str, Any]], now_ns: int
) -> list[LogLine]:
    """LINES_PER_TASK lines for each task, older tasks earlier, failed tasks ending in stderr."""
    args = service["Spec"]["TaskTemplate"]["ContainerSpec"].get("Args") or []
    lines = []
    for index, task in enumerate(tasks):
        failed = task["Status"]["State"] == "failed"
        end = now_ns - (240 * NANO if failed else 0) - (index * 37_000_000)
        for seq in range(LINES_PER_TASK):
            stamp = end - (LINES_PER_TASK - 1 - seq) * STEP_NS
            text, stream = _text(args, index, seq, failed)
            lines.append(LogLine(stamp, text, stream, task["NodeID"], task["ID"], service["ID"]))
    return lines


class DemoLogStream:
    """Serves fixed lines, then (following) waits quietly until closed."""

    def __init__(
        self,
        lines: Sequence[LogLine],
        *,
        tail: int | None,
        since_ns: int | None,
        follow: bool,
    ) -> None:
        chosen: list[LogLine] = []
        for task_id in dict.fromkeys(line.task_id for line in lines):
            own = [line for line in lines if line.task_id == task_id]
            if since_ns is not None:
                own = [line for line in own if line.timestamp >= since_ns]
            chosen.extend(own[-tail:] if tail is not None else own)
        self._lines = chosen
        self._follow = follow
        self._closed = threading.Event()
        self.idle = False

    def __iter__(self) -> Iterator[LogLine]:
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[LogLine]]:
        if self._lines and not self._closed.is_set():
            yield list(self._lines)
        if self._follow:
            self._closed.wait()

    def close(self) -> None:
        self._closed.set()
