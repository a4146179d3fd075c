"""`w` on a task: why it is not running, in plain words, with the evidence and what to try.

The facts beyond the snapshot (the task's log, its container's state on the node's own
engine, the swarm's tasks and objects) are fetched by the session on a worker thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from swarmtui.core.errors import BackendError
from swarmtui.core.models import Task
from swarmtui.diagnosis.why_text import WHY_TITLE, why_lines
from swarmtui.ui.session_access import session_of
from swarmtui.ui.why_render import why_rich
from swarmtui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:  # the diagnosis is imported when a task is asked why (session.diagnose_task)
    from swarmtui.session.why import TaskDiagnosis


class WhyScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "reload", "Look again", id="why_reload"),
        Binding("escape", "app.pop_screen", "Back", id="why_back"),
        Binding("j", "scroll_down", "Down", show=False, id="why_down"),
        Binding("k", "scroll_up", "Up", show=False, id="why_up"),
    ]

    def __init__(self, task: Task, title: str) -> None:
        super().__init__(classes="why")
        self.task_shown = task
        self.heading = title
        self.diagnosis: TaskDiagnosis | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-body") as body:
            body.border_title = f"{WHY_TITLE} {self.heading}"
            yield Static(Text(LOOKING), id="why-text")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#why-body").focus()
        self._load()

    def action_reload(self) -> None:
        self.query_one("#why-text", Static).update(Text(LOOKING))
        self._load()

    @work(thread=True, exclusive=True, group="why")
    def _load(self) -> None:
        try:
            diagnosis = session_of(self).diagnose_task(self.task_shown)
        except BackendError as exc:
            self.app.call_from_thread(self._show_error, exc)
            return
        self.app.call_from_thread(self._show, diagnosis)

    def _show(self, diagnosis: TaskDiagnosis) -> None:
        self.diagnosis = diagnosis
        lines = why_lines(diagnosis.explanation, diagnosis.not_known, self.task_shown.state)
        self.query_one("#why-text", Static).update(why_rich(lines))

    def _show_error(self, error: BackendError) -> None:
        text = Text(f"{error.message}\n{error.hint}", style="bold")
        self.query_one("#why-text", Static).update(text)

    def action_scroll_down(self) -> None:
        self.query_one("#why-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#why-body", VerticalScroll).scroll_up()


LOOKING = "Looking at the task, its node and its log…"
