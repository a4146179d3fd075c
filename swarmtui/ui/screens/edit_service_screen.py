"""`E` on a service: the create form prefilled from the live spec, with the fields an edit
also needs (networks, secrets, configs, healthcheck, placement, rollback, restart, logging,
hostname, user, workdir). The line under the form is the minimal `docker service update` the
edit amounts to; ctrl+s posts only the changed fields (see actions/service_edit), ctrl+e
edits the spec as YAML in $EDITOR instead."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input, Select, Static

from swarmtui.actions.service_edit import (
    ServiceEditForm,
    SwarmNames,
    edit_service,
    form_from_spec,
    update_command,
)
from swarmtui.actions.service_edit.form import MODE_NAMES, ROLLBACK_FAILURE_ACTIONS
from swarmtui.actions.service_form import FAILURE_ACTIONS, RESTART_CONDITIONS, UPDATE_ORDERS
from swarmtui.actions.validation import InputError
from swarmtui.core.models import Service
from swarmtui.ui.modals.form_modal import FormField
from swarmtui.ui.screens.create_service_screen import FORM_FIELDS, CreateServiceScreen
from swarmtui.ui.service_edit_actions import edit_spec_yaml
from swarmtui.ui.session_access import guard
from swarmtui.ui.widgets.text_update import update_text

MODES = tuple(MODE_NAMES.values())
EDIT_FIELDS: tuple[FormField, ...] = (
    *(("mode", "Mode", MODES) if field[0] == "mode" else field for field in FORM_FIELDS),
    ("networks", "Networks", "front back"),
    ("secrets", "Secrets", "db_password api_key:/run/key"),
    ("configs", "Configs", "app_conf:/etc/app.conf"),
    ("health_cmd", "Health command", "curl -f http://localhost/ (NONE: off)"),
    ("health_interval", "Health interval", "30s"),
    ("health_timeout", "Health timeout", "5s"),
    ("health_retries", "Health retries", "3"),
    ("health_start_period", "Health start period", "10s"),
    ("placement_prefs", "Placement prefs", "spread=node.labels.zone"),
    ("max_replicas", "Max replicas per node", "2"),
    ("restart_delay", "Restart delay", "5s"),
    ("restart_max_attempts", "Restart attempts", "3 (0: no limit)"),
    ("restart_window", "Restart window", "1m"),
    ("rollback_parallelism", "Rollback parallelism", "1"),
    ("rollback_delay", "Rollback delay", "10s"),
    ("rollback_order", "Rollback order", UPDATE_ORDERS),
    ("rollback_failure_action", "On rollback failure", ROLLBACK_FAILURE_ACTIONS),
    ("log_driver", "Log driver", "json-file"),
    ("log_options", "Log options", "max-size=10m max-file=3"),
    ("hostname", "Hostname", "{{.Service.Name}}-{{.Task.Slot}}"),
    ("user", "User", "1000:1000"),
    ("workdir", "Working directory", "/srv"),
)
# A Select shows only its choices: a live value outside them (set by the CLI) is added.
CHOICES = {
    "restart_condition": RESTART_CONDITIONS,
    "update_order": UPDATE_ORDERS,
    "update_failure_action": FAILURE_ACTIONS,
    "rollback_order": UPDATE_ORDERS,
    "rollback_failure_action": ROLLBACK_FAILURE_ACTIONS,
}
FIXED_FIELDS = ("name", "mode")  # `docker service update` cannot change them


def fields_for(form: ServiceEditForm) -> tuple[FormField, ...]:
    """EDIT_FIELDS with any live choice the Selects do not list added to them."""
    shown: list[FormField] = []
    for name, label, hint in EDIT_FIELDS:
        value = getattr(form, name)
        if isinstance(hint, tuple) and value not in hint:
            hint = (*hint, value)
        shown.append((name, label, hint))
    return tuple(shown)


class EditServiceScreen(CreateServiceScreen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="edit_service_submit"),
        # priority: a text field's own ctrl+e (end of line) would take it first
        Binding("ctrl+e", "edit_yaml", "YAML in $EDITOR", priority=True, id="edit_service_yaml"),
    ]

    def __init__(self, service: Service, inspected: dict[str, Any], names: SwarmNames) -> None:
        self.service = service
        self.inspected = inspected
        self.names = names
        self.before = form_from_spec(inspected["Spec"], names)
        self.FIELDS = fields_for(self.before)
        super().__init__(f"Edit service {service.name}")

    def initial_value(self, name: str) -> str:
        return str(getattr(self.before, name))

    def on_mount(self) -> None:
        for name in FIXED_FIELDS:
            self.query_one(f"#field-{name}").disabled = True
        self.query_one("#field-replicas", Input).disabled = self.before.mode != "replicated"
        super().on_mount()

    def form_input(self) -> ServiceEditForm:
        return ServiceEditForm(**self.field_values(f.name for f in fields(ServiceEditForm)))

    def _preview(self) -> None:
        try:
            command = update_command(self.service.name, self.before, self.form_input(), self.names)
        except InputError as exc:
            preview = Text("$ docker service update …  ")
            preview.append(f"({exc.message})", style="dim")
            update_text(self.query_one("#modal-command", Static), preview)
            return
        self.show_command(command)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._clear_error(event.select)
        self._preview()

    def action_submit(self) -> None:
        if self.running or not guard(self.app, "edit_service"):
            return
        self._clear_errors()
        after = self.form_input()
        try:
            operation = edit_service(self.service, self.before, after, self.names)
        except InputError as exc:
            self.show_field_error(exc.field, exc.message)
            return
        if after == self.before:
            self.show_error("Nothing changed: edit a field, or esc to leave.")
            return
        self.submitted_name = self.service.name
        self.start(operation)

    def action_edit_yaml(self) -> None:
        if not self.running:
            # Not inside the key's own handling: the terminal is handed over from the app's
            # loop, as for a shell, so the keys typed after the editor reach the console.
            self.app.call_later(self._edit_yaml)

    def _edit_yaml(self) -> None:
        problem = edit_spec_yaml(
            self, self.service, self.inspected, self.names, on_saved=lambda: self.dismiss(True)
        )
        if problem:
            self.show_error(problem)
