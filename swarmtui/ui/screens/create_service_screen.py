"""`c` in the services pane: the create-service form, full screen and keyboard-only.

Every field of ServiceFormInput, a live preview of the equivalent `docker service create`,
and ctrl+s to validate and send one POST /services/create. A bad field gets its message next
to it and the focus; an engine refusal (duplicate name, port in use) stays on the form.
"""

from __future__ import annotations

from dataclasses import fields

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from swarmtui.actions.operations import create_service
from swarmtui.actions.service_form import (
    FAILURE_ACTIONS,
    RESTART_CONDITIONS,
    UPDATE_ORDERS,
    ServiceFormInput,
    create_command,
    validate_form,
)
from swarmtui.actions.validation import InputError
from swarmtui.ui.modals.form_modal import FormField, FormModal
from swarmtui.ui.session_access import guard
from swarmtui.ui.widgets.key_footer import KeyFooter
from swarmtui.ui.widgets.text_update import update_text

FORM_FIELDS: tuple[FormField, ...] = (
    ("image", "Image", "swarmtui-workload:1"),
    ("name", "Name", "web"),
    ("mode", "Mode", ("replicated", "global")),
    ("replicas", "Replicas", "1"),
    ("command", "Command and args", "ping 127.0.0.1"),
    ("env", "Environment", "KEY=VALUE OTHER=value"),
    ("ports", "Published ports", "8080:80 5353:53/udp 9000:90@host"),
    ("constraints", "Constraints", "node.role==worker node.labels.zone!=a"),
    ("labels", "Labels", "team=web tier"),
    ("mounts", "Mounts", "volume:data:/data bind:/etc/app:/config:ro"),
    ("restart_condition", "Restart condition", RESTART_CONDITIONS),
    ("update_parallelism", "Update parallelism", "1"),
    ("update_delay", "Update delay", "10s"),
    ("update_order", "Update order", UPDATE_ORDERS),
    ("update_failure_action", "On update failure", FAILURE_ACTIONS),
    ("limit_cpus", "CPU limit", "0.5"),
    ("limit_memory", "Memory limit", "512M"),
    ("reserve_cpus", "CPU reservation", "0.25"),
    ("reserve_memory", "Memory reservation", "128M"),
)
# InputError.field values that differ from the form field they are about.
ERROR_FIELDS = {"restart": "restart_condition"}
DEFAULTS = ServiceFormInput()


def engine_error_field(message: str) -> str | None:
    """The form field an engine refusal is about, when it says so."""
    lower = message.lower()
    if "port" in lower and "in use" in lower:
        return "ports"
    if "name conflicts" in lower or "already exists" in lower:
        return "name"
    return None


class CreateServiceScreen(FormModal):
    BINDINGS = [Binding("ctrl+s", "submit", "Create", id="create_service_submit")]
    FIELDS: tuple[FormField, ...] = FORM_FIELDS

    def __init__(self, title: str = "Create a service") -> None:
        super().__init__(title)
        self.add_class("create-service")
        self.submitted_name = ""

    def initial_value(self, name: str) -> str:
        return str(getattr(DEFAULTS, name))

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = self.modal_title
            with VerticalScroll(id="create-form"):
                for spec in self.FIELDS:
                    name = spec[0]
                    yield self.form_row(spec, self.initial_value(name))
                    error = Static(Text(""), id=f"error-{name}", classes="form-error")
                    error.display = False
                    yield error
            yield Static(Text(""), id="modal-command")
            yield Static(Text(""), id="modal-error")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#field-image", Input).focus()
        self._preview()

    # Reading the form -------------------------------------------------------------------

    def form_input(self) -> ServiceFormInput:
        return ServiceFormInput(**self.field_values(f.name for f in fields(ServiceFormInput)))

    def _preview(self) -> None:
        try:
            self.show_command(create_command(validate_form(self.form_input())))
        except InputError as exc:
            preview = Text("$ docker service create …  ")
            preview.append(f"({exc.message})", style="dim")
            update_text(self.query_one("#modal-command", Static), preview)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._clear_error(event.input)
        self._preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._clear_error(event.select)
        if event.select.id == "field-mode":
            replicas = self.query_one("#field-replicas", Input)
            replicas.disabled = event.value == "global"
        self._preview()

    # Errors -----------------------------------------------------------------------------

    def _clear_error(self, widget: Widget) -> None:
        name = (widget.id or "").removeprefix("field-")
        if widget.has_class("-field-invalid"):
            widget.remove_class("-field-invalid")
            error = self.query_one(f"#error-{name}", Static)
            error.update(Text(""))
            error.display = False

    def _clear_errors(self) -> None:
        for name, _, _ in self.FIELDS:
            self._clear_error(self.query_one(f"#field-{name}"))
        self.query_one("#modal-error", Static).update(Text(""))

    def show_field_error(self, field: str, message: str) -> None:
        name = ERROR_FIELDS.get(field, field)
        matches = self.query(f"#field-{name}")
        if not matches:
            self.show_error(message)
            return
        widget = matches.first()
        widget.add_class("-field-invalid")
        error = self.query_one(f"#error-{name}", Static)
        colour = self.app.get_css_variables().get("error", "red")
        error.update(Text(message, style=colour))
        error.display = True
        label = next(label for field_name, label, _ in self.FIELDS if field_name == name)
        self.query_one("#modal-error", Static).update(Text(f"{label}: {message}", style=colour))
        widget.focus()
        self.call_after_refresh(error.scroll_visible, animate=False)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        field = engine_error_field(message)
        if field is not None:
            self.show_field_error(field, message)

    # Sending ----------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.running or not guard(self.app, "create_service"):
            return
        self._clear_errors()
        try:
            definition = validate_form(self.form_input())
        except InputError as exc:
            self.show_field_error(exc.field, exc.message)
            return
        self.submitted_name = definition.name
        self.start(create_service(definition))
