"""`c` in the machines view: create a dind machine or adopt an SSH host.

The form is checked before anything is sent (name syntax and clashes, port range, key file);
then each step appears in the log as it happens. Two questions stop the service before it
changes anything on an SSH host: first contact shows the host key's fingerprint, and only
"Trust this fingerprint" (or ctrl+t) retries with `accept_fingerprint` set; a host without
Docker shows the install command, and only "Install Docker" (or ctrl+y) retries with
`install_docker` set. Failures stay in the dialog as a plain explanation and a hint.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields, replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Log, Select, Static

from swarmtui.actions.machine_form import (
    DRIVERS,
    ROLE_CHOICES,
    CreateForm,
    create_command,
    validate_create_form,
)
from swarmtui.actions.validation import InputError
from swarmtui.machines.model import (
    CreateRequest,
    DockerMissing,
    HostKeyUnknown,
    MachineRecord,
    is_question,
)
from swarmtui.ui.modals.form_modal import FormField, FormModal
from swarmtui.ui.modals.machine_modal import MachineModal, failure
from swarmtui.ui.modals.machine_task_modal import machine_error_text
from swarmtui.ui.session_access import guard
from swarmtui.ui.widgets.key_footer import KeyFooter

COMMON_FIELDS: tuple[FormField, ...] = (
    ("driver", "Driver", DRIVERS),
    ("name", "Name", "worker-3"),
    ("role", "Join as", ROLE_CHOICES),
)
SSH_FIELDS: tuple[FormField, ...] = (
    ("host", "Host", "10.0.0.13 or node3.example.net"),
    ("ssh_user", "User", "root (empty: the ~/.ssh/config user, else root)"),
    ("ssh_port", "Port", "22"),
    ("ssh_key_path", "Key file", "~/.ssh/id_ed25519 (empty: ssh config, agent)"),
    ("ssh_proxy_jump", "Proxy jump", "admin@bastion.example.net"),
)
LABELS = {name: label for name, label, _ in COMMON_FIELDS + SSH_FIELDS}
DEFAULTS = CreateForm()


class CreateMachineDialog(FormModal, MachineModal):
    """Dismissed with True when a machine was created."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Create", id="create_machine_submit"),
        Binding("ctrl+t", "trust", "Trust fingerprint", id="create_machine_trust"),
        Binding("ctrl+y", "install", "Install Docker", id="create_machine_install"),
    ]
    SELECT_ON_FOCUS = False  # focus comes back after a failure: keep the text as it is

    def __init__(self, existing: Collection[str] = ()) -> None:
        super().__init__("Create a machine")
        self.add_class("create-machine")
        self.existing = frozenset(existing)
        self.request: CreateRequest | None = None
        self.pending: HostKeyUnknown | DockerMissing | None = None
        self.trusted: list[str] = []
        self.created: MachineRecord | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = self.modal_title
            with Vertical(id="machine-form"):
                yield from self._rows(COMMON_FIELDS)
                with Vertical(id="ssh-fields"):
                    yield from self._rows(SSH_FIELDS)
            with Vertical(id="question-box"):
                yield Static(Text(""), id="question-text")
                with Horizontal(id="question-buttons"):
                    yield Button("", id="decline")
                    yield Button("", id="accept", variant="warning")
            yield self.step_log()
            yield Static(Text(""), id="modal-command")
            yield Static(Text(""), id="modal-error")
        yield KeyFooter(show_command_palette=False)

    def _rows(self, specs: tuple[FormField, ...]) -> ComposeResult:
        for spec in specs:
            yield self.form_row(spec, str(getattr(DEFAULTS, spec[0])))

    def on_mount(self) -> None:
        self.query_one("#question-box").display = False
        self.query_one("#machine-log").display = False
        self._show_ssh_fields()
        self.query_one("#field-name", Input).focus()
        self._preview()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "trust":
            return isinstance(self.pending, HostKeyUnknown)
        if action == "install":
            return isinstance(self.pending, DockerMissing)
        if action == "submit":
            return not self.running and self.created is None and self.pending is None
        return super().check_action(action, parameters)

    # Reading the form -------------------------------------------------------------------

    def form(self) -> CreateForm:
        return CreateForm(**self.field_values(spec.name for spec in fields(CreateForm)))

    def _show_ssh_fields(self) -> None:
        self.query_one("#ssh-fields").display = self.form().driver == "ssh"

    def _preview(self) -> None:
        if self.running:
            return
        try:
            self.show_command(create_command(validate_create_form(self.form(), self.existing)))
        except InputError as exc:
            preview = Text("$ swarmtui machine create …  ")
            preview.append(f"({LABELS.get(exc.field, exc.field)}: {exc.message})", style="dim")
            self.query_one("#modal-command", Static).update(preview)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-field-invalid")
        self._preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "field-driver":
            self._show_ssh_fields()
        self._preview()

    def show_field_error(self, field: str, message: str) -> None:
        matches = self.query(f"#field-{field}")
        colour = self.app.get_css_variables().get("error", "red")
        label = LABELS.get(field, field)
        self.query_one("#modal-error", Static).update(Text(f"{label}: {message}", style=colour))
        if matches:
            widget = matches.first()
            widget.add_class("-field-invalid")
            widget.focus()

    # Sending ----------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.running or self.created is not None or self.pending is not None:
            return
        if not guard(self.app, "create_machine"):
            return
        for widget in self.query(".-field-invalid"):
            widget.remove_class("-field-invalid")
        try:
            request = validate_create_form(self.form(), self.existing)
        except InputError as exc:
            self.show_field_error(exc.field, exc.message)
            return
        self.trusted = []
        self.query_one("#machine-log", Log).clear()
        self.begin(request)

    def begin(self, request: CreateRequest) -> None:
        service = self.machine_service()
        if service is None:
            return
        self.request = request
        self.running = True
        self.query_one("#machine-form").display = False  # the command line says it all
        self.query_one("#machine-log").display = True
        self.show_command(create_command(request))
        self.query_one("#modal-error", Static).update(Text("working…"))
        self.refresh_bindings()
        self._create(request)

    @work(thread=True, exclusive=True, group="machine-create")
    def _create(self, request: CreateRequest) -> None:
        app = self.app
        log = self.thread_log()
        try:
            record = self.session.run_machine_task(
                create_command(request),
                lambda service: service.create(request, log),
                asks=is_question,
            )
        except HostKeyUnknown as exc:
            if exc.confirmed:  # not the key the user trusted: a refusal, not a question
                app.call_from_thread(self._failed, exc.message, exc.hint)
            else:
                app.call_from_thread(self._ask_fingerprint, exc)
            return
        except DockerMissing as exc:
            app.call_from_thread(self._ask_install, exc)
            return
        except Exception as exc:  # never a traceback: say what failed
            app.call_from_thread(self._failed, *failure(exc))
            return
        app.call_from_thread(self._created, record)

    # Outcomes ---------------------------------------------------------------------------

    def _ask(
        self, pending: HostKeyUnknown | DockerMissing, question: Text, decline: str, accept: str
    ) -> None:
        self.running = False
        self.pending = pending
        self.query_one("#question-text", Static).update(question)
        self.query_one("#decline", Button).label = decline
        self.query_one("#accept", Button).label = accept
        self.query_one("#question-box").display = True
        self.query_one("#decline", Button).focus()
        self.refresh_bindings()

    def _ask_fingerprint(self, unknown: HostKeyUnknown) -> None:
        if not self.is_mounted:
            return
        self.write_log(f"? {unknown.host}: unknown host key, waiting for your answer")
        key = f"{unknown.key_type} key" if unknown.key_type else "key"
        text = Text()
        text.append(f"First contact with {unknown.host}. Its host {key} fingerprint is\n")
        text.append(f"  {unknown.fingerprint}\n", style="bold")
        text.append(unknown.hint, style="dim")
        self._ask(unknown, text, "Do not trust", "Trust this fingerprint")
        self.query_one("#modal-error", Static).update(
            Text("Nothing was changed on the host: trust its key to continue.")
        )

    def _ask_install(self, missing: DockerMissing) -> None:
        if not self.is_mounted:
            return
        self.write_log(f"? {missing.host}: Docker is not installed, waiting for your answer")
        text = Text()
        text.append(f"{missing.message} Install it there with\n")
        text.append(f"  {missing.command}\n", style="bold")
        text.append(
            "The distribution's package and its default settings; swarmtui changes nothing "
            "else on the host.",
            style="dim",
        )
        self._ask(missing, text, "Do not install", "Install Docker")
        self.query_one("#modal-error", Static).update(
            Text("Nothing was changed on the host: confirm the installation to continue.")
        )

    def _answered(self) -> CreateRequest | None:
        """Close the question; the request to retry, or None when there is nothing to do."""
        request = self.request
        if self.pending is None or request is None or self.running:
            return None
        self.pending = None
        self.query_one("#question-box").display = False
        return request

    def action_trust(self) -> None:
        pending = self.pending
        if not isinstance(pending, HostKeyUnknown):
            return
        request = self._answered()
        if request is None:
            return
        self.trusted.append(pending.fingerprint)
        self.write_log(f"Trusting the host key of {pending.host}, trying again")
        self.begin(replace(request, accept_fingerprint=",".join(self.trusted)))

    def action_install(self) -> None:
        pending = self.pending
        if not isinstance(pending, DockerMissing):
            return
        request = self._answered()
        if request is None:
            return
        self.write_log(f"Installing Docker on {pending.host} as confirmed")
        self.begin(replace(request, install_docker=True))

    def _decline(self) -> None:
        pending = self.pending
        if pending is None or self._answered() is None:
            return
        if isinstance(pending, HostKeyUnknown):
            self.write_log(f"✗ the host key of {pending.host} was not trusted")
            self._failed(
                f"The host key of {pending.host} was not trusted: nothing was changed.",
                "Check the fingerprint with the host's administrator, then try again.",
                work_failed=False,
            )
        else:
            self.write_log(f"✗ Docker was not installed on {pending.host}")
            self._failed(
                f"Docker was not installed on {pending.host}: nothing was changed.",
                "Install Docker Engine there yourself, or confirm the installation next time.",
                work_failed=False,
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "accept":
            if isinstance(self.pending, DockerMissing):
                self.action_install()
            else:
                self.action_trust()
        elif event.button.id == "decline":
            self._decline()

    def _failed(self, message: str, hint: str, work_failed: bool = True) -> None:
        if not self.is_mounted:
            return
        self.running = False
        if work_failed:  # not a declined question
            self.write_log(f"✗ {message}")
        self.query_one("#machine-form").display = True
        colours = self.app.get_css_variables()
        self.query_one("#modal-error", Static).update(machine_error_text(message, hint, colours))
        self.refresh_bindings()
        self.query_one("#field-name", Input).focus()

    def _created(self, record: MachineRecord) -> None:
        self.created = record
        if not self.is_mounted:
            return
        self.running = False
        joined = f", joined as a {record.role}" if record.role else ""
        colour = self.app.get_css_variables().get("success", "green")
        self.query_one("#modal-error", Static).update(
            Text(f"{record.name} is ready at {record.address}{joined}. esc closes.", style=colour)
        )
        self.refresh_bindings()

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(self.created is not None)
