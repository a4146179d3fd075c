"""`T`: the worker and manager join commands, tokens masked until `v`; copy them with OSC52,
rotate a token, or make this engine leave the swarm (each confirmed first)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from swarmtui.actions.operations import join_command, leave_swarm, rotate_token
from swarmtui.core.errors import BackendError
from swarmtui.core.models import ClusterSnapshot
from swarmtui.core.secrets import mask_secrets
from swarmtui.ui.help_key import help_binding
from swarmtui.ui.modals.operation_modal import ConfirmModal
from swarmtui.ui.session_access import SessionUser, allowed, guard
from swarmtui.ui.widgets.key_footer import KeyFooter

ROLES = ("worker", "manager")
KEYS_HINT = (
    "v reveal · w / M copy the worker / manager command\n"
    "ctrl+r / ctrl+t rotate the worker / manager token\n"
    "ctrl+l leave the swarm"
)


def manager_address(snapshot: ClusterSnapshot | None) -> str:
    """Where nodes join: the leader's manager address, else this engine's node address."""
    if snapshot is None:
        return ""
    leader = snapshot.leader
    if leader is not None:
        raw_addr = leader.raw.get("ManagerStatus", {}).get("Addr", "")
        if raw_addr and not str(raw_addr).startswith("0.0.0.0"):
            return str(raw_addr)
        if leader.address and leader.address != "0.0.0.0":
            return leader.address
    return snapshot.engine.node_address


class JoinTokensScreen(SessionUser, ModalScreen[None]):
    BINDINGS = [
        Binding("v", "reveal", "Reveal", id="join_reveal"),
        Binding("w", "copy('worker')", "Copy worker", id="join_copy_worker"),
        Binding("M", "copy('manager')", "Copy manager", id="join_copy_manager"),
        Binding("ctrl+r", "rotate_token('worker')", "Rotate worker", id="join_rotate_worker"),
        Binding("ctrl+t", "rotate_token('manager')", "Rotate manager", id="join_rotate_manager"),
        Binding("ctrl+l", "leave_swarm", "Leave swarm", id="join_leave_swarm"),
        Binding("escape", "app.pop_screen", "Close", id="join_close"),
        help_binding("join_help", show=True),
    ]

    def __init__(self, address: str, engine: str = "") -> None:
        super().__init__(classes="operation-modal join-tokens")
        self.address = address
        self.engine = engine or "The engine swarmtui is connected to"
        self.tokens: dict[str, str] = {}
        self.revealed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = "Join tokens"
            for role in ROLES:
                yield Static(Text(f"To add a {role} to this swarm, run:"), classes="join-label")
                yield Static(Text("loading…"), id=f"join-{role}", classes="join-command")
            yield Static(Text(KEYS_HINT), id="join-keys")
            yield Static(Text(""), id="modal-error")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self.app, action)

    # Tokens -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="join-tokens")
    def _load(self) -> None:
        session = self.session
        try:
            worker, manager = session.join_tokens()
        except BackendError as exc:
            self.app.call_from_thread(self._show_error, exc.message)
            return
        except Exception as exc:  # never a traceback: say what failed
            self.app.call_from_thread(self._show_error, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self._show_tokens, {"worker": worker, "manager": manager})

    def command(self, role: str) -> str:
        return join_command(self.tokens.get(role, ""), self.address or "MANAGER-ADDRESS")

    def _show_tokens(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        self._render_commands()

    def _render_commands(self) -> None:
        if not self.is_mounted:
            return
        for role in ROLES:
            command = self.command(role) if self.tokens.get(role) else "(no token)"
            shown = command if self.revealed else mask_secrets(command)
            self.query_one(f"#join-{role}", Static).update(Text(shown, style="bold"))
        hint = "v hides the tokens" if self.revealed else "Tokens are masked: v reveals them"
        self.query_one("#modal-error", Static).update(Text(hint, style="dim"))

    def _show_error(self, message: str) -> None:
        if self.is_mounted:
            colour = self.app.get_css_variables().get("error", "red")
            self.query_one("#modal-error", Static).update(Text(message, style=colour))

    # Actions ----------------------------------------------------------------------------

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self._render_commands()

    def action_copy(self, role: str) -> None:
        if not self.tokens.get(role):
            self.notify("The join tokens are not loaded yet.", severity="warning")
            return
        self.app.copy_to_clipboard(self.command(role))
        self.notify(f"The {role} join command was copied to the clipboard (OSC52).")

    def action_rotate_token(self, role: str) -> None:
        if guard(self.app, "rotate_token"):
            self.app.push_screen(ConfirmModal(rotate_token(role)), self._rotated(role))

    def _rotated(self, role: str) -> Callable[[bool | None], None]:
        def done(ok: bool | None) -> None:
            if ok:
                self.notify(f"The {role} join token was rotated.")
                self._load()

        return done

    def action_leave_swarm(self) -> None:
        if not guard(self.app, "leave_swarm"):
            return
        operation = leave_swarm(force=True)
        warning = (
            f"{self.engine} leaves the swarm, forced: its tasks stop. A manager leaving "
            "weakens the quorum; the last manager leaving destroys the swarm and every service."
        )
        self.app.push_screen(ConfirmModal(replace(operation, warning=warning)), self._left)

    def _left(self, ok: bool | None) -> None:
        if ok:
            self.notify("This engine left the swarm.", severity="warning")
            self.dismiss(None)
