"""Drop the lines a reopened log stream sends again."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from operator import attrgetter

from swarmtui.logs.log_line import LogLine

DEFAULT_MARGIN_NS = 2_000_000_000
Key = tuple[int, str, str, str]  # timestamp, text, stream, task id


def _key(line: LogLine) -> Key:
    return (line.timestamp, line.text, line.stream, line.task_id)


_timestamp = attrgetter("timestamp")


class Deduplicator:
    """Remembers the lines of the last MARGIN_NS (by timestamp) of the newest line seen.

    A stream reopened with `since = resume_since()` repeats only lines from that margin, and
    those are all remembered: a line of the reopened stream equal in timestamp, stream, text
    and task to one seen before the reopen is a repeat. Lines of other tasks that lagged
    behind still get through, and so do equal lines of one stream (a task may write the same
    line twice within a clock tick).

    Until a reopen nothing can repeat: batches are only remembered, whole (a flood costs no
    Python step per line); `resume_since()` builds the set of what was seen, and only lines
    no newer than the newest seen then are looked up in it.
    """

    def __init__(self, margin_ns: int = DEFAULT_MARGIN_NS) -> None:
        self.margin_ns = margin_ns
        self._batches: deque[tuple[int, list[LogLine]]] = deque()  # (newest, kept lines)
        # After a reopen: what was seen before it (plain tuples: the garbage collector stops
        # tracking tuples of strings and ints) and the newest timestamp among them.
        self._seen: set[Key] = set()
        self._replay_until = -1
        self.newest: int | None = None
        self.dropped = 0

    def accept(self, line: LogLine) -> bool:
        return bool(self.fresh((line,)))

    def fresh(self, lines: Iterable[LogLine]) -> list[LogLine]:
        """The lines of LINES not seen before the last reopen, in order (a batch at a time)."""
        kept = list(lines)
        if not kept:
            return kept
        if self._replay_until >= 0 and min(map(_timestamp, kept)) <= self._replay_until:
            seen, before = self._seen, len(kept)
            kept = [x for x in kept if _key(x) not in seen]
            self.dropped += before - len(kept)
            if not kept:
                return kept
        newest = max(map(_timestamp, kept))
        if self.newest is None or newest > self.newest:
            self.newest = newest
        self._batches.append((newest, kept))
        oldest = self.newest - self.margin_ns
        batches = self._batches
        while batches and batches[0][0] < oldest:
            batches.popleft()
        if self._replay_until >= 0 and oldest > self._replay_until:
            self._seen, self._replay_until = set(), -1  # past the replayed margin
        return kept

    def resume_since(self) -> int | None:
        """The `since` (ns) to reopen from, None before the first line. The stream is
        reopened: its lines up to the newest seen now are looked up in what was seen."""
        if self.newest is None:
            return None
        since = self.newest - self.margin_ns
        self._seen = {_key(x) for _, batch in self._batches for x in batch if x.timestamp >= since}
        self._replay_until = self.newest
        return since

    def __len__(self) -> int:
        """Lines remembered."""
        return sum(len(batch) for _, batch in self._batches)
