"""`?`: every key binding, its id (for the config file) and what it does."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


def binding_rows(
    groups: Iterable[tuple[str, Iterable[Binding | tuple[str, ...]]]], keymap: dict[str, str]
) -> list[tuple[str, str, str, str]]:
    rows = []
    for where, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.id:
                continue
            key = keymap.get(binding.id, binding.key_display or binding.key)
            rows.append((where, key, binding.description or binding.action, binding.id))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Close", id="help_close"),
        Binding("question_mark", "app.pop_screen", "Close", show=False, id="help_close_q"),
    ]

    def __init__(
        self, rows: list[tuple[str, str, str, str]], config_path: str, first_row: int = 0
    ) -> None:
        """FIRST_ROW: where the cursor starts (the rows of the screen help was asked on)."""
        super().__init__(classes="help")
        self.rows = rows
        self.config_path = config_path
        self.first_row = first_row

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = "Keys"
            table: DataTable[Text] = DataTable(cursor_type="row", id="help-table")
            yield table
            yield Static(
                Text(f'Remap in {self.config_path} under [keys], e.g. refresh = "f5"'),
                id="help-footer",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("WHERE", "KEY", "ACTION", "ID"):
            table.add_column(label)
        for row in self.rows:
            table.add_row(*(Text(cell) for cell in row))
        if self.first_row:
            table.move_cursor(row=self.first_row, animate=False)
        table.focus()
