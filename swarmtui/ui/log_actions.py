"""`L` in the services, tasks and stacks panes: open the live logs of the selected object."""

from __future__ import annotations

from textual.binding import Binding
from textual.message_pump import MessagePump

from swarmtui.logs.log_target import LogSelection, LogTarget
from swarmtui.ui.session_access import session_of

LOGS_BINDING = Binding("L", "logs", "Logs", id="logs")


def open_logs(opener: MessagePump, target: LogTarget | LogSelection | None, what: str) -> None:
    if target is None:
        opener.app.notify(f"Select a {what} first.", severity="warning")
        return
    from swarmtui.ui.screens.log_screen import LogScreen  # the logs code: when first used

    capacity = session_of(opener).config.log_buffer_lines
    opener.app.push_screen(LogScreen(target, capacity))
