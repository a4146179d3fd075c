"""`V`: the swarm's events (service, node, secret, config, network) as they arrive, after
the ones the engine still held when the session connected; newest first.

`/` filters as on the main screen (text or regex; `type:service` keeps one type); opened
from a selected object, only that object's events are shown until `x` shows them all.
The events come from the session's one event stream (its ring of recent events).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from swarmtui.display.events import EventRow, event_row, matches
from swarmtui.ui.session_access import SessionUser
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.key_footer import KeyFooter

COLUMNS = ("TIME (UTC)", "OBJECT", "ACTION", "CHANGES")
RELOAD_SECONDS = 0.5


class EventsScreen(SessionUser, Screen[None]):
    DEFAULT_CSS = """
    #events-box { border: round $accent; padding: 0 1; }
    #events-table { height: 1fr; }
    #events-status { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="events_filter"),
        Binding("x", "all_objects", "All objects", id="events_all_objects"),
        Binding("escape", "app.pop_screen", "Back", id="events_back"),
    ]

    def __init__(self, actor_id: str | None = None, object_label: str = "") -> None:
        super().__init__(classes="events")
        self.actor_id = actor_id
        self.object_label = object_label
        self.filter_text = ""
        self._shown_count = -1
        self.rows: list[EventRow] = []  # what the table shows, newest first

    def compose(self) -> ComposeResult:
        with Vertical(id="events-box") as box:
            box.border_title = "Events"
            yield Static(Text(""), id="events-status")
            table: DataTable[Text] = DataTable(cursor_type="row", id="events-table")
            yield table
        filter_bar = FilterBar()
        filter_bar.display = False
        yield filter_bar
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#events-table", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        table.focus()
        self._reload()
        self.set_interval(RELOAD_SECONDS, self._reload)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "all_objects":
            return self.actor_id is not None
        return True

    # Rows -------------------------------------------------------------------------------

    def _reload(self, force: bool = False) -> None:
        ring = self.session.model.events
        if ring.added == self._shown_count and not force:
            return
        self._shown_count = ring.added
        rows = [event_row(e) for e in reversed(ring.events())]
        self.rows = [r for r in rows if matches(r, self.filter_text, self.actor_id)]
        table: DataTable[Text] = self.query_one("#events-table", DataTable)
        with self.app.batch_update():
            table.clear()
            for row in self.rows:
                table.add_row(*self._cells(row))
        self._show_status(len(rows))

    def _cells(self, row: EventRow) -> tuple[Text, ...]:
        colours = self.app.get_css_variables()
        action_style = {"remove": "error", "create": "success"}.get(row.action, "")
        return (
            Text(row.time),
            Text(row.object, style=colours.get("accent", "") if row.kind == "service" else ""),
            Text(row.action, style=colours.get(action_style, "")),
            Text(row.changes, no_wrap=True, overflow="ellipsis"),
        )

    def _show_status(self, total: int) -> None:
        parts = [f"{len(self.rows)} of {total} events"]
        # The filter first: what was typed stays in view when a long object name is cut.
        if self.filter_text:
            parts.append(f"matching {self.filter_text!r}")
        if self.actor_id is not None:
            parts.append(f"of {self.object_label or self.actor_id[:12]} (x: all objects)")
        if not self.session.model.events_connected:
            parts.append("(event stream reconnecting)")
        self.query_one("#events-status", Static).update(Text("  ".join(parts)))

    # Filter -----------------------------------------------------------------------------

    def action_all_objects(self) -> None:
        self.actor_id = None
        self.object_label = ""
        self._reload(force=True)
        self.refresh_bindings()

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.value = self.filter_text
        bar.display = True
        bar.focus()

    @on(Input.Changed, "FilterBar")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self._reload(force=True)

    @on(Input.Submitted, "FilterBar")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._close_filter()

    @on(FilterBar.Cancelled)
    def _filter_cancelled(self, event: FilterBar.Cancelled) -> None:
        self.filter_text = ""
        self._reload(force=True)
        self._close_filter()

    def _close_filter(self) -> None:
        self.query_one(FilterBar).display = False
        self.query_one("#events-table", DataTable).focus()
