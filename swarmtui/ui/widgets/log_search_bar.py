"""The `/` search input of the log view: text or regex, case-insensitive."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from swarmtui.ui.widgets.field_input import FieldInput


class LogSearchBar(FieldInput):
    BINDINGS = [Binding("escape", "cancel", "Clear search", id="logs_search_cancel")]

    class Cancelled(Message):
        pass

    def __init__(self) -> None:
        super().__init__(
            placeholder="search: text or regex, enter to jump, esc to clear", id="log-search"
        )

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(self.Cancelled())
