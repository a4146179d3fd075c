"""Which buffer lines a view shows, in order, and how many screen rows each takes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate, repeat

COMPACT_AT = 4096


class VisibleLines:
    """Absolute buffer indices (increasing) with row offsets, for a virtual scrolling view.

    Appending and dropping from the front are cheap, so a view follows a flood in batches:
    position p is the p-th line shown, its first row is `row_of(p)`.
    """

    def __init__(self) -> None:
        self._indices: list[int] = []
        self._rows: list[int] = [0]  # _rows[k] = first row of _indices[k]; one extra at the end
        self._start = 0

    def clear(self) -> None:
        self._indices, self._rows, self._start = [], [0], 0

    def __len__(self) -> int:
        return len(self._indices) - self._start

    @property
    def total_rows(self) -> int:
        return self._rows[-1] - self._rows[self._start]

    def append(self, absolute: int, height: int = 1) -> None:
        self._indices.append(absolute)
        self._rows.append(self._rows[-1] + max(1, height))

    def extend(self, indices: Sequence[int], heights: Sequence[int] | None = None) -> None:
        """Append many lines at once (HEIGHTS: rows of each, at least 1; None: one row each)."""
        last = self._rows[-1]
        self._indices.extend(indices)
        if heights is None:
            self._rows.extend(range(last + 1, last + 1 + len(indices)))
        else:
            rows = accumulate(map(max, heights, repeat(1)), initial=last)  # no Python step
            next(rows)
            self._rows.extend(rows)

    def prune_before(self, absolute: int) -> int:
        """Forget lines whose index is below ABSOLUTE (dropped from the buffer)."""
        start = bisect_left(self._indices, absolute, lo=self._start)
        removed = start - self._start
        self._start = start
        if start >= COMPACT_AT and start * 2 >= len(self._indices):
            base = self._rows[start]
            self._indices = self._indices[start:]
            self._rows = [row - base for row in self._rows[start:]]
            self._start = 0
        return removed

    def absolute(self, position: int) -> int:
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self._indices[self._start + position]

    def position(self, absolute: int) -> int:
        """The position of the first line shown whose index is ABSOLUTE or later."""
        return bisect_left(self._indices, absolute, lo=self._start) - self._start

    def row_of(self, position: int) -> int:
        return self._rows[self._start + position] - self._rows[self._start]

    def height_of(self, position: int) -> int:
        k = self._start + position
        return self._rows[k + 1] - self._rows[k]

    def at_row(self, row: int) -> tuple[int, int]:
        """(position, row within that line) of screen row ROW; ROW must be < total_rows."""
        target = self._rows[self._start] + row
        k = bisect_right(self._rows, target, lo=self._start, hi=len(self._indices)) - 1
        return k - self._start, target - self._rows[k]
