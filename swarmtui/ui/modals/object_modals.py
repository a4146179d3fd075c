"""Create and rotate secrets and configs, create networks: forms whose command line shows the
`docker secret|config|network ...` equivalent as they are filled.

A secret typed in the form is a password Input: shown as dots, in no preview, journal or
error (the command names `-`, the stand-in for typed input). enter moves from field to field
and sends from the last one; ctrl+s sends from anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from swarmtui.actions.object_operations import (
    NetworkRequest,
    create_network,
    create_object,
    read_data,
    rotate_object,
)
from swarmtui.actions.operations import Operation, OperationRefused
from swarmtui.actions.validation import InputError
from swarmtui.core.errors import BackendError
from swarmtui.core.models import Service
from swarmtui.core.swarm_objects import MountedType, SwarmObject, next_version_name
from swarmtui.session.object_rollout import wait_for_rollouts
from swarmtui.ui.modals.form_modal import FormField, FormModal
from swarmtui.ui.session_access import guard, session_of

Rotation = tuple[SwarmObject, Sequence[Service]]
YES_NO = ("yes", "no")


class ObjectFormModal(FormModal):
    """Shared by the forms below: fields, a live preview, enter on the last field sends."""

    BINDINGS = [Binding("ctrl+s", "submit", "Send", id="object_form_submit")]
    FIELDS: tuple[FormField, ...] = ()
    ACTION = "create_object"

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = self.modal_title
            yield from self.compose_intro()
            for spec in self.FIELDS:
                yield self.form_row(spec, self.default(spec[0]))
            yield Static(Text("enter: next field, sends from the last   esc: cancel"))
            yield Static(Text(""), id="modal-command")
            yield Static(Text(""), id="modal-error")

    def compose_intro(self) -> ComposeResult:
        yield from ()

    def default(self, name: str) -> str:
        return ""

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        self._preview()

    def build(self) -> Operation:
        raise NotImplementedError

    def _preview(self) -> None:
        if self.running:
            return
        try:
            self.show_command(self.build().command)
            self.query_one("#modal-error", Static).update(Text(""))
        except InputError as exc:
            self.show_command("")
            self.query_one("#modal-error", Static).update(
                Text(f"{exc.field}: {exc.message}", style="dim")
            )
        except OperationRefused as exc:
            self.show_command("")
            self.query_one("#modal-error", Static).update(Text(str(exc), style="dim"))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._preview()

    def action_next_field(self) -> None:
        inputs = list(self.query(Input))
        if inputs and self.focused is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        if self.running or not guard(self, self.ACTION):
            return
        try:
            operation = self.build()
        except InputError as exc:
            self.show_error(f"{exc.field}: {exc.message}")
            return
        except OperationRefused as exc:
            self.show_error(str(exc))
            return
        self.start(operation)


class ObjectDataModal(ObjectFormModal):
    """`c` on secrets or configs: a new one from a file or typed text. `R`: the same form
    for the next version of one in use, then the services move to it."""

    FIELDS = (
        ("name", "Name", "db_password"),
        ("file", "From file", "./password.txt (or type the value below)"),
        ("value", "Or value", "typed here, never shown"),
    )

    def __init__(
        self, kind: MountedType, taken: Sequence[str], rotate: Rotation | None = None
    ) -> None:
        title = f"Rotate {kind} {rotate[0].name}" if rotate else f"Create {kind}"
        super().__init__(title)
        self.kind = kind
        self.taken = list(taken)
        self.rotate = rotate
        if rotate is not None:
            self.ACTION = "rotate_object"
        self.outcome = ""  # what the rotation ended with (tests read it)
        # Set by esc while the rollout is awaited: the rotation is done by then, only the
        # wait (and the offer to remove the old version) is given up.
        self.stop_waiting = threading.Event()
        self.waiting = False

    def compose_intro(self) -> ComposeResult:
        if self.rotate is not None:
            old, users = self.rotate
            names = ", ".join(s.name for s in users)
            text = f"A new version of {old.name} for {names}, at the same target."
            yield Static(Text(text), id="rotate-intro")

    def default(self, name: str) -> str:
        if name == "name" and self.rotate is not None:
            return next_version_name(self.rotate[0].name, self.taken)
        return ""

    def form_field(self, name: str, hint: str | tuple[str, ...], default: str) -> Widget:
        widget = super().form_field(name, hint, default)
        if name == "value" and isinstance(widget, Input):
            widget.password = self.kind == "secret"
        return widget

    def build(self) -> Operation:
        values = self.field_values(("name", "file", "value"))
        content = read_data(values["file"], values["value"])
        if self.rotate is None:
            return create_object(self.kind, values["name"], content, self.taken)
        old, users = self.rotate
        return rotate_object(old, users, values["name"], content, self.taken)

    def start(self, operation: Operation) -> None:
        if self.rotate is None:
            super().start(operation)
            return
        if self.running:
            return
        self.running = True
        self.query_one("#modal-error", Static).update(Text("working…"))
        self._rotate(operation, self.rotate)

    @work(thread=True, exclusive=True, group="operation")
    def _rotate(self, operation: Operation, rotation: Rotation) -> None:
        session, (old, users) = session_of(self), rotation
        try:
            new_id = str(session.execute(operation))
        except (BackendError, OperationRefused) as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return

        def progress(pending: list[str]) -> None:
            if pending and not self.stop_waiting.is_set():
                text = (
                    f"waiting for the rollout of {', '.join(pending)}…   "
                    f"esc: stop waiting, keep {old.name}"
                )
                self.app.call_from_thread(self._say, text)

        self.waiting = True
        try:
            late = wait_for_rollouts(
                session, self.kind, users, new_id, progress=progress, stop=self.stop_waiting
            )
        except BackendError as exc:
            late = [f"({exc.message})"]
        self.app.call_from_thread(self._rotated, old, late)

    @property
    def busy(self) -> bool:
        """Keys wait for the rotation's writes, not for its rollout (esc stops the wait)."""
        return self.running and not self.waiting

    def action_cancel(self) -> None:
        if self.waiting:
            self.stop_waiting.set()
            return
        super().action_cancel()

    def _say(self, text: str) -> None:
        self.query_one("#modal-error", Static).update(Text(text))

    def _rotated(self, old: SwarmObject, late: list[str]) -> None:
        self.waiting = False
        if late and self.stop_waiting.is_set():
            self.outcome = "left"
            self.notify(
                f"{old.name} is kept: the rollout of {', '.join(late)} goes on without the "
                "console waiting for it.",
                title="Rotation",
            )
            self.dismiss(True)
            return
        if late:
            self.outcome = "late"
            self.show_error(f"The rollout of {', '.join(late)} is not done: {old.name} is kept.")
            return
        self.outcome = "done"
        self.dismiss(True)  # the pane then offers to remove the old one


class NetworkModal(ObjectFormModal):
    """`c` on networks: an overlay network."""

    FIELDS = (
        ("name", "Name", "backend"),
        ("attachable", "Attachable", YES_NO),
        ("encrypted", "Encrypted", YES_NO),
        ("subnet", "Subnet", "10.20.0.0/24 (empty: the engine picks)"),
        ("gateway", "Gateway", "10.20.0.1 (empty: the first address)"),
    )

    def __init__(self, taken: Sequence[str]) -> None:
        super().__init__("Create network")
        self.taken = list(taken)

    def default(self, name: str) -> str:
        return {"attachable": "yes", "encrypted": "no"}.get(name, "")

    def build(self) -> Operation:
        values = self.field_values(name for name, _, _ in self.FIELDS)
        request = NetworkRequest(
            values["name"],
            attachable=values["attachable"] == "yes",
            encrypted=values["encrypted"] == "yes",
            subnet=values["subnet"],
            gateway=values["gateway"],
        )
        return create_network(request, self.taken)
