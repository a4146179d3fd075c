"""The node menu (`m`): availability, promote and demote, labels, remove."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from swarmtui.actions.operations import (
    Operation,
    OperationRefused,
    demote,
    promote,
    remove_node,
    set_availability,
)
from swarmtui.core.models import Node
from swarmtui.ui.help_key import help_binding
from swarmtui.ui.modals.operation_modal import ConfirmModal, LabelsModal

NODE_BINDINGS: list[BindingType] = [
    Binding("m", "node_menu", "Manage", id="node_menu"),
    Binding("l", "edit_labels", "Labels", id="edit_node_labels"),
]


def node_choices(node: Node, nodes: Sequence[Node]) -> list[tuple[str, str]]:
    """(choice id, label) for what can be done to NODE now."""
    choices = [
        (f"availability:{a}", f"Set availability {a}")
        for a in ("active", "pause", "drain")
        if a != node.availability
    ]
    choices.append(
        ("demote", "Demote to worker")
        if node.role == "manager"
        else ("promote", "Promote to manager")
    )
    choices.append(("labels", "Edit labels…"))
    choices.append(("remove", "Remove node"))
    choices.append(("remove_force", "Remove node (force)"))
    return choices


def node_operation(choice: str, node: Node, nodes: Sequence[Node]) -> Operation:
    builders: dict[str, Callable[[], Operation]] = {
        "promote": lambda: promote(node, nodes),
        "demote": lambda: demote(node, nodes),
        "remove": lambda: remove_node(node, force=False, nodes=nodes),
        "remove_force": lambda: remove_node(node, force=True, nodes=nodes),
    }
    if choice.startswith("availability:"):
        return set_availability(node, choice.split(":", 1)[1])
    return builders[choice]()


class NodeMenu(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Close", id="node_menu_close"),
        help_binding("node_menu_help", show=True),
    ]

    def __init__(self, node: Node, nodes: Sequence[Node]) -> None:
        super().__init__(classes="operation-modal")
        self.node = node
        self.nodes = tuple(nodes)

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box") as box:
            box.border_title = f"Node {self.node.hostname}"
            yield Static(Text(f"{self.node.role}, {self.node.status}, {self.node.availability}"))
            yield OptionList(
                *(
                    Option(label, id=choice)
                    for choice, label in node_choices(self.node, self.nodes)
                ),
                id="node-choices",
            )
            yield Static(Text(""), id="modal-error")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice == "labels":
            self.app.switch_screen(LabelsModal(self.node))
            return
        try:
            operation = node_operation(choice, self.node, self.nodes)
        except OperationRefused as exc:
            colour = self.app.get_css_variables().get("error", "red")
            self.query_one("#modal-error", Static).update(Text(str(exc), style=colour))
            return
        self.app.switch_screen(ConfirmModal(operation))
