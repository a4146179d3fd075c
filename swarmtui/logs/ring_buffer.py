"""A bounded log buffer: the newest CAPACITY lines, addressed by a never-reused index."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from swarmtui.logs.log_line import LogLine

DEFAULT_CAPACITY = 10_000


class LogBuffer:
    """A ring of LogLines. Absolute index i is the i-th line ever appended; the lines still
    held have the absolute indices `first_index .. total - 1`."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: list[LogLine | None] = [None] * capacity
        self._start = 0
        self._length = 0
        self._total = 0

    def __len__(self) -> int:
        return self._length

    @property
    def total(self) -> int:
        """Lines appended since the buffer was made (or cleared)."""
        return self._total

    @property
    def first_index(self) -> int:
        return self._total - self._length

    def extend(self, lines: Iterable[LogLine]) -> int:
        """Append LINES; returns how many old lines were dropped to make room."""
        batch = lines if isinstance(lines, list | tuple) else list(lines)
        capacity, items = self.capacity, self._items
        dropped = max(0, self._length + len(batch) - capacity)
        self._total += len(batch)
        batch = batch[-capacity:]
        count = len(batch)
        # Whole slices, at most two (the ring wraps once): no Python step per line.
        end = (self._start + self._length) % capacity
        first = min(count, capacity - end)
        items[end : end + first] = batch[:first]
        items[: count - first] = batch[first:]
        length = self._length + count
        if length > capacity:
            self._start = (self._start + length - capacity) % capacity
            length = capacity
        self._length = length
        return dropped

    def __getitem__(self, position: int) -> LogLine:
        if not 0 <= position < self._length:
            raise IndexError(position)
        line = self._items[(self._start + position) % self.capacity]
        assert line is not None
        return line

    def at(self, absolute: int) -> LogLine | None:
        """The line with absolute index ABSOLUTE, None once it was dropped (or not yet there)."""
        position = absolute - self.first_index
        return self[position] if 0 <= position < self._length else None

    def __iter__(self) -> Iterator[LogLine]:
        return iter(self.lines())

    def lines(self) -> list[LogLine]:
        """The lines held, oldest first (two slices: no Python step per line)."""
        start, end = self._start, self._start + self._length
        held = self._items[start:end] + self._items[: max(0, end - self.capacity)]
        return held  # type: ignore[return-value]  # the held slots are never None

    def clear(self) -> None:
        self._items = [None] * self.capacity
        self._start = self._length = self._total = 0
