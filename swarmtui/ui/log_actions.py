"""`L` in the services and tasks panes: open the live logs of the selected object."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from swarmtui.logs.log_target import LogTarget
from swarmtui.logs.ring_buffer import DEFAULT_CAPACITY
from swarmtui.ui.screens.log_screen import LogScreen

LOGS_BINDING = Binding("L", "logs", "Logs", id="logs")


def open_logs(app: App[None], target: LogTarget | None, what: str) -> None:
    if target is None:
        app.notify(f"Select a {what} first.", severity="warning")
        return
    config = getattr(app, "config", None)
    capacity = int(getattr(config, "log_buffer_lines", DEFAULT_CAPACITY))
    app.push_screen(LogScreen(target, capacity))
