"""How widgets reach the session: the app holds it, `session_of` finds it (typed, checked).

Also the read-only rules as the UI applies them: `allowed` for `check_action` (hides what
read-only mode refuses) and `guard` for paths that reach a mutating action another way
(palette commands, remapped keys): it tells the user why nothing happens.
"""

from __future__ import annotations

from textual.app import App
from textual.message_pump import MessagePump

from swarmtui.actions import read_only
from swarmtui.nodes.relay import RelayEnd
from swarmtui.session.session import Session
from swarmtui.session.shells import OpenedShell
from swarmtui.ui.editor_handover import edit_in_editor
from swarmtui.ui.terminal_handover import hand_terminal


class SessionApp(App[None]):
    """An app built around one Session."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def hand_terminal(self, shell: OpenedShell, typed_ahead: bytes) -> RelayEnd:
        """Give the terminal to SHELL until it ends (tests without a terminal replace it)."""
        return hand_terminal(self, shell, typed_ahead)

    def edit_text(self, text: str, file_name: str) -> str:
        """TEXT as the user left it in $EDITOR (tests without a terminal replace it)."""
        return edit_in_editor(self, text, file_name)


def session_of(node: MessagePump) -> Session:
    app = node.app
    if not isinstance(app, SessionApp):
        raise TypeError(f"{type(app).__name__} holds no swarmtui session")
    return app.session


class SessionUser:
    """Mixin for screens and widgets that use the session: `self.session`."""

    @property
    def session(self) -> Session:
        assert isinstance(self, MessagePump)
        return session_of(self)


def allowed(node: MessagePump, action: str) -> bool:
    """False for a mutating action while the console is read-only."""
    app = node.app
    return not isinstance(app, SessionApp) or read_only.allowed(app.session.read_only, action)


def guard(node: MessagePump, action: str) -> bool:
    """`allowed`, telling the user when it is not."""
    if allowed(node, action):
        return True
    node.app.notify(read_only.READ_ONLY_MESSAGE, severity="warning")
    return False
