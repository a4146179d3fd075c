"""A clear explanation instead of a traceback: unreachable, permission, API, worker, URL."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.ui.messages import ReconnectRequested
from swarmtui.ui.session_access import session_of
from swarmtui.ui.widgets.key_footer import KeyFooter

AUTO_RETRY = (ProblemKind.UNREACHABLE, ProblemKind.QUORUM_LOST)
AUTO_RETRY_SECONDS = 3.0


class ProblemScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "app.reconnect", "Retry", id="problem_retry"),
    ]

    def __init__(self, error: BackendError, endpoint: str) -> None:
        super().__init__(classes="problem")
        self.error = error
        self.endpoint = endpoint

    def on_mount(self) -> None:
        if self.error.kind in AUTO_RETRY:
            self.set_interval(AUTO_RETRY_SECONDS, self._probe)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # nothing to retry for a malformed URL: the URL itself must change
        return not (action == "reconnect" and self.error.kind is ProblemKind.MALFORMED_ENDPOINT)

    @work(thread=True, exclusive=True, group="problem-probe")
    def _probe(self) -> None:
        """Connect by itself once the engine (or quorum) is back."""
        if session_of(self).probe():
            self.app.post_message(ReconnectRequested())

    def compose(self) -> ComposeResult:
        with Vertical(id="problem-box") as box:
            box.border_title = self.error.kind.value
            yield Static(Text(self.error.message, style="bold"), id="problem-message")
            if self.error.hint:
                yield Static(Text(self.error.hint), id="problem-hint")
            yield Static(Text(self._next_step()), id="problem-next")
        yield KeyFooter(show_command_palette=False)

    def _next_step(self) -> str:
        if self.error.kind is ProblemKind.MALFORMED_ENDPOINT:
            return "Fix the --host value or the docker context, then start swarmtui again."
        target = f" ({self.endpoint})" if self.endpoint else ""
        if self.error.kind in AUTO_RETRY:
            return f"Retrying every {AUTO_RETRY_SECONDS:.0f} s{target}; r to retry now, q to quit."
        return f"Press r to try again{target}, q to quit."
