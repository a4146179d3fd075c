"""A virtual log view over a ring buffer: only the rows on screen are rendered (Line API).

Lines arrive in batches (`append`), never one widget per line; the buffer keeps the newest
N lines. Following, the view sticks to the bottom; paused, it stays still and new lines wait
(at most N) until it resumes. A cursor line (paused) serves search, copy and selection.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.theme import Theme

from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_search import LogSearch
from swarmtui.logs.ring_buffer import DEFAULT_CAPACITY, LogBuffer
from swarmtui.logs.task_labels import TaskLabels
from swarmtui.logs.visible_lines import VisibleLines
from swarmtui.ui.log_line_renderer import PALETTE_VARIABLES, LogLineRenderer, text_width

Narrow = tuple[str, str]  # ("task", task id) | ("node", node id)
CACHED_LINES = 256  # rendered lines kept: a few screenfuls
MIN_WRAPPED_TEXT = 20  # narrower than this, continuation rows start at the left edge


def hanging_indent(head: int, width: int) -> int:
    """How far continuation rows are indented: under the text, if that leaves room."""
    return head if width - head >= MIN_WRAPPED_TEXT else 0


def wrapped_rows(cells: int, head: int, width: int) -> int:
    """Rows a line of CELLS cells takes when wrapped at WIDTH with the hanging indent."""
    if cells <= width:
        return 1
    room = width - hanging_indent(head, width)
    return 1 + -(-(cells - width) // room)


class LogView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "log-view--timestamp",
        "log-view--separator",
        "log-view--stderr",
        "log-view--notice",
        "log-view--match",
        "log-view--cursor",
        "log-view--selection",
    }
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
    }
    LogView > .log-view--timestamp { color: $text-muted; }
    LogView > .log-view--separator { color: $text-muted; }
    LogView > .log-view--stderr { color: $text-error; }
    LogView > .log-view--notice { color: $text-warning; text-style: italic; }
    LogView > .log-view--match { background: $warning; color: $background; text-style: bold; }
    LogView > .log-view--cursor { background: $primary-muted; }
    LogView > .log-view--selection { background: $accent-muted; }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="logs_cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="logs_cursor_down"),
        Binding("pageup", "page_up_lines", "Page up", show=False, id="logs_page_up"),
        Binding("pagedown", "page_down_lines", "Page down", show=False, id="logs_page_down"),
        Binding("home,g", "first_line", "First line", show=False, id="logs_first_line"),
        Binding("end,G", "last_line", "Last line", show=False, id="logs_last_line"),
        Binding("left,h", "scroll_left", "Scroll left", show=False, id="logs_scroll_left"),
        Binding("right,l", "scroll_right", "Scroll right", show=False, id="logs_scroll_right"),
    ]

    def __init__(self, capacity: int = DEFAULT_CAPACITY, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer = LogBuffer(capacity)
        self.shown = VisibleLines()
        self.renderer = LogLineRenderer()
        self.wrap = False
        self.search: LogSearch | None = None
        self.filter_only = False
        self.narrow: Narrow | None = None
        self.following = True
        self.cursor: int | None = None  # absolute index of the cursor line while paused
        self.selection_start: int | None = None  # start of the selection
        self.pending: deque[LogLine] = deque(maxlen=capacity)
        self.tasks_seen: dict[str, str] = {}  # task id -> node id, in order of appearance
        self._cache: LRUCache[int, Strip] = LRUCache(CACHED_LINES)
        self._max_text_width = 0
        self._fold_width = 0
        self._styles_loaded = False
        self._cursor_style = Style()
        self._selection_style = Style()

    # Styles ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._refresh_scrollbars()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self._styles_loaded = False
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_loaded = False
        self._cache.clear()

    def _load_styles(self) -> None:
        renderer = self.renderer

        def style(name: str, background: bool = False) -> Style:
            # The full style: a partial one misses colours blended with the background
            # ($text-muted). The line's background comes from the view (or the cursor).
            full = self.get_component_rich_style(name)
            if background:
                return full
            return Style(color=full.color, bold=full.bold, italic=full.italic)

        renderer.timestamp_style = style("log-view--timestamp")
        renderer.separator_style = style("log-view--separator")
        renderer.stderr_style = style("log-view--stderr")
        renderer.notice_style = style("log-view--notice")
        renderer.match_style = style("log-view--match", background=True)
        self._cursor_style = style("log-view--cursor", background=True)
        self._selection_style = style("log-view--selection", background=True)
        variables = self.app.get_css_variables()
        palette = [
            Style(color=Color.parse(variables[name]).rich_color)
            for name in PALETTE_VARIABLES
            if name in variables
        ]
        renderer.palette = tuple(palette) or (Style(),)
        self._styles_loaded = True

    # Feeding -----------------------------------------------------------------------------

    def append(self, lines: Sequence[LogLine]) -> None:
        """Add a batch of lines (paused: keep them for later)."""
        if not lines:
            return
        if not self.following:
            self.pending.extend(lines)
            return
        self._append(lines)

    def _append(self, lines: Sequence[LogLine]) -> None:
        """Add a batch: whole-batch list operations, no per-line method calls."""
        buffer = self.buffer
        buffer.extend(lines)
        lines = lines[-buffer.capacity :]
        start = buffer.total - len(lines)
        self.shown.prune_before(buffer.first_index)
        self._add_shown(lines, start)
        widest = max(map(text_width, [x.text for x in lines]), default=0)
        self._max_text_width = max(self._max_text_width, widest)
        new_tasks = {x.task_id: x.node_id for x in lines if x.task_id not in self.tasks_seen}
        new_tasks.pop("", None)
        if new_tasks:
            self.tasks_seen.update(new_tasks)
            if self._update_label_width():
                self.rebuild()
                return
        self._after_change()

    def _add_shown(self, lines: Sequence[LogLine], start: int) -> None:
        """Add LINES (absolute indices from START) to the shown lines, if they pass."""
        shows = self._predicate()
        if shows is None:
            indices: Sequence[int] = range(start, start + len(lines))
            chosen = lines
        else:
            picked = [(start + i, x) for i, x in enumerate(lines) if shows(x)]
            indices = [i for i, _ in picked]
            chosen = [x for _, x in picked]
        heights = None
        if self.wrap and self._fold_width > 0:
            head, fold = self.renderer.head_width(), self._fold_width
            heights = [wrapped_rows(head + text_width(x.text), head, fold) for x in chosen]
        self.shown.extend(indices, heights)

    def set_labels(self, labels: TaskLabels) -> None:
        self.renderer.labels = labels
        if self._update_label_width():
            self.rebuild()
        else:
            self._cache.clear()
            self.refresh()

    def _update_label_width(self) -> bool:
        labels = self.renderer.labels
        widths = [len(labels.label(t, n)) for t, n in self.tasks_seen.items()]
        width = max([len("swarmtui"), *widths])
        changed = width != self.renderer.label_width
        self.renderer.label_width = width
        return changed and self.renderer.prefix

    def clear(self) -> None:
        self._max_text_width = 0
        self.buffer.clear()
        self.pending.clear()
        self.tasks_seen.clear()
        self.cursor = self.selection_start = None
        self.rebuild()

    # Which lines show, and how tall ------------------------------------------------------

    def _predicate(self) -> Callable[[LogLine], bool] | None:
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
        self._cache.clear()
        self._fold_width = self.scrollable_content_region.width if self.is_mounted else 0
        self.shown.clear()
        self._add_shown(list(self.buffer), self.buffer.first_index)
        self._after_change()

    def _after_change(self) -> None:
        width = self._fold_width if self.wrap else self.renderer.head_width() + self._max_text_width
        self.virtual_size = Size(width, self.shown.total_rows)
        if self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        elif self.cursor is not None and self.cursor < self.buffer.first_index:
            self.cursor = self.buffer.first_index
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.wrap and self.scrollable_content_region.width != self._fold_width:
            self.rebuild()
        elif self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        else:
            self._keep_cursor_in_view()

    # Options -----------------------------------------------------------------------------

    def set_options(
        self,
        *,
        timestamps: bool | None = None,
        prefix: bool | None = None,
        wrap: bool | None = None,
    ) -> None:
        if timestamps is not None:
            self.renderer.timestamps = timestamps
        if prefix is not None:
            self.renderer.prefix = prefix
        if wrap is not None:
            self.wrap = wrap
            self.scroll_to(x=0, animate=False, immediate=True)
        self.rebuild()
        self._keep_cursor_in_view()

    def set_search(self, text: str) -> None:
        self.search = self.renderer.search = LogSearch(text) if text else None
        if self.filter_only:
            self.rebuild()
        else:
            self._cache.clear()
            self.refresh()

    def set_filter(self, on: bool) -> None:
        self.filter_only = on
        self.rebuild()
        self._keep_cursor_in_view()

    def set_narrow(self, narrow: Narrow | None) -> None:
        self.narrow = narrow
        self.rebuild()
        self._keep_cursor_in_view()

    def narrow_choices(self) -> list[Narrow | None]:
        """All lines, then each task, then each node (as seen in the lines so far)."""
        labels = self.renderer.labels
        tasks = sorted(self.tasks_seen, key=lambda t: labels.label(t, self.tasks_seen[t]))
        nodes = sorted(set(self.tasks_seen.values()), key=labels.hostname)
        choices: list[Narrow | None] = [None]
        choices += [("task", t) for t in tasks]
        choices += [("node", n) for n in nodes]
        return choices

    def narrow_label(self) -> str:
        if self.narrow is None:
            return ""
        kind, object_id = self.narrow
        labels = self.renderer.labels
        if kind == "task":
            return labels.label(object_id, self.tasks_seen.get(object_id, ""))
        return f"node {labels.hostname(object_id)}"

    # Pause, cursor, selection ------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return not self.following

    def pause(self) -> None:
        if not self.following:
            return
        self.following = False
        if len(self.shown):
            bottom = min(
                self.shown.total_rows - 1,
                int(self.scroll_y) + self.scrollable_content_region.height - 1,
            )
            position, _ = self.shown.at_row(max(0, bottom))
            self.cursor = self.shown.absolute(position)
        self.refresh()

    def resume(self) -> None:
        self.following = True
        self.cursor = self.selection_start = None
        waiting = list(self.pending)
        self.pending.clear()
        if waiting:
            self._append(waiting)
        else:
            self._after_change()

    def cursor_position(self) -> int | None:
        """The position of the cursor line among the shown lines (the last one if following)."""
        count = len(self.shown)
        if not count:
            return None
        if self.cursor is None:
            return count - 1
        return min(self.shown.position(self.cursor), count - 1)

    def move_cursor(self, position: int, center: bool = False) -> None:
        count = len(self.shown)
        if not count:
            return
        self.pause()
        position = max(0, min(position, count - 1))
        self.cursor = self.shown.absolute(position)
        self._keep_cursor_in_view(center)
        self.refresh()

    def _keep_cursor_in_view(self, center: bool = False) -> None:
        position = None if self.following else self.cursor_position()
        if position is None:
            return
        row = self.shown.row_of(position)
        height = self.scrollable_content_region.height
        if center:
            target = row - height // 2
        elif row < self.scroll_y:
            target = row
        elif row + self.shown.height_of(position) > self.scroll_y + height:
            target = row + self.shown.height_of(position) - height
        else:
            return
        self.scroll_to(y=max(0, target), animate=False, immediate=True, force=True)

    def _step(self, delta: int) -> None:
        position = self.cursor_position()
        if position is not None:
            self.move_cursor(position + delta)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_page_up_lines(self) -> None:
        self._step(-max(1, self.scrollable_content_region.height - 1))

    def action_page_down_lines(self) -> None:
        self._step(max(1, self.scrollable_content_region.height - 1))

    def action_first_line(self) -> None:
        self.move_cursor(0)

    def action_last_line(self) -> None:
        self.move_cursor(len(self.shown) - 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.pause()

    def toggle_selection(self) -> bool:
        """Start a selection at the cursor line, or drop it. True when one is active."""
        if self.selection_start is not None:
            self.selection_start = None
        else:
            self.pause()
            self.selection_start = self.cursor
        self.refresh()
        return self.selection_start is not None

    def selected_lines(self) -> list[LogLine]:
        """The selection (shown lines between anchor and cursor), or the cursor line."""
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

    # Search ------------------------------------------------------------------------------

    def find(self, forward: bool = True) -> bool:
        """Move the cursor to the next (or previous) match, with lines around it in view."""
        search, count = self.search, len(self.shown)
        start = self.cursor_position()
        if search is None or start is None:
            return False
        if self.following:  # from the bottom: the newest match first
            start, forward = count, False
        step = 1 if forward else -1
        for offset in range(1, count + 1):
            position = (start + step * offset) % count
            line = self.buffer.at(self.shown.absolute(position))
            if line is not None and search.matches(line.text):
                self.move_cursor(position, center=True)
                return True
        return False

    # Rendering ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if not self._styles_loaded:
            self._load_styles()
            self._cache.clear()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        row = scroll_y + y
        base = self.rich_style
        if row >= self.shown.total_rows:
            return Strip.blank(width, base)
        position, part = self.shown.at_row(row)
        absolute = self.shown.absolute(position)
        strip = self._cache.get(absolute)
        if strip is None:
            line = self.buffer.at(absolute)
            if line is None:
                return Strip.blank(width, base)
            strip = self.renderer.render(line)
            self._cache[absolute] = strip
        if self.wrap:
            strip = self._fold(strip, part, width, base)
        else:
            strip = strip.crop(scroll_x, scroll_x + width)
        highlight = self._highlight(absolute)
        if highlight is not None:
            strip = strip.extend_cell_length(width).apply_style(highlight)
        return strip.apply_style(base).extend_cell_length(width, base)

    def _fold(self, strip: Strip, part: int, width: int, base: Style) -> Strip:
        """Row PART of a wrapped line: continuation rows are indented under the text."""
        head = hanging_indent(self.renderer.head_width(), width)
        if part == 0:
            return strip.crop(0, width)
        start = width + (part - 1) * (width - head)
        rest = strip.crop(start, start + width - head)
        return Strip.join([Strip.blank(head, base), rest]) if head else rest

    def _highlight(self, absolute: int) -> Style | None:
        if self.following or self.cursor is None:
            return None
        if self.selection_start is not None:
            low, high = sorted((self.selection_start, self.cursor))
            if low <= absolute <= high:
                return self._selection_style if absolute != self.cursor else self._cursor_style
        return self._cursor_style if absolute == self.cursor else None
