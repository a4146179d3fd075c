"""`J`: the action journal (what swarmtui did, with its result) and `e` to export it as a
shell script. Join tokens are masked on the way into the journal, so they are never shown
nor exported."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from swarmtui.actions.journal import JournalEntry
from swarmtui.ui.session_access import SessionUser
from swarmtui.ui.widgets.key_footer import KeyFooter

COLUMNS = ("TIME (UTC)", "RESULT", "COMMAND", "MESSAGE")
RELOAD_SECONDS = 1.0


def export_path(now: datetime, home: Path | None = None) -> Path:
    """~/swarmtui-journal-YYYYmmdd-HHMMSS.sh (local time)."""
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    return (home or Path.home()) / f"swarmtui-journal-{stamp}.sh"


def write_script(path: Path, script: str) -> None:
    path.write_text(script)
    os.chmod(path, 0o755)


class JournalScreen(SessionUser, Screen[None]):
    BINDINGS = [
        Binding("e", "export", "Export script", id="journal_export"),
        Binding("escape", "app.pop_screen", "Back", id="journal_back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="journal")
        self._shown = -1

    def compose(self) -> ComposeResult:
        with Vertical(id="journal-box") as box:
            box.border_title = "Action journal"
            table: DataTable[Text] = DataTable(cursor_type="row", id="journal-table")
            yield table
            yield Static(Text(""), id="journal-status")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#journal-table", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        table.focus()
        self._reload()
        self.set_interval(RELOAD_SECONDS, self._reload)

    def _row(self, entry: JournalEntry) -> tuple[Text, ...]:
        colours = self.app.get_css_variables()
        result = Text("ok", style=colours.get("success", "")) if entry.ok else Text("failed")
        if not entry.ok:
            result.stylize(colours.get("error", ""))
        return (
            Text(entry.at.astimezone(UTC).strftime("%H:%M:%S")),
            result,
            Text(entry.command),
            Text(entry.result),
        )

    def _reload(self) -> None:
        entries = self.session.journal.entries
        if len(entries) == self._shown:
            return
        table: DataTable[Text] = self.query_one("#journal-table", DataTable)
        for entry in entries[max(self._shown, 0) :]:
            table.add_row(*self._row(entry))
        self._shown = len(entries)
        count = f"{len(entries)} action{'s' if len(entries) != 1 else ''}"
        status = "Nothing done yet." if not entries else f"{count}; e exports a shell script."
        self.query_one("#journal-status", Static).update(Text(status))

    def action_export(self) -> None:
        session = self.session
        self._export(export_path(session.now()), session.journal.export_script())

    @work(thread=True, exclusive=True, group="journal-export")
    def _export(self, path: Path, script: str) -> None:
        try:
            write_script(path, script)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Export failed: {exc}", severity="error", timeout=8
            )
            return
        self.app.call_from_thread(self.notify, f"Journal exported to {path}", timeout=8)
