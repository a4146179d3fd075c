"""The three panes of the main screen: nodes, services and tasks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from textual.binding import Binding
from textual.message import Message

from swarmtui.core.models import ClusterSnapshot, Node, ScopeKind, TaskScope
from swarmtui.display.columns import (
    NODE_COLUMNS,
    SERVICE_COLUMNS,
    TASK_COLUMNS,
    node_row,
    service_row,
    task_row,
)
from swarmtui.display.sorting import SERVICE_SORT_KEYS, TASK_SORT_KEYS, SortKey
from swarmtui.logs.log_target import service_target, task_target
from swarmtui.ui.log_actions import LOGS_BINDING, open_logs
from swarmtui.ui.modals.node_actions import NODE_BINDINGS, NodeMenu
from swarmtui.ui.modals.operation_modal import LabelsModal
from swarmtui.ui.read_only import guard
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.service_actions import SERVICE_BINDINGS, open_service_action, selected_service
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import Row


class NodesPane(ResourceTable):
    BINDINGS = NODE_BINDINGS
    COLUMNS = NODE_COLUMNS
    STYLED_COLUMNS = frozenset({"status", "availability", "manager"})
    TITLE = "[1] Nodes"
    KIND = "node"

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        return [(n.id, node_row(n)) for n in snapshot.nodes]

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        return None  # every node column sorts by its text

    def scope_for(self, snapshot: ClusterSnapshot, key: str) -> TaskScope | None:
        node = snapshot.node(key)
        return TaskScope(ScopeKind.NODE, key, node.hostname) if node else None

    def _selected_node(self) -> tuple[Node | None, tuple[Node, ...]]:
        snapshot: ClusterSnapshot | None = getattr(self.screen, "snapshot", None)
        if snapshot is None or self.selected_key is None:
            return None, ()
        return snapshot.node(self.selected_key), snapshot.nodes

    def action_node_menu(self) -> None:
        node, nodes = self._selected_node()
        if node is None:
            self.notify("Select a node first.", severity="warning")
            return
        self.app.push_screen(NodeMenu(node, nodes))

    def action_edit_labels(self) -> None:
        node, _ = self._selected_node()
        if node is None:
            self.notify("Select a node first.", severity="warning")
            return
        self.app.push_screen(LabelsModal(node))


class ServicesPane(ResourceTable):
    BINDINGS = [*SERVICE_BINDINGS, LOGS_BINDING]
    COLUMNS = SERVICE_COLUMNS
    STYLED_COLUMNS = frozenset()
    TITLE = "[2] Services"
    KIND = "service"

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        return [(s.id, service_row(s)) for s in snapshot.services]

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        value = SERVICE_SORT_KEYS.get(column)
        return None if value is None else {s.id: value(s) for s in snapshot.services}

    def scope_for(self, snapshot: ClusterSnapshot, key: str) -> TaskScope | None:
        service = snapshot.service(key)
        return TaskScope(ScopeKind.SERVICE, key, service.name) if service else None

    def _act(self, action: str) -> None:
        open_service_action(self.screen, selected_service(self.screen, self.selected_key), action)

    def action_scale(self) -> None:
        self._act("scale")

    def action_update_image(self) -> None:
        self._act("update_image")

    def action_force_redeploy(self) -> None:
        self._act("force_redeploy")

    def action_rollback(self) -> None:
        self._act("rollback")

    def action_remove_service(self) -> None:
        self._act("remove_service")

    def action_logs(self) -> None:
        service = selected_service(self.screen, self.selected_key)
        open_logs(self.app, service_target(service) if service else None, "service")

    def action_create_service(self) -> None:
        if not guard(self.app, "create_service"):
            return
        screen = CreateServiceScreen()

        def created(ok: bool | None) -> None:
            if ok:
                self.notify(f"Service {screen.submitted_name} created.")

        self.app.push_screen(screen, created)

    def action_rollout(self) -> None:
        service = selected_service(self.screen, self.selected_key)
        if service is None:
            self.notify("Select a service first.", severity="warning")
            return
        self.app.push_screen(RolloutScreen(service))


class TasksPane(ResourceTable):
    BINDINGS = [
        Binding("a", "toggle_history", "History", id="toggle_task_history"),
        LOGS_BINDING,
    ]
    COLUMNS = TASK_COLUMNS
    STYLED_COLUMNS = frozenset({"desired", "current"})
    TITLE = "[3] Tasks"
    KIND = "task"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = False
        self.scope_label = ""

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        tasks = snapshot.tasks
        if not self.history:
            tasks = tuple(t for t in tasks if t.is_current)
        return [(t.id, task_row(t, snapshot, now)) for t in tasks]

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        value = TASK_SORT_KEYS.get(column)
        return None if value is None else {t.id: value(t) for t in snapshot.tasks}

    def scope_for(self, snapshot: ClusterSnapshot, key: str) -> TaskScope | None:
        return None

    def action_logs(self) -> None:
        snapshot: ClusterSnapshot | None = getattr(self.screen, "snapshot", None)
        key = self.selected_key
        task = next((t for t in snapshot.tasks if t.id == key), None) if snapshot else None
        target = None
        if task is not None and snapshot is not None:
            target = task_target(task, snapshot.service(task.service_id))
        open_logs(self.app, target, "task")

    def action_toggle_history(self) -> None:
        self.history = not self.history
        self.post_message(self.HistoryToggled())

    def _update_title(self) -> None:
        super()._update_title()
        scope = f" of {self.scope_label}" if self.scope_label else ""
        history = " +history" if getattr(self, "history", False) else ""
        self.border_title = f"{self.border_title}{scope}{history}"

    def set_scope_label(self, label: str) -> None:
        self.scope_label = label
        self._update_title()

    class HistoryToggled(Message):
        """The user switched task history on or off."""
