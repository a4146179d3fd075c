"""What a log view shows, UI-free: the buffer, the lines that pass, options, cursor.

The widget (swarmtui.ui.widgets.log_view) renders rows and scrolls; everything else lives here.
Lines come in batches and whole-batch list operations keep a flood cheap. Following, new
lines go straight in; paused, they wait (at most the buffer's capacity) so that what the
user looks at holds still. Positions count shown lines; the cursor and the selection are
kept as absolute buffer indices, which stay valid while old lines drop out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import attrgetter, floordiv, sub

from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_search import LogSearch
from swarmtui.logs.ring_buffer import DEFAULT_CAPACITY, LogBuffer
from swarmtui.logs.task_labels import TaskLabels
from swarmtui.logs.visible_lines import VisibleLines

Narrow = tuple[str, str]  # ("task", task id) | ("node", node id)
GUTTER = 2  # the stream mark and a space
TIMESTAMP_WIDTH = 25  # `2026-01-01T12:00:00.000Z `
SEPARATOR = " │ "  # between the task prefix and the text
MIN_WRAPPED_TEXT = 20  # narrower than this, continuation rows start at the left edge
NOTICE_PREFIX = "swarmtui"
_text = attrgetter("text")
_task_id = attrgetter("task_id")


def hanging_indent(head: int, width: int) -> int:
    """How far continuation rows are indented: under the text, if that leaves room."""
    return head if width - head >= MIN_WRAPPED_TEXT else 0


def wrapped_rows(cells: int, head: int, width: int) -> int:
    """Rows a line of CELLS cells takes when wrapped at WIDTH with the hanging indent."""
    if cells <= width:
        return 1
    room = width - hanging_indent(head, width)
    return 1 + -(-(cells - width) // room)


def _wrapped_heights(widths: Iterable[int], head: int, fold: int, room: int) -> list[int]:
    """wrapped_rows() of many texts of WIDTHS cells, in C loops (a rebuild does this for
    every line in the buffer, a key waits for it): with over = fold - (head + width), a line
    takes 1 + max(0, ceil(-over / room)) = 1 - min(0, over // room) rows."""
    over = map(floordiv, map(sub, repeat(fold - head), widths), repeat(room))
    return list(map(sub, repeat(1), map(min, repeat(0), over)))


class LogViewModel:
    def __init__(
        self, capacity: int = DEFAULT_CAPACITY, text_width: Callable[[str], int] = len
    ) -> None:
        self.buffer = LogBuffer(capacity)
        self.shown = VisibleLines()
        self.text_width = text_width  # terminal cells of a text (the UI knows wide glyphs)
        self.timestamps = False
        self.prefix = True
        self.wrap = False
        self.fold_width = 0  # the width wrapped lines fold at
        self.labels = TaskLabels()
        self.label_width = len(NOTICE_PREFIX)
        self.search: LogSearch | None = None
        self.filter_only = False
        self.narrow: Narrow | None = None
        self.following = True
        self.cursor: int | None = None  # absolute index of the cursor line while paused
        self.selection_start: int | None = None
        self.pending: deque[LogLine] = deque(maxlen=capacity)
        self.tasks_seen: dict[str, str] = {}  # task id -> node id, in order of appearance
        self.max_text_width = 0
        self.generation = 0  # counts rebuilds: rendered rows of an older one are stale

    # Geometry ----------------------------------------------------------------------------

    def head_width(self) -> int:
        """Cells before the text: mark, timestamp, prefix."""
        width = GUTTER
        if self.timestamps:
            width += TIMESTAMP_WIDTH
        if self.prefix:
            width += self.label_width + len(SEPARATOR)
        return width

    def content_width(self) -> int:
        """How wide the widest line is (wrapped: the fold width)."""
        return self.fold_width if self.wrap else self.head_width() + self.max_text_width

    # Feeding -----------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return not self.following

    def add(self, lines: Sequence[LogLine]) -> bool:
        """Add a batch (paused: keep it for later). True when the shown lines changed."""
        if not lines:
            return False
        if not self.following:
            self.pending.extend(lines)
            return False
        self._append(lines)
        return True

    def _append(self, lines: Sequence[LogLine]) -> None:
        buffer = self.buffer
        buffer.extend(lines)
        lines = lines[-buffer.capacity :]
        start = buffer.total - len(lines)
        self.shown.prune_before(buffer.first_index)
        if self.cursor is not None and self.cursor < buffer.first_index:
            self.cursor = buffer.first_index
        self._add_shown(lines, start)
        self.max_text_width = max(self.max_text_width, self._widest(lines))
        tasks = set(map(_task_id, lines)) - self.tasks_seen.keys()
        tasks.discard("")
        if tasks:
            new_tasks = {x.task_id: x.node_id for x in lines if x.task_id in tasks}
            self.tasks_seen.update(new_tasks)
            if self._update_label_width():
                self.rebuild()

    def _widest(self, lines: Sequence[LogLine]) -> int:
        """The widest text of LINES in cells; plain ASCII (a flood, mostly) in one pass."""
        texts = list(map(_text, lines))
        if "".join(texts).isascii():
            return max(map(len, texts), default=0)
        return max(map(self.text_width, texts), default=0)

    def _add_shown(self, lines: Sequence[LogLine], start: int) -> None:
        """Add LINES (absolute indices from START) to the shown lines, if they pass."""
        shows = self.predicate()
        if shows is None:
            indices: Sequence[int] = range(start, start + len(lines))
            chosen = lines
        else:
            picked = [(start + i, x) for i, x in enumerate(lines) if shows(x)]
            indices = [i for i, _ in picked]
            chosen = [x for _, x in picked]
        heights = None
        if self.wrap and self.fold_width > 0:
            head, fold = self.head_width(), self.fold_width
            room = fold - hanging_indent(head, fold)
            texts = list(map(_text, chosen))
            width = len if "".join(texts).isascii() else self.text_width
            widths = list(map(width, texts))
            if head + max(widths, default=0) > fold:  # else: one row each, as unwrapped
                heights = _wrapped_heights(widths, head, fold, room)
        self.shown.extend(indices, heights)

    def set_labels(self, labels: TaskLabels) -> bool:
        """New task names. True when the prefix column changed width (all rows redone)."""
        self.labels = labels
        if self._update_label_width():
            self.rebuild()
            return True
        return False

    def _update_label_width(self) -> bool:
        widths = [len(self.labels.label(t, n)) for t, n in self.tasks_seen.items()]
        width = max([len(NOTICE_PREFIX), *widths])
        changed = width != self.label_width
        self.label_width = width
        return changed and self.prefix

    def clear(self) -> None:
        self.max_text_width = 0
        self.buffer.clear()
        self.pending.clear()
        self.tasks_seen.clear()
        self.cursor = self.selection_start = None
        self.rebuild()

    # Which lines show --------------------------------------------------------------------

    def predicate(self) -> Callable[[LogLine], bool] | None:
        """Which lines show (narrowed, filtered); None when all do."""
        narrow, search = self.narrow, self.search if self.filter_only else None
        if narrow is None and search is None:
            return None
        kind, object_id = narrow or ("", "")
        matches = search.pattern.search if search is not None else None

        def shows(line: LogLine) -> bool:
            if kind and not line.is_notice:
                owner = line.task_id if kind == "task" else line.node_id
                if owner != object_id:
                    return False
            return matches is None or matches(line.text) is not None

        return shows

    def rebuild(self) -> None:
        """Recompute the shown lines (options, filter, width changed): O(buffer), batched."""
        self.generation += 1
        self.shown.clear()
        buffer = self.buffer
        if self.predicate() is None and not (self.wrap and self.fold_width > 0):
            self.shown.extend(range(buffer.first_index, buffer.total))  # all, one row each
        else:
            self._add_shown(buffer.lines(), buffer.first_index)

    def set_options(
        self,
        *,
        timestamps: bool | None = None,
        prefix: bool | None = None,
        wrap: bool | None = None,
    ) -> None:
        if timestamps is not None:
            self.timestamps = timestamps
        if prefix is not None:
            self.prefix = prefix
        if wrap is not None:
            self.wrap = wrap
        self.rebuild()

    def set_search(self, text: str) -> None:
        self.search = LogSearch(text) if text else None
        if self.filter_only:
            self.rebuild()

    def set_filter(self, on: bool) -> None:
        self.filter_only = on
        self.rebuild()

    def set_narrow(self, narrow: Narrow | None) -> None:
        self.narrow = narrow
        self.rebuild()

    def narrow_choices(self) -> list[Narrow | None]:
        """All lines, then each task, then each node (as seen in the lines so far)."""
        labels, seen = self.labels, self.tasks_seen
        tasks = sorted(seen, key=lambda t: labels.label(t, seen[t]))
        nodes = sorted(set(seen.values()), key=labels.hostname)
        choices: list[Narrow | None] = [None]
        choices += [("task", t) for t in tasks]
        choices += [("node", n) for n in nodes]
        return choices

    def narrow_label(self) -> str:
        if self.narrow is None:
            return ""
        kind, object_id = self.narrow
        if kind == "task":
            return self.labels.label(object_id, self.tasks_seen.get(object_id, ""))
        return f"node {self.labels.hostname(object_id)}"

    # Pause, cursor, selection ------------------------------------------------------------

    def pause(self, cursor_position: int | None = None) -> None:
        """Hold still; the cursor goes to CURSOR_POSITION (default: the last line)."""
        if not self.following:
            return
        self.following = False
        count = len(self.shown)
        if count:
            position = count - 1 if cursor_position is None else cursor_position
            self.cursor = self.shown.absolute(max(0, min(position, count - 1)))

    def resume(self) -> None:
        """Follow again: the lines that waited go in."""
        self.following = True
        self.cursor = self.selection_start = None
        waiting = list(self.pending)
        self.pending.clear()
        if waiting:
            self._append(waiting)

    def cursor_position(self) -> int | None:
        """The position of the cursor line among the shown lines (the last one if following)."""
        count = len(self.shown)
        if not count:
            return None
        if self.cursor is None:
            return count - 1
        return min(self.shown.position(self.cursor), count - 1)

    def set_cursor(self, position: int) -> bool:
        """Pause and put the cursor on shown line POSITION (clamped). False: nothing shown."""
        count = len(self.shown)
        if not count:
            return False
        self.pause()
        self.cursor = self.shown.absolute(max(0, min(position, count - 1)))
        return True

    def toggle_selection(self) -> bool:
        """Start a selection at the cursor line, or drop it. True when one is active."""
        if self.selection_start is not None:
            self.selection_start = None
        else:
            self.pause()
            self.selection_start = self.cursor
        return self.selection_start is not None

    def selected_lines(self) -> list[LogLine]:
        """The selection (shown lines from its start to the cursor), or the cursor line."""
        position = self.cursor_position()
        if position is None:
            return []
        end = self.shown.absolute(position)
        start = end if self.selection_start is None else self.selection_start
        low, high = sorted((start, end))
        lines = []
        for shown in range(self.shown.position(low), len(self.shown)):
            absolute = self.shown.absolute(shown)
            if absolute > high:
                break
            line = self.buffer.at(absolute)
            if line is not None:
                lines.append(line)
        return lines

    def highlight(self, absolute: int) -> str | None:
        """ "cursor", "selection" or None for the line with index ABSOLUTE."""
        if self.following or self.cursor is None:
            return None
        if absolute == self.cursor:
            return "cursor"
        if self.selection_start is not None:
            low, high = sorted((self.selection_start, self.cursor))
            if low <= absolute <= high:
                return "selection"
        return None

    def find(self, forward: bool = True) -> int | None:
        """The position of the next (or previous) matching line from the cursor, wrapping
        around; following, the newest match. None without a search or a match."""
        search, count = self.search, len(self.shown)
        start = self.cursor_position()
        if search is None or start is None:
            return None
        if self.following:
            start, forward = count, False
        step = 1 if forward else -1
        for offset in range(1, count + 1):
            position = (start + step * offset) % count
            line = self.buffer.at(self.shown.absolute(position))
            if line is not None and search.matches(line.text):
                return position
        return None
