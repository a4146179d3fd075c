"""Modals that run an Operation: show the equivalent docker command, run it off the UI
thread, keep the modal open with the engine's message when it fails."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from swarmtui.actions.operations import Operation, OperationRefused, edit_labels, scale_service
from swarmtui.actions.operations import update_image as update_image_operation
from swarmtui.actions.validation import InputError, parse_labels, parse_replicas, validate_image
from swarmtui.core.errors import BackendError
from swarmtui.core.models import Node, Service
from swarmtui.core.secrets import mask_secrets
from swarmtui.ui.help_key import field_help_binding, help_binding
from swarmtui.ui.session_access import session_of
from swarmtui.ui.widgets.field_input import FieldInput
from swarmtui.ui.widgets.text_update import update_text


class OperationModal(ModalScreen[bool]):
    """Base for every modal that changes the cluster."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal_cancel"),
        help_binding("modal_help"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(classes="operation-modal")
        self.modal_title = title
        self.running = False

    @property
    def busy(self) -> bool:
        """Sending: keys typed after the one that sent wait for the outcome (key gate)."""
        return self.running

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = self.modal_title
            yield from self.compose_body()
            yield Static(Text(""), id="modal-command")
            yield Static(Text(""), id="modal-error")

    def show_command(self, command: str) -> None:
        shown = f"$ {mask_secrets(command)}" if command else ""
        update_text(self.query_one("#modal-command", Static), Text(shown))

    def show_error(self, message: str) -> None:
        self.running = False
        colour = self.app.get_css_variables().get("error", "red")
        self.query_one("#modal-error", Static).update(Text(mask_secrets(message), style=colour))

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(False)

    def start(self, operation: Operation) -> None:
        if self.running:
            return
        self.running = True
        self.query_one("#modal-error", Static).update(Text("working…"))
        self._execute(operation)

    @work(thread=True, exclusive=True, group="operation")
    def _execute(self, operation: Operation) -> None:
        if self.run_operation(operation):
            self.app.call_from_thread(self.dismiss, True)

    def run_operation(self, operation: Operation) -> bool:
        """Execute OPERATION (on a worker thread); a failure is shown in the modal."""
        try:
            session_of(self).execute(operation)
        except (BackendError, OperationRefused) as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return False
        except Exception as exc:  # never a traceback: say what failed
            self.app.call_from_thread(self.show_error, f"{type(exc).__name__}: {exc}")
            return False
        return True


class ConfirmModal(OperationModal):
    """Asks before running OPERATION; the safe choice has the focus."""

    def __init__(self, operation: Operation) -> None:
        super().__init__(operation.title)
        self.operation = operation

    def compose_body(self) -> ComposeResult:
        question = f"{self.operation.title}?"
        yield Static(Text(question, style="bold"), id="confirm-question")
        if self.operation.warning:
            yield Static(Text(self.operation.warning), id="confirm-warning")
        with Horizontal(id="confirm-buttons"):
            yield Button("Cancel", id="cancel")
            yield Button(
                self.operation.title,
                id="confirm",
                variant="error" if self.operation.destructive else "primary",
            )

    def on_mount(self) -> None:
        self.show_command(self.operation.command)
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.start(self.operation)
        else:
            self.action_cancel()


class InputModal(OperationModal):
    """One input whose value builds the Operation; enter runs it."""

    BINDINGS = [field_help_binding("field_help")]

    def __init__(self, title: str, label: str, value: str) -> None:
        super().__init__(title)
        self.label = label
        self.initial = value

    def compose_body(self) -> ComposeResult:
        yield Label(self.label)
        yield FieldInput(value=self.initial, id="modal-input")
        yield Static(Text("enter: apply   esc: cancel   f1: help"), id="modal-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._preview(self.initial)

    def build(self, value: str) -> Operation:
        raise NotImplementedError

    def _preview(self, value: str) -> None:
        try:
            self.show_command(self.build(value).command)
            self.query_one("#modal-error", Static).update(Text(""))
        except (InputError, OperationRefused) as exc:
            self.show_command("")
            self.show_error(str(exc))

    def on_input_changed(self, event: Input.Changed) -> None:
        if not self.running:
            self._preview(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            operation = self.build(event.value)
        except (InputError, OperationRefused) as exc:
            self.show_error(str(exc))
            return
        self.start(operation)


class ScaleModal(InputModal):
    def __init__(self, service: Service) -> None:
        current = "" if service.replicas_desired is None else str(service.replicas_desired)
        super().__init__(f"Scale {service.name}", "Replicas", current)
        self.service = service

    def build(self, value: str) -> Operation:
        return scale_service(self.service, parse_replicas(value))


class ImageModal(InputModal):
    def __init__(self, service: Service) -> None:
        super().__init__(f"Update image of {service.name}", "Image", service.image)
        self.service = service

    def build(self, value: str) -> Operation:
        return update_image_operation(self.service, validate_image(value))


class LabelsModal(InputModal):
    """`key=value` adds or changes a label, `-key` removes one; space-separated."""

    def __init__(self, node: Node) -> None:
        current = " ".join(f"{k}={v}" if v else k for k, v in node.labels)
        super().__init__(
            f"Labels of {node.hostname}", "Labels (key=value adds, -key removes)", current
        )
        self.node = node

    def build(self, value: str) -> Operation:
        words = value.split()
        remove = [w[1:] for w in words if w.startswith("-")]
        add = parse_labels(" ".join(w for w in words if not w.startswith("-")))
        current = dict(self.node.labels)
        remove += [key for key in current if key not in add and key not in remove]
        changed = {k: v for k, v in add.items() if current.get(k) != v}
        if not changed and not remove:
            raise InputError("labels", "No change.")
        return edit_labels(self.node, changed, sorted(set(remove)))
