"""The `/` filter input for the focused pane: substring, or a regex when it is one."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from swarmtui.ui.widgets.field_input import FieldInput


class FilterBar(FieldInput):
    BINDINGS = [Binding("escape", "cancel", "Clear filter", id="filter_cancel")]

    class Cancelled(Message):
        pass

    def __init__(self) -> None:
        super().__init__(
            placeholder="filter: text or regex, enter to keep, esc to clear", id="filter-bar"
        )

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(self.Cancelled())
