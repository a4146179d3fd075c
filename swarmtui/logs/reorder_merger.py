"""Merge the lines of many tasks into timestamp order, holding each for a short window."""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from operator import attrgetter

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
        # Waiting lines sorted by timestamp, ties in arrival order: whole batches are sorted
        # and sliced in C, a flood costs no Python step per line.
        self._waiting: list[LogLine] = []
        self._arrivals: deque[tuple[float, int]] = deque()
        self._cutoff = -1

    def __len__(self) -> int:
        return len(self._waiting)

    def push(self, line: LogLine, now: float) -> None:
        self.push_many((line,), now)

    def push_many(self, lines: Sequence[LogLine], now: float) -> None:
        """Lines that arrived together: one arrival entry for all of them."""
        if not lines:
            return
        batch = sorted(lines, key=_timestamp)  # stable: ties keep their arrival order
        waiting = self._waiting
        first = batch[0].timestamp
        if not waiting or waiting[-1].timestamp <= first:
            waiting += batch
        else:  # older than some waiting lines: merge the overlap only (sorted runs, in C)
            overlap = bisect_right(waiting, first, key=_timestamp)
            waiting[overlap:] = sorted(waiting[overlap:] + batch, key=_timestamp)
        self._arrivals.append((now, batch[-1].timestamp))

    def pop_ready(self, now: float) -> list[LogLine]:
        limit = now - self.window
        cutoff = self._cutoff
        arrivals = self._arrivals
        while arrivals and arrivals[0][0] <= limit:
            stamp = arrivals.popleft()[1]
            if stamp > cutoff:
                cutoff = stamp
        waiting = self._waiting
        if not waiting:
            self._cutoff = cutoff
            return []
        count = bisect_right(waiting, cutoff, key=_timestamp)
        if len(waiting) - count > self.max_pending:  # too many wait: the oldest go now
            count = len(waiting) - self.max_pending
            cutoff = max(cutoff, waiting[count - 1].timestamp)
            count = bisect_right(waiting, cutoff, key=_timestamp)
        ready = waiting[:count]
        del waiting[:count]
        self._cutoff = cutoff
        return ready

    def flush(self) -> list[LogLine]:
        """Everything still waiting, in timestamp order (the stream ended)."""
        ready, self._waiting = self._waiting, []
        if ready:
            self._cutoff = max(self._cutoff, ready[-1].timestamp)
        self._arrivals.clear()
        return ready


_timestamp = attrgetter("timestamp")
