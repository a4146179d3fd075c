"""A clear explanation instead of a traceback: unreachable, permission, API, worker, URL."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from swarmtui.problems import BackendError, ProblemKind


class ProblemScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "app.reconnect", "Retry", id="problem_retry"),
    ]

    def __init__(self, error: BackendError, endpoint: str) -> None:
        super().__init__(classes="problem")
        self.error = error
        self.endpoint = endpoint

    def compose(self) -> ComposeResult:
        with Vertical(id="problem-box") as box:
            box.border_title = self.error.kind.value
            yield Static(Text(self.error.message, style="bold"), id="problem-message")
            if self.error.hint:
                yield Static(Text(self.error.hint), id="problem-hint")
            yield Static(Text(self._next_step()), id="problem-next")
        yield Footer(show_command_palette=False)

    def _next_step(self) -> str:
        if self.error.kind is ProblemKind.MALFORMED_ENDPOINT:
            return "Fix the --host value or the docker context, then start swarmtui again."
        target = f" ({self.endpoint})" if self.endpoint else ""
        return f"Press r to try again{target}, q to quit."
