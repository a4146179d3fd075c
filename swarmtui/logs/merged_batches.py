"""The batches of several log followers (one per service of a stack) as one: lines merged by
timestamp, task names from every service, one state."""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Sequence

from swarmtui.logs.log_batch import LogBatch
from swarmtui.logs.log_line import LogLine
from swarmtui.logs.task_labels import TaskLabels

# The state shown for several streams: the first of these that any of them is in.
STATE_ORDER = (
    "reconnecting",
    "connecting",
    "following",
    "reading",
    "no logs",
    "complete",
    "closed",
)


# A merged view's first lines wait until every stream has sent its own (or ended), at most
# this long after the first arrived: the streams open one after another, and their history
# would otherwise show as one stream's, then the next's, out of time order.
FIRST_LINES_HOLD = 1.0
ENDED_STATES = ("no logs", "complete", "closed")


def _timestamp(line: LogLine) -> int:
    return line.timestamp


class BatchMerger:
    """Keeps each follower's latest task names; merges one pull of every follower."""

    def __init__(self, sources: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._labels: list[TaskLabels | None] = [None] * sources
        self._clock = clock
        self._heard = [False] * sources
        # The first lines, held until every stream was heard from; None once handed on.
        self._held: list[LogLine] | None = [] if sources > 1 else None
        self._hold_until: float | None = None

    def merge(self, batches: Sequence[LogBatch]) -> LogBatch:
        """BATCHES: one per follower, in the same order at every pull."""
        changed = False
        for index, batch in enumerate(batches):
            if batch.labels is not None:
                self._labels[index] = batch.labels
                changed = True
        labels = None
        if changed:
            labels = TaskLabels.merged([part for part in self._labels if part is not None])
        # Each follower hands its lines in timestamp order: a merge keeps the order.
        if len(batches) == 1:
            lines = batches[0].lines
        else:
            lines = tuple(heapq.merge(*(batch.lines for batch in batches), key=_timestamp))
        if self._held is not None:
            lines = self._hold_first_lines(batches, lines)
        reopened = sum(batch.reopened for batch in batches)
        return LogBatch(lines, labels, combined_state(b.state for b in batches), reopened)

    def _hold_first_lines(
        self, batches: Sequence[LogBatch], lines: tuple[LogLine, ...]
    ) -> tuple[LogLine, ...]:
        assert self._held is not None
        for index, batch in enumerate(batches):
            if batch.lines or batch.state in ENDED_STATES:
                self._heard[index] = True
        if lines and self._hold_until is None:
            self._hold_until = self._clock() + FIRST_LINES_HOLD
        self._held = list(heapq.merge(self._held, lines, key=_timestamp))
        expired = self._hold_until is not None and self._clock() >= self._hold_until
        if not all(self._heard) and not expired:
            return ()
        held, self._held = self._held, None
        return tuple(held)


def combined_state(states: Iterable[str]) -> str:
    found = set(states)
    return next((state for state in STATE_ORDER if state in found), min(found, default="closed"))
