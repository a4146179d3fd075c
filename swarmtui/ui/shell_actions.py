"""`e`/`E` on a task or a service: a shell in its container, on whichever node it runs;
`S` on a node: a shell on the node. What the selected object allows is said before anything
is opened (a task not running, read-only mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from swarmtui.core.models import ClusterSnapshot, Node, Service, Task
from swarmtui.display.columns import task_name
from swarmtui.nodes.exec_plan import (
    READ_ONLY_EXEC_MESSAGE,
    ExecRefused,
    refuse_node,
    refuse_task,
    shell_candidates,
)
from swarmtui.session.session import Session
from swarmtui.ui.help_key import help_binding
from swarmtui.ui.session_access import session_of

if TYPE_CHECKING:  # the shell modal is imported when a shell is opened
    from swarmtui.ui.modals.shell_modal import ShellTarget

SHELL_BINDINGS = [
    Binding("e", "shell", "Shell", id="shell"),
    Binding("E", "shell_command", "Run command", show=False, id="shell_command"),
]
# The services pane's footer is full at 80 columns: `e` is there, listed in help (`?`).
# `E` on a service edits it (service_edit_actions); a command is run from the tasks pane.
SERVICE_SHELL_BINDINGS = [
    Binding("e", "shell", "Shell", show=False, id="service_shell"),
]
NODE_SHELL_BINDING = Binding("S", "node_shell", "Shell", show=False, id="node_shell")
SHELL_ACTIONS = frozenset({"shell", "shell_command", "node_shell"})


def read_only_refusal(session: Session) -> str | None:
    config = session.config
    if config.read_only and not config.allow_exec_in_read_only:
        return READ_ONLY_EXEC_MESSAGE
    return None


def task_refusal(session: Session, task: Task | None, snapshot: ClusterSnapshot) -> str | None:
    """Why no shell can be opened in TASK now; None when one can be tried."""
    refused = read_only_refusal(session)
    if refused or task is None:
        return refused
    try:
        refuse_task(task, task_name(task, snapshot))
    except ExecRefused as exc:
        return exc.message
    return None


def node_refusal(session: Session, node: Node | None) -> str | None:
    refused = read_only_refusal(session)
    if refused or node is None:
        return refused
    try:
        refuse_node(node)
    except ExecRefused as exc:
        return exc.message
    return None


def task_shell_target(session: Session, task: Task, snapshot: ClusterSnapshot) -> ShellTarget:
    from swarmtui.ui.modals.shell_modal import ShellTarget

    node = snapshot.node(task.node_id)
    label = task_name(task, snapshot)
    where = node.hostname if node else task.node_id[:12]
    shells = session.shells
    return ShellTarget(
        f"{label} on {where}",
        lambda typed, terminal, accept: shells.in_task(task, node, label, typed, terminal, accept),
    )


def node_shell_target(session: Session, node: Node) -> ShellTarget:
    from swarmtui.ui.modals.shell_modal import ShellTarget

    shells = session.shells
    return ShellTarget(
        f"node {node.hostname}",
        lambda typed, terminal, accept: shells.on_node(node, typed, terminal, accept),
    )


def open_task_shell(
    opener: MessagePump, task: Task | None, snapshot: ClusterSnapshot | None, ask: bool
) -> None:
    if task is None or snapshot is None:
        opener.app.notify("Select a task first.", severity="warning")
        return
    session = session_of(opener)
    refused = task_refusal(session, task, snapshot)
    if refused:
        opener.app.notify(refused, severity="warning", timeout=6)
        return
    from swarmtui.ui.modals.shell_modal import ShellModal

    opener.app.push_screen(ShellModal(task_shell_target(session, task, snapshot), ask_command=ask))


def open_service_shell(
    opener: MessagePump, service: Service | None, snapshot: ClusterSnapshot | None, ask: bool
) -> None:
    """A shell in one of SERVICE's running tasks: the only one, else the one picked."""
    if service is None or snapshot is None:
        opener.app.notify("Select a service first.", severity="warning")
        return
    session = session_of(opener)
    refused = read_only_refusal(session)
    tasks = [t for t in snapshot.tasks if t.service_id == service.id]
    try:
        candidates = shell_candidates(service.name, tasks)
    except ExecRefused as exc:
        refused = refused or exc.message
    if refused:
        opener.app.notify(refused, severity="warning", timeout=6)
        return
    if len(candidates) == 1:
        open_task_shell(opener, candidates[0], snapshot, ask)
        return

    def picked(task: Task | None) -> None:
        if task is not None:
            open_task_shell(opener, task, snapshot, ask)

    opener.app.push_screen(TaskPicker(service.name, candidates, snapshot), picked)


def open_node_shell(opener: MessagePump, node: Node | None) -> None:
    if node is None:
        opener.app.notify("Select a node first.", severity="warning")
        return
    session = session_of(opener)
    refused = node_refusal(session, node)
    if refused:
        opener.app.notify(refused, severity="warning", timeout=6)
        return
    from swarmtui.ui.modals.shell_modal import ShellModal

    opener.app.push_screen(ShellModal(node_shell_target(session, node)))


class TaskPicker(ModalScreen[Task | None]):
    """Which of a service's running tasks the shell opens in."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="task_picker_cancel"),
        help_binding("task_picker_help", show=True),
    ]

    def __init__(self, service: str, tasks: list[Task], snapshot: ClusterSnapshot) -> None:
        super().__init__(classes="operation-modal")
        self.service = service
        self.tasks = tasks
        self.snapshot = snapshot

    def compose(self) -> ComposeResult:
        options = []
        for task in self.tasks:
            node = self.snapshot.node(task.node_id)
            where = node.hostname if node else task.node_id[:12]
            options.append(Option(f"{task_name(task, self.snapshot)} on {where}", id=task.id))
        picker = OptionList(*options, id="task-picker")
        picker.border_title = f"Shell in which task of {self.service}?"
        yield picker

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = next((t for t in self.tasks if t.id == event.option.id), None)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
