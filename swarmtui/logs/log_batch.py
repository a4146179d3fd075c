"""What a log follower hands the UI at each pull."""

from __future__ import annotations

from dataclasses import dataclass

from swarmtui.logs.log_line import LogLine
from swarmtui.logs.task_labels import TaskLabels


@dataclass(frozen=True)
class LogBatch:
    lines: tuple[LogLine, ...]
    labels: TaskLabels | None  # new task names, None when unchanged
    state: str  # connecting | following | reconnecting | complete | closed | no logs
    reopened: int  # how many times the stream was reopened so far
