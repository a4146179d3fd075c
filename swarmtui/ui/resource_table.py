"""A pane's table: rows by object key, filtered by substring or regex, titled with counts."""

from __future__ import annotations

import re

from swarmtui.columns import state_style
from swarmtui.ui.read_only import allowed
from swarmtui.ui.virtual_table import Row, VirtualTable


def compile_filter(pattern: str) -> re.Pattern[str]:
    """A case-insensitive regex; text that is not a valid regex matches literally."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(pattern), re.IGNORECASE)


class ResourceTable(VirtualTable):
    TITLE = ""
    cell_style = staticmethod(state_style)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._all_rows: list[Row] = []
        self.filter_text = ""
        self._filter: re.Pattern[str] | None = None

    def on_mount(self) -> None:
        self._update_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self.app, action)

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._filter = compile_filter(text) if text else None
        self.set_rows(self._visible(self._all_rows))
        self._update_title()

    def show_rows(self, rows: list[Row]) -> None:
        self._all_rows = rows
        self.set_rows(self._visible(rows))
        self._update_title()

    def _visible(self, rows: list[Row]) -> list[Row]:
        pattern = self._filter
        if pattern is None:
            return rows
        return [row for row in rows if any(pattern.search(cell) for cell in row[1])]

    def restyle(self) -> None:
        """Re-colour state cells, e.g. after a theme change."""
        self.refresh()

    def _update_title(self) -> None:
        total = len(self._all_rows)
        count = f"{self.row_count}/{total}" if self._filter else str(total)
        title = f"{self.TITLE} ({count})"
        if self.filter_text:
            title += f" /{self.filter_text}"
        self.border_title = title
