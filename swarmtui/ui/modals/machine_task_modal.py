"""Join, leave, start, stop, remove or retire a machine: the question, one button per choice
(Cancel has the focus), the equivalent command of the focused choice, then a live log of each
step and the outcome (a MachineError's plain explanation and hint when it fails). A task that
needs no confirmation (start) runs its only choice as soon as the modal opens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from swarmtui.machines.model import StepLog
from swarmtui.machines.service import MachineService
from swarmtui.ui.modals.machine_modal import MachineModal, failure
from swarmtui.ui.session_access import guard


@dataclass(frozen=True)
class MachineChoice:
    """One button: its label, the equivalent command, and what it runs on the service."""

    id: str
    label: str
    command: str
    run: Callable[[MachineService, StepLog], None]
    done: str  # shown when it succeeded
    variant: Literal["primary", "error"] = "primary"


def machine_error_text(message: str, hint: str, colours: dict[str, str]) -> Text:
    text = Text(message, style=colours.get("error", "red"))
    if hint:
        text.append("\n")
        text.append(hint, style="dim")  # $text-muted is no Rich colour
    return text


class MachineTaskModal(MachineModal):
    """Dismissed with True when the chosen task succeeded."""

    def __init__(
        self,
        title: str,
        question: str,
        warning: str,
        choices: Sequence[MachineChoice],
        action: str,
        *,
        run_now: bool = False,
    ) -> None:
        super().__init__(title)
        self.add_class("machine-task")
        self.question = question
        self.warning = warning
        self.choices = {choice.id: choice for choice in choices}
        self.action = action  # the read-only gate of every choice
        self.run_now = run_now  # run the first choice right away: no question to answer
        self.succeeded = False
        self.chosen: MachineChoice | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(Text(self.question, style="bold"), id="confirm-question")
        if self.warning:
            yield Static(Text(self.warning), id="confirm-warning")
        with Horizontal(id="confirm-buttons"):
            yield Button("Cancel", id="cancel")
            for choice in self.choices.values():
                yield Button(choice.label, id=choice.id, variant=choice.variant)
        with Vertical(id="machine-task-log-box"):
            yield self.step_log()

    def on_mount(self) -> None:
        self.query_one("#machine-task-log-box").display = False
        first = next(iter(self.choices.values()), None)
        self.show_command(first.command if first else "")
        self.query_one("#cancel", Button).focus()
        if self.run_now and first is not None and guard(self.app, self.action):
            self.begin(first)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        choice = self.choices.get(event.widget.id or "")
        if choice is not None and not self.running:
            self.show_command(choice.command)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        choice = self.choices.get(event.button.id or "")
        if choice is None:
            self.action_cancel()
        elif not self.running and not self.succeeded and guard(self.app, self.action):
            self.begin(choice)

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(self.succeeded)

    # Running ----------------------------------------------------------------------------

    def begin(self, choice: MachineChoice) -> None:
        service = self.machine_service()
        if service is None:
            return
        self.running = True
        self.chosen = choice
        self.show_command(choice.command)
        for button_id in self.choices:
            self.query_one(f"#{button_id}", Button).disabled = True
        self.query_one("#machine-task-log-box").display = True
        self.query_one("#modal-error", Static).update(Text("working…"))
        self._run(choice)

    @work(thread=True, exclusive=True, group="machine-task")
    def _run(self, choice: MachineChoice) -> None:
        app = self.app
        log = self.thread_log()
        try:
            self.session.run_machine_task(choice.command, lambda service: choice.run(service, log))
        except Exception as exc:  # never a traceback: say what failed
            app.call_from_thread(self._failed, *failure(exc))
            return
        app.call_from_thread(self._succeeded)

    def _failed(self, message: str, hint: str) -> None:
        if not self.is_mounted:
            return
        self.running = False
        self.write_log(f"✗ {message}")
        for button_id in self.choices:
            self.query_one(f"#{button_id}", Button).disabled = False
        colours = self.app.get_css_variables()
        self.query_one("#modal-error", Static).update(machine_error_text(message, hint, colours))

    def _succeeded(self) -> None:
        if not self.is_mounted:
            return
        self.running = False
        self.succeeded = True
        done = self.chosen.done if self.chosen else "Done."
        colour = self.app.get_css_variables().get("success", "green")
        self.query_one("#modal-error", Static).update(Text(done, style=colour))
        for button_id in self.choices:
            self.query_one(f"#{button_id}", Button).display = False
        close = self.query_one("#cancel", Button)
        close.label = "Close"
        close.focus()
