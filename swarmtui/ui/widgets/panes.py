"""The three panes of the main screen: nodes, services and tasks.

Each pane keeps the snapshot it shows; its keys act on the selected object of that snapshot,
and `check_action` says what the selected object allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import events, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import get_current_worker

from swarmtui.actions.operations import (
    Operation,
    force_redeploy,
    remove_service,
    rollback,
    scale_refusal,
)
from swarmtui.core.errors import BackendError
from swarmtui.core.models import (
    ClusterSnapshot,
    Node,
    ScopeKind,
    Service,
    Task,
    TaskScope,
    replaced_objects,
)
from swarmtui.core.search_pattern import search_pattern
from swarmtui.core.usage import UsageReport
from swarmtui.diagnosis.marks import marked, service_marked_from, task_marked
from swarmtui.display.columns import (
    NODE_COLUMNS,
    SERVICE_COLUMNS,
    STACK_COLUMNS,
    TASK_COLUMNS,
    Column,
    node_row,
    service_row,
    stack_row,
    task_name,
    task_row,
)
from swarmtui.display.sorting import (
    SERVICE_SORT_KEYS,
    STACK_SORT_KEYS,
    TASK_SORT_KEYS,
    SortKey,
)
from swarmtui.display.stacks import (
    NO_STACK,
    services_of_stack,
    split_stack_filter,
    stack_name,
    stack_title,
    summarize_stacks,
)
from swarmtui.display.usage import (
    NODE_USAGE_COLUMNS,
    TASK_USAGE_COLUMNS,
    node_usage_cells,
    node_usage_key,
    task_usage_cells,
    task_usage_key,
    with_cells,
    with_usage_columns,
)
from swarmtui.logs.log_target import service_target, stack_selection, task_target
from swarmtui.session.usage_report import UsageDemand, is_sampled
from swarmtui.ui.log_actions import LOGS_BINDING, open_logs
from swarmtui.ui.modals.node_actions import NODE_BINDINGS, NodeMenu
from swarmtui.ui.modals.operation_modal import ConfirmModal, ImageModal, LabelsModal, ScaleModal
from swarmtui.ui.session_access import guard, session_of
from swarmtui.ui.shell_actions import (
    NODE_SHELL_BINDING,
    SERVICE_SHELL_BINDINGS,
    SHELL_BINDINGS,
    node_refusal,
    open_node_shell,
    open_service_shell,
    open_task_shell,
    read_only_refusal,
    task_refusal,
)
from swarmtui.ui.widgets.resource_table import ResourceTable, RowFilter, SortValues
from swarmtui.ui.widgets.virtual_table import Row, VirtualTable

# where the marks of swarmtui.diagnosis.marks go
_REPLICAS = next(i for i, c in enumerate(SERVICE_COLUMNS) if c.key == "replicas")
_CURRENT = next(i for i, c in enumerate(TASK_COLUMNS) if c.key == "current")


class SnapshotPane(ResourceTable):
    """A pane fed from cluster snapshots; the nodes and tasks panes also show live usage
    (USAGE_COLUMNS after the column USAGE_AFTER) while it is switched on."""

    USAGE_COLUMNS: ClassVar[tuple[Column, ...]] = ()
    USAGE_AFTER = ""
    # A side pane that sums up every service makes its rows when shown, not while hidden.
    LAZY_WHEN_HIDDEN: ClassVar[bool] = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: ClusterSnapshot | None = None
        self._shown_at: datetime | None = None
        self._behind = False  # hidden and lazy: the rows are older than the snapshot
        self.usage_shown = False
        self.usage: UsageReport | None = None

    # Usage ------------------------------------------------------------------------------

    def show_usage(self, shown: bool) -> None:
        """Add (or take away) the usage columns."""
        if shown == self.usage_shown:
            return
        self.usage_shown = shown
        base = type(self).COLUMNS
        columns = with_usage_columns(base, self.USAGE_COLUMNS, self.USAGE_AFTER) if shown else base
        self.set_columns(columns)
        self.reshow()

    def set_usage(self, report: UsageReport | None) -> None:
        self.usage = report
        if self.usage_shown:
            self.reshow()

    def with_usage(self, cells: tuple[str, ...], usage: tuple[str, ...]) -> tuple[str, ...]:
        if not self.usage_shown:
            return cells
        after = next(i for i, c in enumerate(type(self).COLUMNS) if c.key == self.USAGE_AFTER)
        return with_cells(cells, usage, after)

    def usage_demand(self) -> UsageDemand | None:
        """What the pane shows and wants figures for; None while the columns are off."""
        return None

    def show_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        self._show(snapshot, now, None)

    def _show(self, snapshot: ClusterSnapshot, now: datetime, rows: list[Row] | None) -> None:
        """SNAPSHOT's rows as of NOW (ROWS: made already)."""
        self.snapshot, self._shown_at = snapshot, now
        self._behind = self.LAZY_WHEN_HIDDEN and not self.display
        if self._behind:
            return
        made = rows if rows is not None else self.rows_from(snapshot, now)
        self.show_rows(made, self._sort_values_of(snapshot))
        self.refresh_bindings()

    def _show_changed_rows(self, rows: list[Row], snapshot: ClusterSnapshot, now: datetime) -> bool:
        """SNAPSHOT shown by replacing ROWS only (by key); False when one would move."""
        if not self.update_rows(rows):
            return False
        self.snapshot, self._shown_at = snapshot, now
        self._sort_values = self._sort_values_of(snapshot)
        self.refresh_bindings()
        return True

    def reshow(self) -> None:
        """The same snapshot again, after what the pane keeps of it changed."""
        if self.snapshot is not None and self._shown_at is not None:
            self.show_snapshot(self.snapshot, self._shown_at)

    def catch_up(self) -> None:
        """Just shown: the rows of the latest snapshot, if they were left for later."""
        if self._behind:
            self.reshow()

    def _sort_values_of(self, snapshot: ClusterSnapshot) -> SortValues:
        return lambda column: self.sort_values_from(snapshot, column)

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        raise NotImplementedError

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        return None  # the column sorts by its text

    def scope_for(self, key: str) -> TaskScope | None:
        """The tasks pane's scope when this pane's row KEY is selected."""
        return None

    def refusal(self, action: str) -> str | None:
        """Why the selected object does not allow ACTION; None when it does."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed and self.refusal(action) is not None:
            return None  # shown, disabled
        return allowed

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.refresh_bindings()  # what the selected object allows may differ

    def on_key(self, event: events.Key) -> None:
        """A key of a disabled binding says why instead of doing nothing."""
        active = self.app.active_bindings.get(event.key)
        if active is None or active.node is not self or active.enabled:
            return
        refusal = self.refusal(active.binding.action)
        if refusal is not None:
            event.stop()
            self.notify(refusal, severity="warning", timeout=6)


class NodesPane(SnapshotPane):
    BINDINGS: ClassVar[list[BindingType]] = [*NODE_BINDINGS, NODE_SHELL_BINDING]
    COLUMNS = NODE_COLUMNS
    STYLED_COLUMNS = frozenset({"status", "availability", "manager"})
    TITLE = "[1] Nodes"
    KIND = "node"
    USAGE_COLUMNS = NODE_USAGE_COLUMNS
    USAGE_AFTER = "hostname"

    def __init__(self, *, id: str | None = None) -> None:
        self.checking_reach = False
        super().__init__(id=id)

    def show_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        super().show_snapshot(snapshot, now)
        reachability = session_of(self).reachability
        if reachability is not None and not self.checking_reach:
            unchecked = reachability.unchecked(snapshot.nodes)
            if unchecked:
                self.checking_reach = True
                # After the frame that shows the nodes: the check loads the machine engine
                # (the drivers, paramiko), which would hold that frame back.
                self.call_after_refresh(self._check_reach, unchecked)

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        reachability = session_of(self).reachability
        rows: list[Row] = []
        for node in snapshot.nodes:
            reach = reachability.known(node.id) if reachability is not None else None
            via = "" if reachability is None else (reach.text if reach else "…")
            cells = self.with_usage(node_row(node, via), node_usage_cells(node, self.usage))
            rows.append((node.id, cells))
        return rows

    @work(thread=True, exclusive=True, group="node-reach", description="nodes' routes")
    def _check_reach(self, nodes: list[Node]) -> None:
        """Open each node's first answering route (off the UI thread; never polled)."""
        reachability = session_of(self).reachability
        try:
            if reachability is not None:
                reachability.check(nodes)
        finally:
            self.app.call_from_thread(self._reach_checked)

    def _reach_checked(self) -> None:
        self.checking_reach = False
        self.reshow()

    def recheck_reach(self) -> None:
        """`r`: every node's route is checked again."""
        reachability = session_of(self).reachability
        if reachability is not None and not self.checking_reach:
            reachability.forget()
            self.reshow()

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        if column not in {c.key for c in NODE_USAGE_COLUMNS}:
            return None
        totals = self.usage.nodes if self.usage is not None else {}
        return {n.id: node_usage_key(totals.get(n.id), column) for n in snapshot.nodes}

    def usage_demand(self) -> UsageDemand | None:
        if not self.usage_shown or not self.display:
            return None
        return UsageDemand(node_ids=frozenset(self.keys_on_screen()))

    def scope_for(self, key: str) -> TaskScope | None:
        node = self.snapshot.node(key) if self.snapshot else None
        return TaskScope(ScopeKind.NODE, key, node.hostname) if node else None

    @property
    def selected_node(self) -> Node | None:
        key = self.selected_key
        return self.snapshot.node(key) if self.snapshot and key else None

    def refusal(self, action: str) -> str | None:
        if action == "node_shell":
            return node_refusal(session_of(self), self.selected_node)
        return None

    def action_node_shell(self) -> None:
        open_node_shell(self, self.selected_node)

    def action_node_menu(self) -> None:
        node = self.selected_node
        if node is None or self.snapshot is None:
            self.notify("Select a node first.", severity="warning")
            return
        self.app.push_screen(NodeMenu(node, self.snapshot.nodes))

    def action_edit_labels(self) -> None:
        node = self.selected_node
        if node is None:
            self.notify("Select a node first.", severity="warning")
            return
        self.app.push_screen(LabelsModal(node))


# The tasks pane's key (its screen is imported when it is pressed); not in its footer (full
# at 80 columns): help (`?`) lists it.
WHY_BINDING = Binding("w", "why", "Why", show=False, id="task_why")

SERVICE_BINDINGS: list[BindingType] = [
    Binding("s", "scale", "Scale", id="scale_service"),
    Binding("u", "update_image", "Image", show=False, id="update_service_image"),
    Binding("f", "force_redeploy", "Redeploy", show=False, id="force_redeploy_service"),
    Binding("b", "rollback", "Rollback", show=False, id="rollback_service"),
    Binding("x", "remove_service", "Remove", id="remove_service"),
    Binding("c", "create_service", "Create", id="create_service"),
    Binding("o", "rollout", "Rollout", show=False, id="service_rollout"),
    Binding("S", "cycle_stack", "Stack", show=False, id="services_stack_filter"),
    Binding("E", "edit_service", "Edit", show=False, id="edit_service"),
]


class ServicesPane(SnapshotPane):
    BINDINGS: ClassVar[list[BindingType]] = [
        *SERVICE_BINDINGS,
        LOGS_BINDING,
        *SERVICE_SHELL_BINDINGS,
    ]
    COLUMNS = SERVICE_COLUMNS
    STYLED_COLUMNS = frozenset()
    TITLE = "[2] Services"
    KIND = "service"

    def __init__(self, *, id: str | None = None) -> None:
        self.stack: str | None = None  # only this stack's services (NO_STACK: outside any)
        self.loading_edit = False  # `E`: the spec is being read for the edit form
        # Each service's cells as last shown, and from when it is marked: an event changes
        # one service, the others (the same objects) keep theirs.
        self._cells: dict[str, tuple[Service, tuple[str, ...], datetime | None]] = {}
        self._unmarked: dict[str, datetime] = {}  # the services to be marked later, from when
        super().__init__(id=id)

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        services = snapshot.services
        if self.stack is not None:
            services = tuple(services_of_stack(services, self.stack))
        known, self._cells, self._unmarked = self._cells, {}, {}
        return [self._row_of(service, now, known.get(service.id)) for service in services]

    def _row_of(
        self,
        service: Service,
        now: datetime,
        shown: tuple[Service, tuple[str, ...], datetime | None] | None = None,
    ) -> Row:
        """SERVICE's row (its cells as SHOWN when it is the same object), kept for later."""
        if shown is None or shown[0] is not service:
            shown = (service, service_row(service), service_marked_from(service))
        self._cells[service.id] = shown
        mark = shown[2] is not None and now > shown[2]
        if shown[2] is not None and not mark:
            self._unmarked[service.id] = shown[2]
        return (service.id, marked(shown[1], _REPLICAS, mark))

    def show_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        if not self._follow(snapshot, now):
            super().show_snapshot(snapshot, now)

    def _follow(self, snapshot: ClusterSnapshot, now: datetime) -> bool:
        """SNAPSHOT shown by redoing only the rows of the services that changed since the
        one shown (and of those whose stall mark is due): an event about one service costs
        one row, whatever the number of services. False when rows come, go or move."""
        shown = self.snapshot
        if shown is None or shown is snapshot:
            return False  # the same snapshot again (reshow): what the pane keeps changed
        keys = snapshot.services_changed_since(shown)
        if keys is None:
            return False
        due = {key for key, since in self._unmarked.items() if now > since}
        rows: list[Row] = []
        for key in keys | due:
            before, service = shown.service(key), snapshot.service(key)
            if service is None or before is None or before.name != service.name:
                return False
            if stack_name(before) != stack_name(service):  # the stack filters take it or not
                return False
            if self.stack is None or stack_name(service) == self.stack:
                self._unmarked.pop(key, None)
                rows.append(self._row_of(service, now, self._cells.get(key)))
        return self._show_changed_rows(rows, snapshot, now)

    # Stacks -----------------------------------------------------------------------------

    def show_stack(self, stack: str | None) -> None:
        """Only the services of STACK (NO_STACK: those outside stacks; None: all)."""
        self.stack = stack
        self.reshow()
        self._update_title()

    def action_cycle_stack(self) -> None:
        """`S`: all services, then each stack's, then those outside stacks, then all."""
        snapshot = self.snapshot
        names = [s.name for s in summarize_stacks(snapshot.services)] if snapshot else []
        choices: list[str | None] = [None, *names]
        position = choices.index(self.stack) if self.stack in choices else 0
        self.show_stack(choices[(position + 1) % len(choices)])

    def row_filter(self, text: str) -> RowFilter:
        """`stack:NAME` keeps the services of the stacks NAME matches; the rest as usual."""
        stack_text, rest = split_stack_filter(text)
        if stack_text is None:
            return super().row_filter(text)
        in_stack = search_pattern(stack_text)
        rest_filter = super().row_filter(rest) if rest else None

        def keep(row: Row) -> bool:
            service = self.snapshot.service(row[0]) if self.snapshot else None
            if service is None or not in_stack.search(stack_name(service)):
                return False
            return rest_filter is None or rest_filter(row)

        return keep

    def title_text(self) -> str:
        title = super().title_text()
        if self.stack == NO_STACK:
            return f"{title} outside stacks"
        if self.stack is not None:
            return f"{title} of stack {self.stack}"
        return title

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        value = SERVICE_SORT_KEYS.get(column)
        return None if value is None else {s.id: value(s) for s in snapshot.services}

    def scope_for(self, key: str) -> TaskScope | None:
        service = self.snapshot.service(key) if self.snapshot else None
        return TaskScope(ScopeKind.SERVICE, key, service.name) if service else None

    @property
    def selected_service(self) -> Service | None:
        key = self.selected_key
        return self.snapshot.service(key) if self.snapshot and key else None

    def refusal(self, action: str) -> str | None:
        service = self.selected_service
        if action == "scale" and service is not None:
            return scale_refusal(service)  # global services and jobs do not scale
        if action == "shell":
            return read_only_refusal(session_of(self))
        return None

    def action_shell(self) -> None:
        open_service_shell(self, self.selected_service, self.snapshot, ask=False)

    def _chosen(self) -> Service | None:
        service = self.selected_service
        if service is None:
            self.notify("Select a service first.", severity="warning")
        return service

    def action_scale(self) -> None:
        if service := self._chosen():
            self.app.push_screen(ScaleModal(service))

    def action_update_image(self) -> None:
        if service := self._chosen():
            self.app.push_screen(ImageModal(service))

    def _confirm(self, operation: Operation) -> None:
        self.app.push_screen(ConfirmModal(operation))

    def action_force_redeploy(self) -> None:
        if service := self._chosen():
            self._confirm(force_redeploy(service))

    def action_rollback(self) -> None:
        if service := self._chosen():
            self._confirm(rollback(service))

    def action_remove_service(self) -> None:
        if service := self._chosen():
            self._confirm(remove_service(service))

    def action_logs(self) -> None:
        service = self.selected_service
        open_logs(self, service_target(service) if service else None, "service")

    def action_create_service(self) -> None:
        from swarmtui.ui.screens.create_service_screen import CreateServiceScreen

        if not guard(self, "create_service"):
            return
        screen = CreateServiceScreen()

        def created(ok: bool | None) -> None:
            if ok:
                self.notify(f"Service {screen.submitted_name} created.")

        self.app.push_screen(screen, created)

    def action_rollout(self) -> None:
        if service := self._chosen():
            from swarmtui.ui.screens.rollout_screen import RolloutScreen

            self.app.push_screen(RolloutScreen(service))

    def action_edit_service(self) -> None:
        if service := self._chosen():
            self.loading_edit = True
            from swarmtui.ui.service_edit_actions import open_service_edit

            open_service_edit(self, service, lambda: setattr(self, "loading_edit", False))


class StacksPane(SnapshotPane):
    """`docker stack ls` and more: `enter` shows a stack's services in the services pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Services", id="stack_services"),
        Binding("L", "logs", "Logs", id="stack_logs"),
        Binding("d", "deploy_stack", "Deploy", id="deploy_stack"),
        Binding("x", "remove_stack", "Remove", id="remove_stack"),
    ]
    COLUMNS = STACK_COLUMNS
    STYLED_COLUMNS = frozenset({"update"})
    TITLE = "[4] Stacks"
    LAZY_WHEN_HIDDEN = True
    looking_up = False  # a stack's contents are being fetched for a confirmation

    @dataclass
    class Chosen(Message):
        """Show this stack's services (NO_STACK: the services outside stacks)."""

        stack: str

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        return [(stack.name, stack_row(stack)) for stack in summarize_stacks(snapshot.services)]

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        value = STACK_SORT_KEYS.get(column)
        if value is None:
            return None
        return {stack.name: value(stack) for stack in summarize_stacks(snapshot.services)}

    def action_choose(self) -> None:
        stack = self.selected_key
        if stack is None:
            self.notify("No stack to show.", severity="warning")
            return
        self.post_message(self.Chosen(stack))

    def action_logs(self) -> None:
        """The logs of every service of the stack, merged by time."""
        stack, snapshot = self.selected_key, self.snapshot
        selection = None
        if stack is not None and snapshot is not None:
            services = services_of_stack(snapshot.services, stack)
            if services:
                selection = stack_selection(stack_title(stack), services)
        open_logs(self, selection, "stack")

    def refusal(self, action: str) -> str | None:
        if action == "remove_stack" and self.selected_key == NO_STACK:
            return "Services outside any stack are removed one by one (services pane, x)."
        return None

    def action_deploy_stack(self) -> None:
        """Deploy a stack; on a stack's row its name is filled in (an update)."""
        if guard(self.app, "deploy_stack"):
            stack = self.selected_key or NO_STACK
            from swarmtui.ui.modals.stack_deploy_modal import StackDeployModal

            self.app.push_screen(StackDeployModal(name=stack))

    def action_remove_stack(self) -> None:
        stack = self.selected_key
        if stack is None or not guard(self.app, "remove_stack"):
            return
        refusal = self.refusal("remove_stack")
        if refusal is not None:
            self.notify(refusal, severity="warning")
            return
        self.looking_up = True  # keys typed after `x` are meant for the confirmation
        self._confirm_removal(stack)

    @work(thread=True, exclusive=True, group="stack-removal")
    def _confirm_removal(self, stack: str) -> None:
        """What the stack is made of is looked up first: the confirmation names it all."""
        try:
            contents = session_of(self).inspect_stack(stack)
        except BackendError as exc:
            self.app.call_from_thread(self._looked_up, None, exc.message)
            return
        from swarmtui.actions.stack_operations import remove_operation

        self.app.call_from_thread(self._looked_up, ConfirmModal(remove_operation(contents)), "")

    def _looked_up(self, confirmation: ConfirmModal | None, error: str) -> None:
        self.looking_up = False
        if confirmation is None:
            self.notify(error, severity="error")
        else:
            self.app.push_screen(confirmation)

    def show_cursor_on(self, stack: str) -> None:
        if stack in self._index:
            self.move_cursor(self.get_row_index(stack))


NodeAsShown = tuple[str, str | None, str | None]  # id, hostname, status (None: not listed)


@dataclass(frozen=True)
class TaskRowInputs:
    """What the tasks pane's rows are made of."""

    tasks: tuple[Task, ...]
    scope: TaskScope | None
    nodes: tuple[NodeAsShown, ...]
    service_names: tuple[str | None, ...]


def _node_as_shown(node_id: str, node: Node | None) -> NodeAsShown:
    """What a task's row takes from its node: the hostname, and the status (a task held by
    a node that is gone is marked)."""
    return (node_id, None, None) if node is None else (node_id, node.hostname, node.status)


# A tasks pane with more tasks than this makes their rows on a thread of its own when a
# snapshot changes them: 45,000 rows take 0.3 to 0.4 s, and keys would wait for them.
ROWS_IN_BACKGROUND = 5_000


class TasksPane(SnapshotPane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_history", "History", id="toggle_task_history"),
        LOGS_BINDING,
        *SHELL_BINDINGS,
        WHY_BINDING,
    ]
    COLUMNS = TASK_COLUMNS
    STYLED_COLUMNS = frozenset({"desired", "current"})
    TITLE = "[3] Tasks"
    KIND = "task"
    USAGE_COLUMNS = TASK_USAGE_COLUMNS
    USAGE_AFTER = "name"

    def __init__(self, *, id: str | None = None) -> None:
        self.history = False
        self.scope_label = ""
        self._made_of: TaskRowInputs | None = None
        self._followed = 0  # snapshots followed so far: rows made for an older one are late
        # What rows are being made of, off the UI thread, and the latest snapshot with it
        self._making: tuple[TaskRowInputs, ClusterSnapshot] | None = None
        self._referenced: tuple[tuple[Task, ...], tuple[str, ...], tuple[str, ...]] | None = None
        super().__init__(id=id)

    def show_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        self._followed += 1  # shown now: rows still being made for an older one are late
        self._making = None
        self._made_of = self._inputs(snapshot)
        super().show_snapshot(snapshot, now)

    def follow_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        """A new snapshot: new rows only when what they are made of changed. A change
        elsewhere (another service scaled, a node the tasks are not on) leaves them as they
        are, ages included: tens of thousands of tasks are not made again for it. Some tasks
        or their nodes changed: only their rows. More than ROWS_IN_BACKGROUND: all of them,
        on a thread of their own (once for the same tasks, however many snapshots bring
        them meanwhile)."""
        inputs = self._inputs(snapshot)
        making = self._making
        if making is not None and inputs == making[0]:
            self._making = (inputs, snapshot)  # shown with the rows being made
            return
        self._followed += 1
        self._making = None
        if self._made_of is not None and inputs == self._made_of:
            self.snapshot = snapshot
            return
        if len(snapshot.tasks) > ROWS_IN_BACKGROUND:
            self._making = (inputs, snapshot)
            self._make_rows(snapshot, now, inputs, self._followed)
            return
        if not self._follow_tasks(snapshot, now, inputs):
            self._made_of = inputs
            SnapshotPane.show_snapshot(self, snapshot, now)

    # A description of its own: Textual's default is the repr of the arguments, the
    # snapshot's tens of thousands of tasks among them (0.75 s on the UI thread).
    @work(thread=True, exclusive=True, group="task-rows", description="the tasks pane's rows")
    def _make_rows(
        self, snapshot: ClusterSnapshot, now: datetime, inputs: TaskRowInputs, followed: int
    ) -> None:
        """SNAPSHOT's rows made off the UI thread (reading the pane's settings only), then
        shown on it unless a newer snapshot came meanwhile."""
        rows = self.rows_from(snapshot, now)
        if get_current_worker().is_cancelled:
            return  # a newer snapshot's rows are being made
        if self.app.is_running:  # not closing meanwhile
            self.app.call_from_thread(self._rows_made, snapshot, now, inputs, followed, rows)

    def _rows_made(
        self,
        snapshot: ClusterSnapshot,
        now: datetime,
        inputs: TaskRowInputs,
        followed: int,
        rows: list[Row],
    ) -> None:
        if followed != self._followed or not self.is_attached:
            return  # a newer snapshot is shown, or its rows are being made
        latest = self._making[1] if self._making is not None else snapshot
        self._making = None
        self._made_of = inputs
        self._show(latest, now, rows)

    def _follow_tasks(
        self, snapshot: ClusterSnapshot, now: datetime, inputs: TaskRowInputs
    ) -> bool:
        """SNAPSHOT shown by redoing the rows of the tasks that are other objects than in
        the one shown, and of the tasks on a node that changed (the same tasks otherwise, in
        the same order, with the same scope and service names); False when rows come, go or
        move."""
        shown, made_of = self.snapshot, self._made_of
        if shown is None or shown is snapshot or made_of is None:
            return False
        if (inputs.scope, inputs.service_names) != (made_of.scope, made_of.service_names):
            return False
        pairs = replaced_objects(shown.tasks, snapshot.tasks)
        if pairs is None:
            return False
        redone: set[str] = set()
        rows: list[Row] = []
        for old, new in pairs:
            if not self.history and old.is_current != new.is_current:
                return False
            if self.history or new.is_current:
                redone.add(new.id)
                rows.append(self._row_of(new, snapshot, now))
        moved = {node_id for node_id, _, _ in set(inputs.nodes) ^ set(made_of.nodes)}
        if moved:
            rows += (
                self._row_of(task, snapshot, now)
                for task in snapshot.tasks
                if task.node_id in moved
                and task.id not in redone
                and (self.history or task.is_current)
            )
        if not self._show_changed_rows(rows, snapshot, now):
            return False
        self._made_of = inputs
        return True

    def _inputs(self, snapshot: ClusterSnapshot) -> TaskRowInputs:
        """What the rows are made of: the tasks, their scope, the nodes they are on (as a
        row shows them) and the names of their services."""
        tasks = snapshot.tasks
        if self._referenced is None or self._referenced[0] is not tasks:
            service_ids = tuple(sorted({t.service_id for t in tasks}))
            node_ids = tuple(sorted({t.node_id for t in tasks}))
            self._referenced = (tasks, service_ids, node_ids)
        _, service_ids, node_ids = self._referenced
        services = (snapshot.service(service_id) for service_id in service_ids)
        names = tuple(s.name if s is not None else None for s in services)
        nodes = tuple(_node_as_shown(node_id, snapshot.node(node_id)) for node_id in node_ids)
        return TaskRowInputs(tasks, snapshot.task_scope, nodes, names)

    def rows_from(self, snapshot: ClusterSnapshot, now: datetime) -> list[Row]:
        tasks = snapshot.tasks
        if not self.history:
            tasks = tuple(t for t in tasks if t.is_current)
        return [self._row_of(t, snapshot, now) for t in tasks]

    def _row_of(self, task: Task, snapshot: ClusterSnapshot, now: datetime) -> Row:
        cells = marked(task_row(task, snapshot, now), _CURRENT, task_marked(task, snapshot))
        return (task.id, self.with_usage(cells, task_usage_cells(task, self.usage)))

    def sort_values_from(
        self, snapshot: ClusterSnapshot, column: str
    ) -> Mapping[str, SortKey] | None:
        if column in {c.key for c in TASK_USAGE_COLUMNS}:
            usage = self.usage
            return {
                t.id: task_usage_key(usage.task(t.id) if usage else None, column)
                for t in snapshot.tasks
            }
        value = TASK_SORT_KEYS.get(column)
        return None if value is None else {t.id: value(t) for t in snapshot.tasks}

    def usage_demand(self) -> UsageDemand | None:
        """The running tasks in view; all the pane's rows while sorted by CPU or memory (the
        order needs every figure)."""
        snapshot = self.snapshot
        if not self.usage_shown or snapshot is None:
            return None
        sorted_by_usage = self.sort is not None and self.sort.column in ("cpu", "memory")
        keys = {key for key, _ in self._ordered} if sorted_by_usage else set(self.keys_on_screen())
        return UsageDemand(tasks=tuple(t for t in snapshot.tasks if t.id in keys and is_sampled(t)))

    @property
    def selected_task(self) -> Task | None:
        key = self.selected_key
        if self.snapshot is None or key is None:
            return None
        return next((t for t in self.snapshot.tasks if t.id == key), None)

    def refusal(self, action: str) -> str | None:
        if action in ("shell", "shell_command") and self.snapshot is not None:
            return task_refusal(session_of(self), self.selected_task, self.snapshot)
        return None

    def action_shell(self) -> None:
        open_task_shell(self, self.selected_task, self.snapshot, ask=False)

    def action_shell_command(self) -> None:
        open_task_shell(self, self.selected_task, self.snapshot, ask=True)

    def action_logs(self) -> None:
        task, snapshot = self.selected_task, self.snapshot
        target = None
        if task is not None and snapshot is not None:
            target = task_target(task, snapshot.service(task.service_id))
        open_logs(self, target, "task")

    def action_why(self) -> None:
        """`w`: why the selected task is not running."""
        task, snapshot = self.selected_task, self.snapshot
        if task is None or snapshot is None:
            self.notify("Select a task first.", severity="warning")
            return
        node = snapshot.node(task.node_id)
        title = task_name(task, snapshot)
        if not task.slot and node is not None:  # a global service's task: by its node
            title = title.removesuffix(task.node_id) + node.hostname
        from swarmtui.ui.screens.why_screen import WhyScreen

        self.app.push_screen(WhyScreen(task, title))

    def action_toggle_history(self) -> None:
        self.history = not self.history
        self.post_message(self.HistoryToggled())

    def title_text(self) -> str:
        scope = f" of {self.scope_label}" if self.scope_label else ""
        history = " +history" if self.history else ""
        return f"{super().title_text()}{scope}{history}"

    def set_scope_label(self, label: str) -> None:
        self.scope_label = label
        self._update_title()

    class HistoryToggled(Message):
        """The user switched task history on or off."""
