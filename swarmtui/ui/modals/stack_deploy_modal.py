"""Deploy a stack from the console: compose files (with path completion), the stack name and
the options; the file is read and checked as it is typed, the equivalent `docker stack
deploy` is on show, each object appears as it is created or updated, then every service's
convergence until all run or one fails."""

from __future__ import annotations

import glob
import os
import shlex
import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Label, Static

from swarmtui.actions.operations import Operation
from swarmtui.actions.stack_operations import deploy_operation
from swarmtui.core.errors import BackendError
from swarmtui.core.models import Service
from swarmtui.stacks.compose_file import ComposeFileError
from swarmtui.stacks.deploy import StackStep
from swarmtui.stacks.plan import StackSource
from swarmtui.stacks.status import stack_of, stack_services_converged
from swarmtui.ui.help_key import field_help_binding
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.session_access import session_of
from swarmtui.ui.widgets.field_input import FieldInput

CONVERGENCE_POLL = 1.0


class PathSuggester(Suggester):
    """Completes the last path typed (files and folders), as a shell's tab would."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(" ")
        matches = sorted(glob.glob(os.path.expanduser(last) + "*"))
        if not last or not matches:
            return None
        match = matches[0] + ("/" if os.path.isdir(matches[0]) else "")
        if last.startswith("~"):
            match = "~" + match[len(os.path.expanduser("~")) :]
        return f"{head} {match}" if head else match


class StackDeployModal(OperationModal):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal_cancel"),
        Binding("ctrl+s", "deploy", "Deploy", id="stack_deploy_send"),
        field_help_binding("field_help"),
    ]

    def __init__(self, files: str = "", name: str = "") -> None:
        super().__init__("Deploy a stack")
        self.add_class("stack-deploy")
        self.initial_files = files
        self.initial_name = name
        self.operation: Operation | None = None
        self.finished = False
        self.steps: list[str] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label("Compose files", classes="form-label")
            yield FieldInput(
                self.initial_files, id="stack-files", suggester=PathSuggester(), compact=True
            )
        with Horizontal(classes="form-row"):
            yield Label("Stack name", classes="form-label")
            yield FieldInput(self.initial_name, id="stack-name", compact=True)
        yield Checkbox("Prune services no longer in the files", id="stack-prune", compact=True)
        yield Checkbox(
            "Pin images to registry digests (asks the registries)",
            id="stack-resolve",
            compact=True,
        )
        yield Static(
            Text("enter deploy  tab next  → complete path  esc cancel  (files: space separated)"),
            classes="stack-keys",
        )
        yield Static(Text(""), id="stack-progress")

    def on_mount(self) -> None:
        self.query_one("#stack-files", Input).focus()
        self._preview()

    def source(self) -> StackSource:
        files = tuple(
            Path(os.path.expanduser(f))
            for f in shlex.split(self.query_one("#stack-files", Input).value)
        )
        name = self.query_one("#stack-name", Input).value.strip()
        return StackSource(
            name,
            files,
            prune=self.query_one("#stack-prune", Checkbox).value,
            resolve_image="always" if self.query_one("#stack-resolve", Checkbox).value else "never",
        )

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if not self.running and not self.finished:
            self._preview()

    def _preview(self) -> None:
        try:
            source = self.source()
            plan, self.operation = deploy_operation(source, self._progress_from_thread)
        except (ComposeFileError, ValueError) as exc:
            self.operation = None
            self.show_command("")
            self.show_error(str(exc))
            return
        self.show_command(self.operation.command)
        summary = f"{len(plan.services)} services, {len(plan.networks)} networks"
        warnings = "".join(f"\nwarning: {w}" for w in plan.warnings)
        self.query_one("#modal-error", Static).update(Text(summary + warnings))

    @on(Input.Submitted)
    def action_deploy(self) -> None:
        if self.finished:
            self.dismiss(True)
            return
        self._preview()
        if self.operation is None or self.running:
            return
        self.running = True
        self.query_one("#stack-progress", Static).update(Text("deploying…"))
        self._deploy(self.operation, self.source().name)

    def _progress_from_thread(self, step: StackStep) -> None:
        self.app.call_from_thread(self._show_step, step)

    def _show_step(self, step: StackStep) -> None:
        self.steps.append(step.text())
        self.query_one("#stack-progress", Static).update(Text("\n".join(self.steps[-8:])))

    @work(thread=True, exclusive=True, group="operation")
    def _deploy(self, operation: Operation, stack: str) -> None:
        if self.run_operation(operation):
            self.app.call_from_thread(self._deployed)
            self._watch_convergence(stack)

    def _deployed(self) -> None:
        self.running = False
        self.finished = True
        self.query_one("#modal-error", Static).update(
            Text("deployed: waiting for the services to converge (enter or esc closes)")
        )

    def _watch_convergence(self, stack: str) -> None:
        session = session_of(self)
        while self.is_attached:
            try:
                services = session.read(lambda backend: backend.services())
                state = stack_services_converged(stack, services)
            except BackendError as exc:
                self.app.call_from_thread(self.show_error, str(exc))
                return
            lines = [_convergence_line(s) for s in services if stack_of(s) == stack]
            verdict = state.failed or (
                "every service converged" if state.converged else "converging…"
            )
            self.app.call_from_thread(self._show_convergence, [*lines, verdict])
            if state.converged or state.failed:
                outcome = "deployed; converged" if state.converged else "deployed; not converged"
                self.app.call_from_thread(
                    self.query_one("#modal-error", Static).update,
                    Text(f"{outcome} (enter or esc closes)"),
                )
                return
            self._wait(CONVERGENCE_POLL)

    def _show_convergence(self, lines: list[str]) -> None:
        shown = [*self.steps[-max(2, 10 - len(lines)) :], *lines]
        self.query_one("#stack-progress", Static).update(Text("\n".join(shown)))

    def _wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(self.finished)


def _convergence_line(service: Service) -> str:
    desired = "-" if service.replicas_desired is None else str(service.replicas_desired)
    state = f" {service.update_state}" if service.update_state else ""
    return f"{service.name}: {service.replicas_running or 0}/{desired}{state}"
