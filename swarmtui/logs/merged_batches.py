"""The batches of several log followers (one per service of a stack) as one: lines merged by
timestamp, task names from every service, one state."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

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


def _timestamp(line: LogLine) -> int:
    return line.timestamp


class BatchMerger:
    """Keeps each follower's latest task names; merges one pull of every follower."""

    def __init__(self, sources: int) -> None:
        self._labels: list[TaskLabels | None] = [None] * sources

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
        lines = tuple(heapq.merge(*(batch.lines for batch in batches), key=_timestamp))
        reopened = sum(batch.reopened for batch in batches)
        return LogBatch(lines, labels, combined_state(b.state for b in batches), reopened)


def combined_state(states: Iterable[str]) -> str:
    found = set(states)
    return next((state for state in STATE_ORDER if state in found), min(found, default="closed"))
