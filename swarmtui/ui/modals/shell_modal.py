"""Opening a shell (`e` on a task or service, `S` on a node): connect to the node's engine
off the UI thread, ask about a new SSH host key, then hand the terminal over.

The modal is busy while it connects, so keys typed after `e` wait in the key gate; they
are given to the shell first, as typed. `E` asks for the command to run first."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from swarmtui.core.secrets import mask_secrets
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.exec_plan import ExecRefused
from swarmtui.nodes.relay import terminal_size
from swarmtui.session.shells import OpenedShell, TerminalSpec
from swarmtui.ui.help_key import help_binding
from swarmtui.ui.key_gate import KeyGate
from swarmtui.ui.session_access import SessionApp
from swarmtui.ui.terminal_handover import HandoverImpossible
from swarmtui.ui.typed_ahead import typed_bytes
from swarmtui.ui.widgets.field_input import FieldInput

# Opens the shell (blocking): the command typed ("" for the default), the terminal, and
# the SSH host-key fingerprints the user confirmed.
ShellOpener = Callable[[str, TerminalSpec, tuple[str, ...]], OpenedShell]


@dataclass(frozen=True)
class ShellTarget:
    what: str  # "web.1 on worker1", "node worker1"
    open: ShellOpener


class ShellModal(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="shell_cancel"),
        help_binding("shell_help"),
    ]

    def __init__(self, target: ShellTarget, *, ask_command: bool = False) -> None:
        super().__init__(classes="operation-modal")
        self.target = target
        self.ask_command = ask_command
        self.connecting = False
        self._accepted: tuple[str, ...] = ()
        self._unknown: HostKeyUnknown | None = None
        self._typed = ""

    @property
    def busy(self) -> bool:
        """Connecting: the keys typed meanwhile are for the shell (the key gate holds them)."""
        return self.connecting

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = "Shell"
            yield Static(Text(f"Shell in {self.target.what}", style="bold"), id="shell-what")
            if self.ask_command:
                yield Label("Command (empty: bash if the container has it, else sh)")
                yield FieldInput(placeholder="sh", id="shell-command")
            yield Static(Text(""), id="shell-status")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Trust", id="trust", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-buttons").display = False
        if not self.ask_command:
            self._connect()

    @on(Input.Submitted, "#shell-command")
    def _command_typed(self, event: Input.Submitted) -> None:
        self._typed = event.value
        event.input.disabled = True
        self._connect()

    def _status(self, text: str, error: bool = False) -> None:
        style = self.app.get_css_variables().get("error", "red") if error else ""
        self.query_one("#shell-status", Static).update(Text(mask_secrets(text), style=style))

    def _connect(self) -> None:
        self.connecting = True
        self._status(f"Connecting to the engine of {self.target.what}…")
        self._open(self._typed, self._accepted)

    @work(thread=True, exclusive=True, group="shell")
    def _open(self, typed: str, accepted: tuple[str, ...]) -> None:
        columns, rows = terminal_size(1)
        terminal = TerminalSpec(columns, rows, _term())
        try:
            opened = self.target.open(typed, terminal, accepted)
        except HostKeyUnknown as unknown:
            self.app.call_from_thread(self._ask_trust, unknown)
        except ExecRefused as refused:
            self.app.call_from_thread(self._failed, refused.message)
        except Exception as exc:  # never a traceback: say what failed
            self.app.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
        else:
            self.app.call_from_thread(self._hand_over, opened)

    def _failed(self, message: str) -> None:
        self.connecting = False
        self._status(message, error=True)
        self.query_one("#confirm-buttons").display = True
        self.query_one("#trust").display = False
        self.query_one("#cancel", Button).focus()

    def _ask_trust(self, unknown: HostKeyUnknown) -> None:
        self.connecting = False
        self._unknown = unknown
        self._status(f"{unknown.message}\nTrust this host key and open the shell?", error=False)
        self.query_one("#confirm-buttons").display = True
        self.query_one("#trust").display = True
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "trust" and self._unknown is not None:
            self._accepted = (*self._accepted, self._unknown.fingerprint)
            self._unknown = None
            self.query_one("#confirm-buttons").display = False
            self._connect()
        else:
            self.action_cancel()

    def _hand_over(self, opened: OpenedShell) -> None:
        app = self.app
        if not isinstance(app, SessionApp):
            raise TypeError("a shell needs the swarmtui app")
        gate = getattr(app, "key_gate", None)
        typed = typed_bytes(gate.take_pending()) if isinstance(gate, KeyGate) else b""
        try:
            end = app.hand_terminal(opened, typed)
        except HandoverImpossible as exc:
            opened.close()
            self._failed(str(exc))
            return
        except Exception as exc:
            opened.close()
            self._failed(f"The shell failed: {type(exc).__name__}: {exc}")
            return
        message = app.session.shells.ended(opened, end)
        self.connecting = False
        self.dismiss(None)
        self.app.notify(message, severity="warning" if end.dropped else "information", timeout=8)

    def action_cancel(self) -> None:
        if not self.connecting:
            self.dismiss(None)


def _term() -> str:
    return os.environ.get("TERM", "xterm") or "xterm"
