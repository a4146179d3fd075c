"""`C` (and `:ctx` in the palette): where the console can connect, the docker contexts, the
hosts of the config and the known machines' swarms; `enter` switches the session to the
chosen one without restarting the console."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from swarmtui.core.contexts import ContextChoice
from swarmtui.ui.messages import ReconnectRequested
from swarmtui.ui.session_access import SessionUser
from swarmtui.ui.widgets.key_footer import KeyFooter

COLUMNS = ("", "NAME", "KIND", "ENDPOINT")
IN_USE = "●"


class ContextsScreen(SessionUser, Screen[None]):
    DEFAULT_CSS = """
    #contexts-box { border: round $accent; padding: 0 1; }
    #contexts-table { height: 1fr; }
    #contexts-status { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "switch", "Switch", id="contexts_switch"),
        Binding("escape", "app.pop_screen", "Back", id="contexts_back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="contexts")
        self.choices: list[ContextChoice] = []
        self.loaded = False

    @property
    def busy(self) -> bool:
        """Reading the contexts: keys typed ahead (`down enter`) wait for the list."""
        return not self.loaded

    def compose(self) -> ComposeResult:
        with Vertical(id="contexts-box") as box:
            box.border_title = "Contexts"
            table: DataTable[Text] = DataTable(cursor_type="row", id="contexts-table")
            yield table
            yield Static(Text("Reading the contexts…"), id="contexts-status")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#contexts-table", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label or "in-use")
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="contexts")
    def _load(self) -> None:
        choices = self.session.contexts()
        self.app.call_from_thread(self._show, choices)

    def _show(self, choices: list[ContextChoice]) -> None:
        self.choices = choices
        self.loaded = True
        session = self.session
        table: DataTable[Text] = self.query_one("#contexts-table", DataTable)
        table.clear()
        current_row = 0
        for index, choice in enumerate(choices):
            in_use = choice.name == session.context_name or (
                not session.context_name
                and choice.endpoint is not None
                and choice.endpoint.display == session.endpoint_label
            )
            if in_use:
                current_row = index
            where = Text(choice.where)
            if choice.endpoint is None:
                where.stylize(self.app.get_css_variables().get("error", ""))
            table.add_row(
                Text(IN_USE if in_use else ""), Text(choice.name), Text(choice.detail), where
            )
        if choices:
            table.move_cursor(row=current_row)
        read_only = ", ".join(session.config.read_only_contexts)
        status = "enter: connect to the selected one; the console stays open."
        if read_only:
            status += f"  Read-only: {read_only}."
        if not session.can_switch:
            status = "This console cannot connect elsewhere (demo)."
        self.query_one("#contexts-status", Static).update(Text(status))

    @on(DataTable.RowSelected, "#contexts-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_switch()

    def action_switch(self) -> None:
        table = self.query_one("#contexts-table", DataTable)
        if not self.choices or not self.session.can_switch:
            return
        choice = self.choices[table.cursor_row]
        if choice.endpoint is None:
            self.notify(f"{choice.name}: {choice.error}", severity="error", timeout=6)
            return
        self.session.switch_to(choice.endpoint, choice.name)
        self.notify(f"Connecting to {choice.name} ({choice.endpoint.display})", timeout=4)
        self.app.post_message(ReconnectRequested())
