"""The engine is not in swarm mode: say so and offer `docker swarm init`."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from swarmtui.actions.operations import OperationRefused, init_swarm_command
from swarmtui.core.errors import BackendError
from swarmtui.ui.messages import ReconnectRequested
from swarmtui.ui.session_access import session_of
from swarmtui.ui.widgets.field_input import FieldInput
from swarmtui.ui.widgets.key_footer import KeyFooter


class InitSwarmScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+r", "app.reconnect", "Re-check", id="init_recheck"),
    ]

    def __init__(self, endpoint: str, default_address: str) -> None:
        super().__init__(classes="init-swarm")
        self.endpoint = endpoint
        self.default_address = default_address

    def compose(self) -> ComposeResult:
        with Vertical(id="init-box") as box:
            box.border_title = "Not in swarm mode"
            yield Static(
                Text(f"The engine at {self.endpoint} is not part of a swarm.", style="bold")
            )
            yield Static(
                Text(
                    "Initialise a new swarm with this engine as its first manager. The "
                    "advertise address is the IP or interface other nodes use to reach it."
                )
            )
            yield Label("Advertise address")
            yield FieldInput(value=self.default_address, id="advertise-addr")
            yield Static(Text(""), id="init-command")
            yield Static(Text(""), id="init-error")
            yield Static(
                Text("enter: init swarm   ctrl+r: re-check   ctrl+q: quit"), id="init-keys"
            )
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._show_command(self.default_address)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_command(event.value)

    def _show_command(self, address: str) -> None:
        command = init_swarm_command(address)
        self.query_one("#init-command", Static).update(Text(f"$ {command}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        address = event.value.strip()
        if any(c.isspace() for c in address):
            self._show_error("The advertise address is one IP, IP:port or interface name.")
            return
        self.query_one("#init-error", Static).update(Text("initialising…"))
        self._init(address)

    def _show_error(self, message: str) -> None:
        error_colour = self.app.get_css_variables().get("error", "red")
        self.query_one("#init-error", Static).update(Text(message, style=error_colour))

    @work(thread=True, exclusive=True, group="init-swarm")
    def _init(self, address: str) -> None:
        try:
            session_of(self).create_swarm(address)
        except (BackendError, OperationRefused) as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.post_message(ReconnectRequested())
