"""A pane's table: rows by object key, sorted by a column, filtered by substring or regex,
titled with counts and the sort."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from swarmtui.core.search_pattern import search_pattern
from swarmtui.display.columns import Column, state_style
from swarmtui.display.sorting import (
    UNKNOWN,
    SortKey,
    SortOrder,
    natural_key,
    reverse_sort,
    step_sort,
)
from swarmtui.ports import ObjectKind
from swarmtui.ui.session_access import allowed
from swarmtui.ui.widgets.virtual_table import Row, VirtualTable

# column key -> {row key: sort key}, or None when the column sorts by its cell text
SortValues = Callable[[str], Mapping[str, SortKey] | None]
RowFilter = Callable[[Row], bool]

SORT_BINDINGS: list[BindingType] = [
    Binding(">", "sort_next", "Sort next column", show=False, id="sort_next_column"),
    Binding("<", "sort_previous", "Sort prev column", show=False, id="sort_prev_column"),
    Binding("!", "sort_reverse", "Reverse sort", show=False, id="sort_reverse"),
]
ASCENDING_MARKS = ("↑", "▲")  # title, column header
DESCENDING_MARKS = ("↓", "▼")


def _no_sort_values(column: str) -> None:
    return None


def cells_matching(pattern: re.Pattern[str]) -> RowFilter:
    return lambda row: any(pattern.search(cell) for cell in row[1])


class ResourceTable(VirtualTable):
    # Added to VirtualTable's keys (Textual merges BINDINGS along the class hierarchy).
    BINDINGS: ClassVar[list[BindingType]] = SORT_BINDINGS
    TITLE = ""
    KIND: ClassVar[ObjectKind | None] = None  # what `enter` inspects
    cell_style = staticmethod(state_style)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._all_rows: list[Row] = []  # in the pane's own order, as last shown
        self._ordered: list[Row] = []  # the same rows in the sort order
        # _all_rows and _ordered with each key's position, once update_rows needed it
        self._positions: list[tuple[list[Row], dict[str, int]]] = []
        self._sort_values: SortValues = _no_sort_values
        self.sort: SortOrder | None = None
        self.filter_text = ""
        self._filter: RowFilter | None = None

    def on_mount(self) -> None:
        self._update_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self.app, action)

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._filter = self.row_filter(text) if text else None
        self.set_rows(self._visible(self._ordered))
        self._update_title()

    def row_filter(self, text: str) -> RowFilter:
        """What keeps a row for the filter TEXT: any cell matching it (see search_pattern)."""
        return cells_matching(search_pattern(text))

    def show_rows(self, rows: list[Row], sort_values: SortValues | None = None) -> None:
        """Show ROWS (in the pane's own order). SORT_VALUES gives the real values behind
        cells that do not sort as text; it is only called while a sort is on, and only when
        the rows changed: an unchanged refresh keeps the order it has."""
        self._sort_values = sort_values or _no_sort_values
        if self.sort is None:
            self._ordered = rows
        elif rows != self._all_rows:
            self._ordered = self._sorted(rows)
        self._all_rows = rows
        self.set_rows(self._visible(self._ordered))
        self._update_title()

    def update_rows(self, rows: Sequence[Row]) -> bool:
        """New cells for rows already shown, each staying where it is: the cost is that of
        ROWS, not of the table. False, and nothing done, when a row would move (its sort
        cell changed, the filter now takes it or leaves it, or its key is not shown): then
        show_rows with all the rows."""
        keep = self._filter
        order = self.sort
        sorted_at = None
        if order is not None:
            sorted_at = next(i for i, c in enumerate(self.COLUMNS) if c.key == order.column)
        at_all = self._positions_in(self._all_rows)
        shown: list[Row] = []
        for row in rows:
            at = at_all.get(row[0])
            if at is None:
                return False
            before = self._all_rows[at]
            if sorted_at is not None and before[1][sorted_at] != row[1][sorted_at]:
                return False
            visible = keep is None or keep(row)
            if keep is not None and keep(before) != visible:
                return False
            if visible:
                shown.append(row)
        self.replace_rows(shown)  # first: the lists below may be the table's own
        for held in {id(r): r for r in (self._ordered, self._all_rows)}.values():
            if held is self._table_rows:
                continue
            positions = self._positions_in(held)
            for row in rows:
                held[positions[row[0]]] = row
        return True

    def _positions_in(self, rows: list[Row]) -> dict[str, int]:
        """Each key's position in ROWS (_all_rows or _ordered), worked out once per list."""
        if rows is self._table_rows:
            return self._index
        current = [(r, p) for r, p in self._positions if r is self._all_rows or r is self._ordered]
        found = next((p for r, p in current if r is rows), None)
        if found is None:
            found = {key: i for i, (key, _) in enumerate(rows)}
            current.append((rows, found))
        self._positions = current
        return found

    def _visible(self, rows: list[Row]) -> list[Row]:
        keep = self._filter
        if keep is None:
            return rows
        return [row for row in rows if keep(row)]

    def restyle(self) -> None:
        """Re-colour state cells, e.g. after a theme change."""
        self.refresh()

    # Sorting ----------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Other columns (then show_rows): a sort on a column that went away is dropped."""
        if self.sort is not None and all(c.key != self.sort.column for c in columns):
            self.sort = None
        super().set_columns(columns)
        self._all_rows, self._ordered = [], []
        self.set_labels([c.label + self._mark(c.key, 1) for c in self.COLUMNS])
        self._update_title()

    @property
    def sortable_columns(self) -> list[str]:
        return [c.key for c in self.COLUMNS if c.sortable]

    def set_sort(self, order: SortOrder | None) -> None:
        """Sort by ORDER (None: the pane's own order); the cursor stays on its object."""
        self.sort = order
        self._ordered = self._sorted(self._all_rows)
        self.set_labels([c.label + self._mark(c.key, 1) for c in self.COLUMNS])
        self.set_rows(self._visible(self._ordered))
        self._update_title()

    def action_sort_next(self) -> None:
        self.set_sort(step_sort(self.sort, self.sortable_columns, 1))

    def action_sort_previous(self) -> None:
        self.set_sort(step_sort(self.sort, self.sortable_columns, -1))

    def action_sort_reverse(self) -> None:
        self.set_sort(reverse_sort(self.sort, self.sortable_columns))

    def _mark(self, column: str, which: int) -> str:
        """The sort arrow for COLUMN (WHICH: 0 the title's, 1 the header's), if sorted by it."""
        order = self.sort
        if order is None or order.column != column:
            return ""
        return (DESCENDING_MARKS if order.descending else ASCENDING_MARKS)[which]

    def _sorted(self, rows: list[Row]) -> list[Row]:
        """ROWS in the sort order; stable, so rows with equal keys keep the pane's order."""
        order = self.sort
        if order is None:
            return rows
        position = next(i for i, c in enumerate(self.COLUMNS) if c.key == order.column)
        values = self._sort_values(order.column)

        def key(row: Row) -> SortKey:
            if values is None:
                return natural_key(row[1][position])
            return values.get(row[0], UNKNOWN)

        return sorted(rows, key=key, reverse=order.descending)

    def _sort_title(self) -> str:
        order = self.sort
        if order is None:
            return ""
        label = next(c.label for c in self.COLUMNS if c.key == order.column)
        return f" {self._mark(order.column, 0)}{label}"

    def _update_title(self) -> None:
        title = self.title_text()
        if title != self.border_title:  # setting it redraws the whole pane
            self.border_title = title

    def title_text(self) -> str:
        """The pane's title: its name, counts, sort and filter."""
        total = len(self._all_rows)
        count = f"{self.row_count}/{total}" if self._filter else str(total)
        title = f"{self.TITLE} ({count}){self._sort_title()}"
        if self.filter_text:
            title += f" /{self.filter_text}"
        return title
