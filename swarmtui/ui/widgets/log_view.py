"""A virtual log view over a ring buffer: only the rows on screen are rendered (Line API).

Lines arrive in batches, never one widget per line. What shows, the options and the cursor
live in a UI-free LogViewModel; this widget renders rows, scrolls and answers the keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.theme import Theme

from swarmtui.logs.log_line import LogLine
from swarmtui.logs.log_view_model import LogViewModel, Narrow, hanging_indent
from swarmtui.logs.ring_buffer import DEFAULT_CAPACITY
from swarmtui.logs.task_labels import TaskLabels
from swarmtui.ui.widgets.log_line_renderer import PALETTE_VARIABLES, LogLineRenderer, text_width
from swarmtui.ui.widgets.thumbed_scroll_view import ThumbedScrollView

CACHED_LINES = 256  # rendered lines kept: a few screenfuls


class LogView(ThumbedScrollView, can_focus=True):
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
        self.model = LogViewModel(capacity, text_width)
        self.renderer = LogLineRenderer(self.model)
        self._cache: LRUCache[int, Strip] = LRUCache(CACHED_LINES)
        self._rows: LRUCache[int, Strip] = LRUCache(CACHED_LINES)
        self._rows_geometry = (0, 0)
        self._frame: tuple[int, int, int] | None = None  # scroll x, y, width while painting
        self._generation = 0
        self._styles_loaded = False
        self._cursor_style = Style()
        self._selection_style = Style()
        self._base_style = Style()

    # Styles ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._refresh_scrollbars()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self._styles_loaded = False
        self._clear_rendered()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_loaded = False
        self._clear_rendered()

    def _clear_rendered(self) -> None:
        self._cache.clear()
        self._rows.clear()

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
        self._base_style = self.rich_style  # walks the DOM: once, not on every row
        variables = self.app.get_css_variables()
        palette = [
            Style(color=Color.parse(variables[name]).rich_color)
            for name in PALETTE_VARIABLES
            if name in variables
        ]
        renderer.palette = tuple(palette) or (Style(),)
        self._styles_loaded = True

    # Changes from the screen -------------------------------------------------------------

    def append(self, lines: Sequence[LogLine]) -> None:
        """Add a batch of lines (paused: they wait for `resume`)."""
        if self.model.add(lines):
            self._changed()

    def set_labels(self, labels: TaskLabels) -> None:
        self.model.set_labels(labels)
        self._changed(redraw=True)

    def clear(self) -> None:
        self.model.clear()
        self._changed(redraw=True)

    def set_options(
        self,
        *,
        timestamps: bool | None = None,
        prefix: bool | None = None,
        wrap: bool | None = None,
    ) -> None:
        if wrap is not None:
            self.scroll_to(x=0, animate=False, immediate=True)
        self.model.fold_width = self.scrollable_content_region.width
        self.model.set_options(timestamps=timestamps, prefix=prefix, wrap=wrap)
        self._changed(redraw=True)

    def set_search(self, text: str) -> None:
        self.model.set_search(text)
        self._changed(redraw=True)

    def set_filter(self, on: bool) -> None:
        self.model.set_filter(on)
        self._changed(redraw=True)

    def set_narrow(self, narrow: Narrow | None) -> None:
        self.model.set_narrow(narrow)
        self._changed(redraw=True)

    def _changed(self, redraw: bool = False) -> None:
        """The shown lines changed: new size, stick to the bottom or keep the cursor."""
        model = self.model
        if redraw or model.generation != self._generation:
            self._clear_rendered()
            self._generation = model.generation
        self.virtual_size = Size(model.content_width(), model.shown.total_rows)
        if model.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        elif redraw:
            self._keep_cursor_in_view()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if self.model.wrap and width != self.model.fold_width:
            self.model.fold_width = width
            self.model.rebuild()
            self._changed(redraw=True)
        elif self.model.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        else:
            self._keep_cursor_in_view()

    # Pause, cursor, selection, search ----------------------------------------------------

    def pause(self) -> None:
        """Hold still, the cursor on the bottom line on screen."""
        shown = self.model.shown
        if self.model.following and len(shown):
            bottom = int(self.scroll_y) + self.scrollable_content_region.height - 1
            position, _ = shown.at_row(max(0, min(shown.total_rows - 1, bottom)))
            self.model.pause(position)
            self.refresh()

    def resume(self) -> None:
        self.model.resume()
        self._changed()

    def move_cursor(self, position: int, center: bool = False) -> None:
        self.pause()
        if self.model.set_cursor(position):
            self._keep_cursor_in_view(center)
            self.refresh()

    def _keep_cursor_in_view(self, center: bool = False) -> None:
        model = self.model
        position = None if model.following else model.cursor_position()
        if position is None:
            return
        row = model.shown.row_of(position)
        rows = model.shown.height_of(position)
        height = self.scrollable_content_region.height
        if center:
            target = row - height // 2
        elif row < self.scroll_y:
            target = row
        elif row + rows > self.scroll_y + height:
            target = row + rows - height
        else:
            return
        self.scroll_to(y=max(0, target), animate=False, immediate=True, force=True)

    def _step(self, delta: int) -> None:
        self.pause()
        position = self.model.cursor_position()
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
        self.move_cursor(len(self.model.shown) - 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.pause()

    def toggle_selection(self) -> bool:
        """Start a selection at the cursor line, or drop it. True when one is active."""
        self.pause()
        active = self.model.toggle_selection()
        self.refresh()
        return active

    def find(self, forward: bool = True) -> bool:
        """Move the cursor to the next (or previous) match, with lines around it in view."""
        position = self.model.find(forward)
        if position is None:
            return False
        self.move_cursor(position, center=True)
        return True

    # Rendering ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The geometry once per paint, not once per row (each is a walk through styles).
        self._frame = (*self.scroll_offset, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        if not self._styles_loaded:
            self._load_styles()
            self._clear_rendered()
        model = self.model
        frame = self._frame or (*self.scroll_offset, self.scrollable_content_region.width)
        scroll_x, scroll_y, width = frame
        row = scroll_y + y
        base = self._base_style
        if row >= model.shown.total_rows:
            return Strip.blank(width, base)
        position, part = model.shown.at_row(row)
        absolute = model.shown.absolute(position)
        highlight = model.highlight(absolute)
        if not model.wrap and highlight is None:
            return self._plain_row(absolute, scroll_x, width, base)
        strip = self._cache.get(absolute)
        if strip is None:
            line = model.buffer.at(absolute)
            if line is None:
                return Strip.blank(width, base)
            strip = self.renderer.render(line)
            self._cache[absolute] = strip
        if model.wrap:
            strip = self._fold(strip, part, width, base)
        else:
            strip = strip.crop(scroll_x, scroll_x + width)
        if highlight is not None:
            style = self._cursor_style if highlight == "cursor" else self._selection_style
            strip = strip.extend_cell_length(width).apply_style(style)
        return strip.apply_style(base).extend_cell_length(width, base)

    def _plain_row(self, absolute: int, scroll_x: int, width: int, base: Style) -> Strip:
        """A row as painted (not wrapped, not highlighted): the hot path of a flood, one
        strip per line; kept while the view neither scrolls sideways nor changes width."""
        if (scroll_x, width) != self._rows_geometry:
            self._rows.clear()
            self._rows_geometry = (scroll_x, width)
        strip = self._rows.get(absolute)
        if strip is None:
            line = self.model.buffer.at(absolute)
            if line is None:
                return Strip.blank(width, base)
            strip = self.renderer.row(line, scroll_x, width, base)
            self._rows[absolute] = strip
        return strip

    def _fold(self, strip: Strip, part: int, width: int, base: Style) -> Strip:
        """Row PART of a wrapped line: continuation rows are indented under the text."""
        head = hanging_indent(self.model.head_width(), width)
        if part == 0:
            return strip.crop(0, width)
        start = width + (part - 1) * (width - head)
        rest = strip.crop(start, start + width - head)
        return Strip.join([Strip.blank(head, base), rest]) if head else rest
