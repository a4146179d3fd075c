"""Drop the lines a reopened log stream sends again."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from swarmtui.logs.log_line import LogLine

DEFAULT_MARGIN_NS = 2_000_000_000
Key = tuple[int, str, str, str]  # timestamp, text, stream, task id


class Deduplicator:
    """Remembers the lines of the last MARGIN_NS (by timestamp) of the newest line seen.

    A stream reopened with `since = resume_since()` repeats only lines from that margin, and
    those are all remembered: a line equal in timestamp, stream, text and task to one seen is
    a repeat. Lines of other tasks that lagged behind still get through.
    """

    def __init__(self, margin_ns: int = DEFAULT_MARGIN_NS) -> None:
        self.margin_ns = margin_ns
        # Plain tuples, not LogLines: the garbage collector stops tracking tuples of strings
        # and ints, so tens of thousands of remembered lines cost no collection time.
        self._seen: set[Key] = set()
        self._order: deque[Key] = deque()
        self.newest: int | None = None
        self.dropped = 0

    def accept(self, line: LogLine) -> bool:
        return bool(self.fresh((line,)))

    def fresh(self, lines: Iterable[LogLine]) -> list[LogLine]:
        """The lines of LINES not seen before, in order (a batch at a time)."""
        seen, order = self._seen, self._order
        kept = []
        newest = self.newest if self.newest is not None else -1
        for line in lines:
            key = (line.timestamp, line.text, line.stream, line.task_id)
            if key in seen:
                self.dropped += 1
                continue
            seen.add(key)
            order.append(key)
            kept.append(line)
            if line.timestamp > newest:
                newest = line.timestamp
        if kept:
            self.newest = newest
            oldest = newest - self.margin_ns
            while order and order[0][0] < oldest:
                seen.discard(order.popleft())
        return kept

    def resume_since(self) -> int | None:
        """The `since` (ns) to reopen from, None before the first line."""
        return None if self.newest is None else self.newest - self.margin_ns

    def __len__(self) -> int:
        return len(self._seen)
