"""Sorting the nodes, services and tasks panes by a column: the order of the real values
behind the cells (2/3 replicas as numbers, state ages as timestamps, ports as numbers),
case-insensitive natural order ("web9" before "web10") for plain text. No UI here.

Every sort key is a tuple that starts with a rank: 0 for a value, 1 for none (an empty
cell, unknown replicas, no timestamp), 2 for a row nothing is known about. Keys of one
column compare without a TypeError whatever the values, and in ascending order the rows
without a value come last. Reversing the sort reverses all of it, missing values included.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from swarmtui.core.models import PortSpec, Service, Task
from swarmtui.display.stacks import NO_STACK, StackSummary

SortKey = tuple[object, ...]
MISSING: SortKey = (1,)  # the row has no value in this column: last when ascending
UNKNOWN: SortKey = (2,)  # no sort value was given for the row at all

_DIGITS = re.compile(r"([0-9]+)")


def natural_key(text: str) -> SortKey:
    """Case-insensitive natural order: "web9" < "web10" < "Web11"; "" sorts as missing."""
    if not text:
        return MISSING
    parts = _DIGITS.split(text.casefold())
    # split() with a group alternates text and digits, text first: chunks of one position
    # always have the same type.
    return (0, tuple(int(part) if i % 2 else part for i, part in enumerate(parts)))


def replicas_key(running: int | None, desired: int | None) -> SortKey:
    """ "2/3" as the numbers (2, 3): running first, then desired; "?/3" is missing."""
    if running is None or desired is None:
        return MISSING
    return (0, running, desired)


def timestamp_key(when: datetime | None) -> SortKey:
    """Oldest first when ascending (an age column: youngest last)."""
    if when is None:
        return MISSING
    return (0, when.timestamp())


def ports_key(ports: Sequence[PortSpec]) -> SortKey:
    """Published port, target port, protocol, numerically, port by port as shown."""
    if not ports:
        return MISSING
    return (0, tuple((p.published, p.target, p.protocol, p.mode) for p in ports))


def state_age_key(state: str, since: datetime | None) -> SortKey:
    """ "Running 5 minutes ago": by state, then by how long it has been in it (oldest first)."""
    since_key = (0, since.timestamp()) if since is not None else (1, math.inf)
    return (0, natural_key(state), since_key)


# Columns whose cell text does not sort like the value behind it; every other column sorts
# by natural_key of its cell text.
SERVICE_SORT_KEYS: Mapping[str, Callable[[Service], SortKey]] = {
    "replicas": lambda s: replicas_key(s.replicas_running, s.replicas_desired),
    "ports": lambda s: ports_key(s.ports),
}
STACK_SORT_KEYS: Mapping[str, Callable[[StackSummary], SortKey]] = {
    # the services outside stacks stay after the stacks
    "name": lambda s: MISSING if s.name == NO_STACK else natural_key(s.name),
    "tasks": lambda s: replicas_key(s.tasks_running, s.tasks_desired),
}
TASK_SORT_KEYS: Mapping[str, Callable[[Task], SortKey]] = {
    "current": lambda t: state_age_key(t.state, t.state_since),
}


@dataclass(frozen=True)
class SortOrder:
    column: str  # a column key
    descending: bool = False


def step_sort(order: SortOrder | None, columns: Sequence[str], step: int) -> SortOrder | None:
    """The next (STEP 1) or previous (-1) column to sort by, ascending. Unsorted (None, the
    pane's own order) sits before the first column: `>` from it sorts by the first column,
    `>` past the last one goes back to it."""
    if not columns:
        return None
    positions: list[str | None] = [None, *columns]
    current = order.column if order is not None and order.column in columns else None
    target = positions[(positions.index(current) + step) % len(positions)]
    return None if target is None else SortOrder(target)


def reverse_sort(order: SortOrder | None, columns: Sequence[str]) -> SortOrder | None:
    """The same column the other way round; unsorted becomes the first column, descending."""
    if order is None:
        return SortOrder(columns[0], descending=True) if columns else None
    return SortOrder(order.column, not order.descending)
