"""A DataTable that is updated in place by row key and filtered by substring or regex."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from swarmtui.columns import Column, state_style
from swarmtui.ui.read_only import allowed

Row = tuple[str, tuple[str, ...]]  # (object id, cells)


def compile_filter(pattern: str) -> re.Pattern[str]:
    """A case-insensitive regex; text that is not a valid regex matches literally."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(pattern), re.IGNORECASE)


class ResourceTable(DataTable[Text]):
    BINDINGS = [
        Binding("enter", "select_cursor", "Inspect", id="inspect"),
        Binding("j", "cursor_down", "Down", show=False, id="cursor_down_j"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor_up_k"),
        Binding("g", "scroll_top", "Top", show=False, id="cursor_top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="cursor_bottom"),
    ]

    COLUMNS: Sequence[Column] = ()
    STYLED_COLUMNS: frozenset[str] = frozenset()
    TITLE = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._rows: dict[str, tuple[str, ...]] = {}
        self._all_rows: list[Row] = []
        self.filter_text = ""
        self._filter: re.Pattern[str] | None = None

    def on_mount(self) -> None:
        for column in self.COLUMNS:
            self.add_column(column.label, key=column.key, width=column.width)
        self._update_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self.app, action)

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._filter = compile_filter(text) if text else None
        self._apply(self._all_rows)
        self._update_title()

    def show_rows(self, rows: list[Row]) -> None:
        self._all_rows = rows
        self._apply(rows)
        self._update_title()

    def _visible(self, rows: list[Row]) -> list[Row]:
        pattern = self._filter
        if pattern is None:
            return rows
        return [row for row in rows if any(pattern.search(cell) for cell in row[1])]

    def _cell(self, column: Column, value: str) -> Text:
        if column.key in self.STYLED_COLUMNS:
            style_var = state_style(value)
            if style_var:
                colour = self.app.get_css_variables().get(style_var)
                if colour:
                    return Text(value, style=colour)
        return Text(value)

    def _apply(self, rows: list[Row]) -> None:
        """Update by key: remove vanished rows, update changed cells, add new rows."""
        visible = self._visible(rows)
        selected = self.selected_key
        wanted = dict(visible)
        for key in [k for k in self._rows if k not in wanted]:
            self.remove_row(key)
            del self._rows[key]
        order_changed = False
        for key, cells in visible:
            old = self._rows.get(key)
            if old is None:
                self.add_row(*self._cells(cells), key=key)
                order_changed = True
            elif old != cells:
                for column, old_value, value in zip(self.COLUMNS, old, cells, strict=True):
                    if old_value != value:
                        self.update_cell(key, column.key, self._cell(column, value))
            self._rows[key] = cells
        if order_changed and list(self._rows) != [k for k, _ in visible]:
            # Rows are keyed by object id and the first column shows that id, so the id cell
            # tells each row's wanted position.
            position = {cells[0]: index for index, (_, cells) in enumerate(visible)}
            self.sort(self.COLUMNS[0].key, key=lambda cell: position.get(cell.plain, 0))
            self._rows = {key: self._rows[key] for key, _ in visible}
        self._restore_cursor(selected)

    def _cells(self, cells: tuple[str, ...]) -> list[Text]:
        return [self._cell(c, v) for c, v in zip(self.COLUMNS, cells, strict=True)]

    def _restore_cursor(self, selected: str | None) -> None:
        if selected is None or selected not in self._rows:
            return
        try:
            index = self.get_row_index(selected)
        except RowDoesNotExist:
            return
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)

    def restyle(self) -> None:
        """Re-colour state cells, e.g. after a theme change."""
        for key, cells in self._rows.items():
            for column, value in zip(self.COLUMNS, cells, strict=True):
                if column.key in self.STYLED_COLUMNS:
                    self.update_cell(key, column.key, self._cell(column, value))

    def _update_title(self) -> None:
        total = len(self._all_rows)
        shown = len(self._rows)
        count = f"{shown}/{total}" if self._filter else str(total)
        title = f"{self.TITLE} ({count})"
        if self.filter_text:
            title += f" /{self.filter_text}"
        self.border_title = title
