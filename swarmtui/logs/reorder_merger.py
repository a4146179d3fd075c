"""Merge the lines of many tasks into timestamp order, holding each for a short window."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence

from swarmtui.logs.log_line import LogLine

DEFAULT_WINDOW = 0.25  # seconds a line waits for older lines of other tasks
DEFAULT_MAX_PENDING = 50_000


class ReorderMerger:
    """Lines of different tasks arrive out of order (moby#33183): emit them by timestamp.

    A line is released once every line that arrived at least WINDOW seconds ago is released,
    and so is any line with an older timestamp than those. A line that arrives later than the
    window with an older timestamp still goes out at once: late, never lost. At most
    MAX_PENDING lines wait; beyond that the oldest go out without waiting.
    """

    def __init__(
        self, window: float = DEFAULT_WINDOW, max_pending: int = DEFAULT_MAX_PENDING
    ) -> None:
        self.window = window
        self.max_pending = max_pending
        self._heap: list[tuple[int, int, LogLine]] = []
        self._arrivals: deque[tuple[float, int]] = deque()
        self._sequence = 0
        self._cutoff = -1

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, line: LogLine, now: float) -> None:
        heapq.heappush(self._heap, (line.timestamp, self._sequence, line))
        self._sequence += 1
        self._arrivals.append((now, line.timestamp))

    def push_many(self, lines: Sequence[LogLine], now: float) -> None:
        """Lines that arrived together: one arrival entry for all of them."""
        if not lines:
            return
        heap, push, sequence = self._heap, heapq.heappush, self._sequence
        newest = -1
        for line in lines:
            push(heap, (line.timestamp, sequence, line))
            sequence += 1
            if line.timestamp > newest:
                newest = line.timestamp
        self._sequence = sequence
        self._arrivals.append((now, newest))

    def pop_ready(self, now: float) -> list[LogLine]:
        limit = now - self.window
        cutoff = self._cutoff
        arrivals = self._arrivals
        while arrivals and arrivals[0][0] <= limit:
            stamp = arrivals.popleft()[1]
            if stamp > cutoff:
                cutoff = stamp
        heap = self._heap
        ready: list[LogLine] = []
        while heap and (heap[0][0] <= cutoff or len(heap) > self.max_pending):
            stamp, _, line = heapq.heappop(heap)
            cutoff = max(cutoff, stamp)
            ready.append(line)
        self._cutoff = cutoff
        return ready

    def flush(self) -> list[LogLine]:
        """Everything still waiting, in timestamp order (the stream ended)."""
        ready = [entry[2] for entry in sorted(self._heap)]
        if ready:
            self._cutoff = max(self._cutoff, ready[-1].timestamp)
        self._heap.clear()
        self._arrivals.clear()
        return ready
