"""Log lines as plain text, for saving and copying: what the view shows, without colour."""

from __future__ import annotations

from collections.abc import Iterable

from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_parser import format_timestamp
from swarmtui.logs.task_labels import TaskLabels

STREAM_MARKS = {"stdout": " ", "stderr": "!", "engine": "*", "notice": "*"}


def line_prefix(line: LogLine, labels: TaskLabels) -> str:
    if line.is_notice and not line.task_id:
        return "swarmtui" if line.stream == "notice" else "engine"
    return labels.label(line.task_id, line.node_id)


def format_line(
    line: LogLine, labels: TaskLabels, *, timestamps: bool = True, prefix: bool = True
) -> str:
    parts = []
    if timestamps:
        parts.append(format_timestamp(line.timestamp))
    if prefix:
        parts.append(line_prefix(line, labels))
    head = " ".join(parts)
    mark = STREAM_MARKS[line.stream]
    return f"{head} {mark}| {line.text}" if head else line.text


def format_lines(
    lines: Iterable[LogLine], labels: TaskLabels, *, timestamps: bool = True, prefix: bool = True
) -> str:
    return "".join(
        format_line(line, labels, timestamps=timestamps, prefix=prefix) + "\n" for line in lines
    )
