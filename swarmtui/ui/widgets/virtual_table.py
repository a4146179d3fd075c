"""A table that renders only the rows on screen (Textual's Line API), for 10,000-row panes.

Rows are (key, cells) with plain-text cells; a cell is coloured by the theme through
component classes. Updating rows costs O(rows) list work and redraws only what is visible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from swarmtui.display.columns import Column
from swarmtui.ui.widgets.thumbed_scroll_view import ThumbedScrollView

Row = tuple[str, tuple[str, ...]]  # (object id, cells)
MAX_COLUMN_WIDTH = 48
CELL_GAP = 2


@dataclass(frozen=True)
class RowRef:
    """What `rows` yields: the row's key, as `.value` (DataTable's RowKey shape)."""

    value: str


class VirtualTable(ThumbedScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Inspect", id="inspect"),
        Binding("up", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("j", "cursor_down", "Down", show=False, id="cursor_down_j"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor_up_k"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("home,g", "first", "Top", show=False, id="cursor_top"),
        Binding("end,G", "last", "Bottom", show=False, id="cursor_bottom"),
        Binding("left", "scroll_left", "Left", show=False, id="scroll_left"),
        Binding("right", "scroll_right", "Right", show=False, id="scroll_right"),
    ]
    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--cursor-blurred",
        "virtual-table--success",
        "virtual-table--error",
        "virtual-table--warning",
        "virtual-table--secondary",
    }

    class RowHighlighted(Message):
        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class RowSelected(Message):
        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    COLUMNS: Sequence[Column] = ()
    STYLED_COLUMNS: frozenset[str] = frozenset()
    cell_style: Callable[[str], str | None] = staticmethod(lambda _: None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._table_rows: list[Row] = []
        self._index: dict[str, int] = {}
        self._labels: list[str] = [c.label for c in self.COLUMNS]
        self._widths: list[int] = [len(label) for label in self._labels]
        self._cursor = 0
        self._styled = [c.key in self.STYLED_COLUMNS for c in self.COLUMNS]
        self._laid_out: tuple[object, ...] | None = None
        # The styles of the paint under way (None: between paints), by component class
        # ("" for the widget's own): each is a walk up the DOM, once per paint, not per row.
        self._paint_styles: dict[str, Style] | None = None
        # The lines last drawn, by line on screen, with the row they show: a focus change
        # restyles the pane's border and so has every line drawn again, the rows unchanged.
        # Kept while what every line depends on (the context) stays the same.
        self._lines: dict[int, tuple[object, Strip]] = {}
        self._lines_context: tuple[object, ...] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # ScrollView compares the compositor's container size with its own (which differ by
        # the scrollbars), so every layout of the screen redrew every pane's scrollbars:
        # kilobytes to the terminal for a change in another pane. Same sizes: nothing to do.
        sizes = (size, virtual_size, container_size, self.virtual_size, self.scroll_offset)
        if sizes == self._laid_out:
            return False
        self._laid_out = sizes
        return super()._size_updated(size, virtual_size, container_size, layout)

    # DataTable-compatible queries -------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._table_rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def rows(self) -> list[RowRef]:
        return [RowRef(key) for key, _ in self._table_rows]

    @property
    def selected_key(self) -> str | None:
        if not self._table_rows:
            return None
        return self._table_rows[self._cursor][0]

    def get_row_index(self, key: str) -> int:
        return self._index[key]

    def get_row(self, key: str) -> list[Text]:
        return [Text(cell) for cell in self._table_rows[self._index[key]][1]]

    def get_row_at(self, index: int) -> list[Text]:
        return [Text(cell) for cell in self._table_rows[index][1]]

    def get_cell(self, key: str, column_key: str) -> Text:
        position = next(i for i, c in enumerate(self.COLUMNS) if c.key == column_key)
        return Text(self._table_rows[self._index[key]][1][position])

    # Updating ---------------------------------------------------------------------------

    def set_rows(self, rows: list[Row]) -> None:
        """Replace the rows; the cursor stays on the same key when it is still there."""
        selected = self.selected_key
        old_rows, old_widths = self._table_rows, self._widths
        self._table_rows = rows
        self._index = {key: i for i, (key, _) in enumerate(rows)}
        self._widths = self._measure(rows)
        total = sum(self._widths) + CELL_GAP * len(self._widths)
        self.virtual_size = Size(total, len(rows) + 1)
        if selected is not None and selected in self._index:
            self._cursor = self._index[selected]
        self._cursor = max(0, min(self._cursor, len(rows) - 1))
        if self._widths != old_widths:
            self.refresh()  # every column after the wider one moves
        else:
            self._refresh_changed(old_rows)
        self._scroll_to_cursor()
        if self.selected_key != selected and self.selected_key is not None:
            self.post_message(self.RowHighlighted(self, self.selected_key))

    def replace_rows(self, rows: Sequence[Row]) -> None:
        """New cells for rows already shown (by key), in place: the cost is that of ROWS,
        whatever the table holds. Only what changed on screen is redrawn; the columns are
        measured again only when a cell could change their width."""
        remeasure = False
        top, height, width = int(self.scroll_offset.y), self.size.height, self.size.width
        for key, cells in rows:
            position = self._index[key]
            before = self._table_rows[position][1]
            if before == cells:
                continue
            self._table_rows[position] = (key, cells)
            remeasure = remeasure or self._may_resize(before, cells)
            if top <= position < top + height:
                self.refresh(Region(0, position - top + 1, width, 1))
        if remeasure:
            widths = self._measure(self._table_rows)
            if widths != self._widths:
                self._widths = widths
                total = sum(widths) + CELL_GAP * len(widths)
                self.virtual_size = Size(total, len(self._table_rows) + 1)
                self.refresh()

    def _may_resize(self, before: tuple[str, ...], after: tuple[str, ...]) -> bool:
        """Whether a row going from BEFORE to AFTER may widen or narrow a column."""
        for column, (old, new) in enumerate(zip(before, after, strict=True)):
            if self.COLUMNS[column].width or len(old) == len(new):
                continue
            width = self._widths[column]
            after_len, before_len = min(len(new), MAX_COLUMN_WIDTH), min(len(old), MAX_COLUMN_WIDTH)
            if after_len > width or before_len >= width > after_len:
                return True
        return False

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show COLUMNS from now on. Rows with as many cells must follow at once (set_rows,
        in the same turn of the event loop, before any repaint); the cursor then stays on
        its row."""
        self.COLUMNS = tuple(columns)
        self._labels = [c.label for c in self.COLUMNS]
        self._styled = [c.key in self.STYLED_COLUMNS for c in self.COLUMNS]
        self.refresh()

    def keys_on_screen(self) -> list[str]:
        """The keys of the rows in view now."""
        top = int(self.scroll_offset.y)
        lines = max(0, self._lines_on_screen - 1)  # the header takes a line
        return [key for key, _ in self._table_rows[top : top + lines]]

    def set_labels(self, labels: Sequence[str]) -> None:
        """New header labels (one per column), e.g. with a sort mark."""
        if list(labels) != self._labels:
            self._labels = list(labels)
            self.refresh(Region(0, 0, self.size.width, 1))

    def _measure(self, rows: list[Row]) -> list[int]:
        widths = [len(label) for label in self._labels]
        for column, configured in enumerate(c.width for c in self.COLUMNS):
            if configured:
                widths[column] = configured
                continue
            longest = max((len(cells[column]) for _, cells in rows), default=0)
            widths[column] = min(MAX_COLUMN_WIDTH, max(widths[column], longest))
        return widths

    def _refresh_changed(self, old_rows: list[Row]) -> None:
        """Redraw only rows whose content changed, when the layout (widths) stayed the same."""
        if len(old_rows) != len(self._table_rows):
            self.refresh()
            return
        top = int(self.scroll_offset.y)
        height = self.size.height
        for position in range(top, min(top + height, len(old_rows))):
            if old_rows[position] != self._table_rows[position]:
                self.refresh(Region(0, position - top + 1, self.size.width, 1))

    # Cursor -----------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self._table_rows:
            return
        previous = self._cursor
        self._cursor = max(0, min(row, len(self._table_rows) - 1))
        if self._cursor != previous:
            self._refresh_row(previous)
            self._refresh_row(self._cursor)
            self.post_message(self.RowHighlighted(self, self._table_rows[self._cursor][0]))
        self._scroll_to_cursor()

    def _refresh_row(self, position: int) -> None:
        line = position - int(self.scroll_offset.y) + 1
        if 0 < line < self.size.height:
            self.refresh(Region(0, line, self.size.width, 1))

    @property
    def _lines_on_screen(self) -> int:
        """Lines not covered by a scrollbar (a horizontal one hides the bottom line)."""
        return self.scrollable_content_region.height

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self._lines_on_screen - 1)
        top = int(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - max(1, self._lines_on_screen - 2))

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + max(1, self._lines_on_screen - 2))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._table_rows) - 1)

    def action_select(self) -> None:
        if self.selected_key is not None:
            self.post_message(self.RowSelected(self, self.selected_key))

    def on_focus(self) -> None:
        self._refresh_row(self._cursor)

    def on_blur(self) -> None:
        self._refresh_row(self._cursor)

    # Rendering --------------------------------------------------------------------------

    def _segments(self, cells: Sequence[str], base: Style, styled: bool) -> list[Segment]:
        segments = [Segment(" ", base)]
        for column, (cell, width) in enumerate(zip(cells, self._widths, strict=True)):
            text = cell if len(cell) <= width else cell[: width - 1] + "…"
            style = base
            if styled and self._styled[column]:
                state = self.cell_style(cell)
                if state:
                    # Only the colour: a blurred cursor row keeps its background.
                    colour = self._style(f"virtual-table--{state}").color
                    style = base + Style(color=colour)
            segments.append(Segment(text.ljust(width), style))
            segments.append(Segment(" " * CELL_GAP, base))
        return segments

    def _style(self, component: str) -> Style:
        """COMPONENT's rich style ("": the widget's own), once per paint."""
        styles = self._paint_styles
        if styles is not None and component in styles:
            return styles[component]
        style = self.get_component_rich_style(component) if component else self.rich_style
        if styles is not None:
            styles[component] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint_styles = {}
        context = (
            self.size.width,
            int(self.scroll_offset.x),
            tuple(self._widths),
            tuple(self._labels),
            self._style(""),
            self.app.theme,  # the component classes' colours come from the theme
        )
        if context != self._lines_context:
            self._lines_context = context
            self._lines.clear()
        try:
            return super().render_lines(crop)
        finally:
            self._paint_styles = None

    def render_line(self, y: int) -> Strip:
        if y == 0:
            shown: object = None  # the header: the context has all it depends on
        else:
            position = y - 1 + int(self.scroll_offset.y)
            if position < len(self._table_rows):
                cursor = position == self._cursor
                shown = (self._table_rows[position], cursor, cursor and self.has_focus)
            else:
                shown = ()
        cached = self._lines.get(y)
        if cached is not None and cached[0] == shown:
            return cached[1]
        strip = self._draw_line(y)
        self._lines[y] = (shown, strip)
        return strip

    def _draw_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self._style("")
        if y == 0:
            header = self._style("virtual-table--header")
            segments = self._segments(self._labels, base + header, styled=False)
        else:
            position = y - 1 + int(scroll_y)
            if position >= len(self._table_rows):
                return Strip.blank(width, base)
            cells = self._table_rows[position][1]
            style, styled = base, True
            if position == self._cursor:
                name = "cursor" if self.has_focus else "cursor-blurred"
                style = base + self._style(f"virtual-table--{name}")
                styled = not self.has_focus
            segments = self._segments(cells, style, styled)
        line_style = segments[0].style or base
        strip = Strip(segments).crop(int(scroll_x), int(scroll_x) + width)
        return strip.extend_cell_length(width, line_style)
