"""The main screen: cluster header, nodes (or stacks), services and tasks panes, filter bar.

The nodes and the stacks pane share the top-left place: `1` shows the nodes, `4` the stacks.
`enter` on a stack shows its services in the services pane (and their tasks below, as for
any service); `escape` goes back up: from the tasks to the services, from a stack's services
to the stacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from swarmtui.core.errors import ProblemKind
from swarmtui.core.models import ClusterSnapshot, TaskScope
from swarmtui.core.usage import UsageReport
from swarmtui.ports import ObjectKind
from swarmtui.session.model import SessionChange
from swarmtui.session.usage_report import UsageSampled
from swarmtui.ui.messages import (
    ManagerChanged,
    SnapshotUpdated,
    SyncStateUpdated,
    UsageUpdated,
    message_for,
)
from swarmtui.ui.session_access import SessionUser, allowed, guard
from swarmtui.ui.widgets.cluster_header import ClusterHeader, data_age_text
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.key_footer import KeyFooter
from swarmtui.ui.widgets.object_panes import ObjectsPane, hidden_object_panes
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, SnapshotPane, StacksPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import VirtualTable
from swarmtui.ui.wire.driver import redraw

# One place on screen: one of them is shown.
SIDE_PANE_IDS = ("nodes", "stacks", "secrets", "configs", "networks")
NARROW_WIDTH = 110
AGE_CHECK_SECONDS = 1.0
# While the usage columns are shown, what is in view (scrolled, filtered, sorted) is looked
# at this often to tell the sampler; nothing runs while they are hidden.
USAGE_VIEW_CHECK_SECONDS = 1.0
USAGE_BINDINGS = [
    Binding("U", "toggle_usage", "Usage", show=False, id="toggle_usage"),
    Binding("t", "top", "Top", show=False, id="top"),
]


def on_screen(screen: Screen[None]) -> bool:
    """Whether SCREEN is seen: on top, or under modal screens only."""
    for above in reversed(screen.app.screen_stack):
        if above is screen:
            return True
        if not above.is_modal:
            return False
    return False


class MainScreen(SessionUser, Screen[None]):
    AUTO_FOCUS = "#services"  # never the nodes pane first: its focus would scope the tasks
    # Screen's own `focused` repaints the whole screen on each focus change; the widgets
    # whose looks depend on focus are restyled (and repainted) by the focus change itself,
    # so a pane switch repaints those panes and the footer only.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    BINDINGS = [
        Binding("1", "focus_pane('nodes')", "Nodes", show=False, id="focus_nodes"),
        Binding("2", "focus_pane('services')", "Services", show=False, id="focus_services"),
        Binding("3", "focus_pane('tasks')", "Tasks", show=False, id="focus_tasks"),
        Binding("4", "focus_pane('stacks')", "Stacks", show=False, id="focus_stacks"),
        Binding("5", "focus_pane('secrets')", "Secrets", show=False, id="focus_secrets"),
        Binding("6", "focus_pane('configs')", "Configs", show=False, id="focus_configs"),
        Binding("7", "focus_pane('networks')", "Networks", show=False, id="focus_networks"),
        Binding("escape", "back", "Back", id="back"),
        Binding("tab", "focus_next_pane(1)", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "focus_next_pane(-1)", "Previous pane", show=False, id="prev_pane"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("T", "join_tokens", "Join tokens", show=False, id="join_tokens"),
        Binding("J", "journal", "Journal", show=False, id="journal"),
        Binding("M", "machines", "Machines", show=False, id="machines"),
        *USAGE_BINDINGS,
        Binding("V", "events", "Events", show=False, id="events"),
        Binding("C", "contexts", "Contexts", show=False, id="contexts"),
    ]

    def __init__(self) -> None:
        super().__init__(id="main")
        self.snapshot: ClusterSnapshot | None = None
        self._filter_target: ResourceTable | None = None
        self._scope_source: ResourceTable | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.usage_shown = False
        self._usage_unsubscribe: Callable[[], None] | None = None
        self._usage_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        with Vertical(id="panes"):
            with Horizontal(id="top-panes"):
                yield NodesPane(id="nodes")
                stacks = StacksPane(id="stacks")
                stacks.display = False
                yield stacks
                yield from hidden_object_panes()
                yield ServicesPane(id="services")
            yield TasksPane(id="tasks")
        filter_bar = FilterBar()
        filter_bar.display = False
        yield filter_bar
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._unsubscribe = self.session.model.subscribe(self._session_changed)
        self.set_interval(AGE_CHECK_SECONDS, self._show_sync_state)
        if not self.session.publish_early_snapshot():  # else: once it is painted
            self.session.first_snapshot_painted()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._stop_usage()

    def _session_changed(self, change: SessionChange) -> None:
        """From the session's threads: handled on this screen's own."""
        self.post_message(message_for(change))

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#top-panes").set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # Panes ------------------------------------------------------------------------------

    def pane(self, name: str) -> ResourceTable:
        return self.query_one(f"#{name}", ResourceTable)

    @property
    def focused_pane(self) -> ResourceTable | None:
        focused = self.focused
        return focused if isinstance(focused, ResourceTable) else None

    def action_focus_pane(self, name: str) -> None:
        if name in SIDE_PANE_IDS:
            self._show_side_pane(name)
        self.pane(name).focus()

    def _show_side_pane(self, name: str) -> None:
        for side in SIDE_PANE_IDS:
            self.pane(side).display = side == name
        shown = self.pane(name)
        if isinstance(shown, SnapshotPane):
            shown.catch_up()

    @property
    def pane_ids(self) -> tuple[str, ...]:
        """The panes on screen, in `tab` order."""
        side = next(name for name in SIDE_PANE_IDS if self.pane(name).display)
        return (side, "services", "tasks")

    def action_focus_next_pane(self, step: int) -> None:
        current, order = self.focused_pane, self.pane_ids
        index = order.index(current.id) if current and current.id in order else 0
        self.pane(order[(index + step) % len(order)]).focus()

    def action_refresh(self) -> None:
        # Task ages ("Running 5 minutes ago") are computed when data changes; an idle
        # console does not redraw them every minute. `r` brings them up to date too.
        self.session.refresh_now()
        self.query_one(NodesPane).recheck_reach()
        self.refresh_task_ages(self.session.now())
        self.notify("Refreshing", timeout=1)
        # The terminal gets only the cells that change: `r` also sends every cell again,
        # should something else have written over the screen.
        redraw(self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._back_target() is not None  # shown only where it goes somewhere
        return allowed(self.app, action)

    @property
    def busy(self) -> bool:
        """Fetching what a confirmation will show (a stack's contents): the key gate holds
        the keys typed after the one that asked, since they are meant for it."""
        return self.query_one(StacksPane).looking_up or self.query_one(ServicesPane).loading_edit

    def action_deploy_stack(self) -> None:
        if guard(self.app, "deploy_stack"):
            from swarmtui.ui.modals.stack_deploy_modal import StackDeployModal

            self.app.push_screen(StackDeployModal())

    def action_join_tokens(self) -> None:
        from swarmtui.ui.screens.join_screen import JoinTokensScreen, manager_address

        if not guard(self.app, "join_tokens"):
            return
        snapshot = self.snapshot
        engine = f"{snapshot.engine.name} ({snapshot.endpoint})" if snapshot else ""
        self.app.push_screen(JoinTokensScreen(manager_address(snapshot), engine))

    def action_journal(self) -> None:
        from swarmtui.ui.screens.journal_screen import JournalScreen

        self.app.push_screen(JournalScreen())

    def action_machines(self) -> None:
        from swarmtui.ui.screens.machines_screen import MachinesScreen

        self.app.push_screen(MachinesScreen())

    # Usage ------------------------------------------------------------------------------

    def action_toggle_usage(self) -> None:
        """`U`: CPU and memory columns in the tasks pane, totals in the nodes pane."""
        self.usage_shown = not self.usage_shown
        for pane in (self.query_one(NodesPane), self.query_one(TasksPane)):
            pane.show_usage(self.usage_shown)
        if not self.usage_shown:
            self._stop_usage()
            return
        usage = self.session.usage
        if not usage.available:
            self.notify("No access to the nodes' engines here: no usage figures.", timeout=6)
        if self._usage_unsubscribe is None:
            self._usage_unsubscribe = usage.subscribe(self._usage_sampled)
        if usage.last_report is not None:
            self._show_usage(usage.last_report)
        self._usage_timer = self.set_interval(USAGE_VIEW_CHECK_SECONDS, self.want_usage)
        self.want_usage()

    def _stop_usage(self) -> None:
        if self._usage_timer is not None:
            self._usage_timer.stop()
            self._usage_timer = None
        if self._usage_unsubscribe is not None:
            self._usage_unsubscribe()
            self._usage_unsubscribe = None
        self._withdraw_usage()

    def _withdraw_usage(self) -> None:
        usage = self.session.usage
        usage.want("tasks", None)
        usage.want("nodes", None)

    def want_usage(self) -> None:
        """Tell the sampler what the panes show now (nothing while another screen is on top)."""
        if not self.usage_shown or not on_screen(self):
            self._withdraw_usage()
            return
        usage = self.session.usage
        usage.want("tasks", self.query_one(TasksPane).usage_demand())
        usage.want("nodes", self.query_one(NodesPane).usage_demand())

    def _usage_sampled(self, change: UsageSampled) -> None:
        """From the sampler's thread."""
        self.post_message(UsageUpdated(change.report))

    @on(UsageUpdated)
    def _usage_updated(self, message: UsageUpdated) -> None:
        if self.usage_shown and self.app.is_running:
            self._show_usage(message.report)

    def _show_usage(self, report: UsageReport) -> None:
        with self.app.batch_update():
            for pane in (self.query_one(NodesPane), self.query_one(TasksPane)):
                pane.set_usage(report)

    def on_screen_suspend(self) -> None:
        if self.usage_shown:
            self.want_usage()  # still shown under a modal; nothing under another screen

    def on_screen_resume(self) -> None:
        if self.usage_shown:
            self.want_usage()

    def action_top(self) -> None:
        """`t`: the tasks of the whole swarm by CPU or memory."""
        from swarmtui.ui.screens.top_screen import TopScreen

        self.app.push_screen(TopScreen())

    # Session ----------------------------------------------------------------------------

    @on(SnapshotUpdated)
    def _snapshot_updated(self, message: SnapshotUpdated) -> None:
        if not self.app.is_running:  # shutting down: the panes may already be gone
            return
        first = self.snapshot is None
        self.apply_snapshot(message.snapshot, self.session.now())
        self._show_sync_state()
        if first:
            # The panes lay their rows out in the refresh after the first one: the second
            # refresh paints them.
            self.call_after_refresh(self.call_after_refresh, self.session.first_snapshot_painted)

    @on(SyncStateUpdated)
    def _sync_state_updated(self, message: SyncStateUpdated) -> None:
        self._show_sync_state()

    @on(ManagerChanged)
    def _manager_changed(self, message: ManagerChanged) -> None:
        self.query_one(ClusterHeader).show_switch(message.old, message.new)
        self.notify(f"Manager {message.old} is gone: switched to {message.new}", timeout=8)
        self._show_sync_state()

    def _show_sync_state(self) -> None:
        session = self.session
        if not session.connected or not self.is_mounted:
            return
        text = data_age_text(session.seconds_since_success(), session.poll_interval())
        error = session.model.error
        electing = error is not None and error.kind is ProblemKind.ELECTING
        header = self.query_one(ClusterHeader)
        header.show_context(session.context_name)
        header.show_state(
            text, session.model.events_connected, error.message if error else "", electing=electing
        )

    # Snapshot ---------------------------------------------------------------------------

    def apply_snapshot(self, snapshot: ClusterSnapshot, now: datetime) -> None:
        self.snapshot = snapshot
        self.query_one(ClusterHeader).show_snapshot(snapshot)
        with self.app.batch_update():
            self.query_one(NodesPane).show_snapshot(snapshot, now)
            self.query_one(StacksPane).show_snapshot(snapshot, now)
            for objects in self.query(ObjectsPane):
                objects.show_snapshot(snapshot, now)
            self.query_one(ServicesPane).show_snapshot(snapshot, now)
            self._show_tasks(snapshot, now, follow=True)
        if snapshot.task_scope is None:
            self._choose_scope()
        if self.usage_shown:
            self.want_usage()

    def refresh_task_ages(self, now: datetime) -> None:
        if self.snapshot is not None:
            self._show_tasks(self.snapshot, now)

    def _show_tasks(self, snapshot: ClusterSnapshot, now: datetime, follow: bool = False) -> None:
        """FOLLOW: as a new snapshot comes (rows only if the tasks changed); else the rows
        again, their ages brought up to date."""
        tasks = self.query_one(TasksPane)
        if follow:
            tasks.follow_snapshot(snapshot, now)
        else:
            tasks.show_snapshot(snapshot, now)
        scope = snapshot.task_scope
        if scope is not None:
            tasks.set_scope_label(f"{scope.kind.value} {scope.label}")

    def _choose_scope(self) -> None:
        source = self._scope_source or self.query_one(ServicesPane)
        if not source.row_count:
            source = self.query_one(NodesPane)
        self._set_scope_from(source)

    def _set_scope_from(self, pane: ResourceTable) -> None:
        if self.snapshot is None or not isinstance(pane, NodesPane | ServicesPane):
            return
        key = pane.selected_key
        if key is None:
            return
        self._scope_source = pane
        scope = pane.scope_for(key)
        if scope is not None:
            tasks = self.query_one(TasksPane)
            self.session.set_task_scope(
                TaskScope(scope.kind, scope.object_id, scope.label, tasks.history)
            )
            tasks.set_scope_label(f"{scope.kind.value} {scope.label}")

    @on(VirtualTable.RowHighlighted)
    def _row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        pane = event.table
        if isinstance(pane, NodesPane | ServicesPane) and pane.has_focus:
            self._set_scope_from(pane)

    @on(events.DescendantFocus)
    def _pane_focused(self, event: events.DescendantFocus) -> None:
        self.refresh_bindings()  # `escape` goes back from some panes only
        pane = self.focused_pane
        if isinstance(pane, NodesPane | ServicesPane):
            self._set_scope_from(pane)

    @on(TasksPane.HistoryToggled)
    def _history_toggled(self, event: TasksPane.HistoryToggled) -> None:
        if self._scope_source is not None:
            self._set_scope_from(self._scope_source)
        if self.snapshot is not None:
            self._show_tasks(self.snapshot, self.session.now())

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        if isinstance(event.table, ResourceTable):
            self.open_inspect(event.table, event.key)

    def open_inspect(self, pane: ResourceTable, object_id: str) -> None:
        kind = pane.KIND
        if kind is not None:
            title = self._object_title(kind, object_id)
            from swarmtui.ui.screens.inspect_screen import InspectScreen

            self.app.push_screen(InspectScreen(kind, object_id, title))

    def _object_title(self, kind: ObjectKind, object_id: str) -> str:
        snap = self.snapshot
        if snap is None:
            return f"{kind} {object_id[:12]}"
        if kind == "node" and (node := snap.node(object_id)):
            return f"node {node.hostname}"
        if kind == "service" and (service := snap.service(object_id)):
            return f"service {service.name}"
        return f"{kind} {object_id[:12]}"

    def select_object(self, pane_name: str, object_id: str) -> None:
        """Jump to an object: focus its pane and put the cursor on its row."""
        pane = self.pane(pane_name)
        pane.set_filter("")
        if isinstance(pane, ServicesPane):
            pane.show_stack(None)
        self.action_focus_pane(pane_name)
        try:
            pane.move_cursor(row=pane.get_row_index(object_id))
        except Exception:
            self.notify(f"{object_id[:12]} is not in the {pane_name} pane", severity="warning")

    # Stacks -----------------------------------------------------------------------------

    @on(StacksPane.Chosen)
    def _stack_chosen(self, message: StacksPane.Chosen) -> None:
        self.show_stack_services(message.stack)

    def show_stack_services(self, stack: str) -> None:
        """Drill down: the services of STACK, the first one selected, its tasks below."""
        self._show_side_pane("stacks")
        self.query_one(StacksPane).show_cursor_on(stack)
        services = self.query_one(ServicesPane)
        services.set_filter("")
        services.show_stack(stack)
        services.move_cursor(0)
        services.focus()
        self._set_scope_from(services)  # also when it had the focus already
        self.refresh_bindings()

    def _back_target(self) -> str | None:
        """Where `escape` goes from the focused pane: up from a stack's services and tasks."""
        focused = self.focused_pane
        if self.query_one(ServicesPane).stack is None:
            return None
        if isinstance(focused, TasksPane):
            return "services"
        if isinstance(focused, ServicesPane):
            return "stacks"
        return None

    def action_back(self) -> None:
        target = self._back_target()
        if target == "services":
            self.pane("services").focus()
        elif target == "stacks":
            services = self.query_one(ServicesPane)
            stack = services.stack
            services.show_stack(None)
            self.action_focus_pane("stacks")
            if stack is not None:
                self.query_one(StacksPane).show_cursor_on(stack)
        self.refresh_bindings()

    # Filter -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        target = self.focused_pane or self.query_one(ServicesPane)
        self._filter_target = target
        bar = self.query_one(FilterBar)
        bar.value = target.filter_text
        bar.display = True
        bar.focus()

    @on(Input.Changed, "FilterBar")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_target is not None:
            self._filter_target.set_filter(event.value)

    @on(Input.Submitted, "FilterBar")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._close_filter()

    @on(FilterBar.Cancelled)
    def _filter_cancelled(self, event: FilterBar.Cancelled) -> None:
        if self._filter_target is not None:
            self._filter_target.set_filter("")
        self._close_filter()

    def _close_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = False
        if self._filter_target is not None:
            self._filter_target.focus()

    # Events and contexts ----------------------------------------------------------------

    def selected_object(self) -> tuple[str, str] | None:
        """(id, label) of the node or service selected in the focused pane; a task's
        service. None when no pane with a selection has the focus."""
        pane, snapshot = self.focused_pane, self.snapshot
        key = pane.selected_key if pane is not None else None
        if pane is None or key is None or snapshot is None:
            return None
        if pane.KIND == "task":
            task = next((t for t in snapshot.tasks if t.id == key), None)
            if task is None:
                return None
            key = task.service_id
            return key, self._object_title("service", key)
        if pane.KIND in ("node", "service"):
            return key, self._object_title(pane.KIND, key)
        return None

    def action_events(self, whole_swarm: bool = False) -> None:
        """`V`: the swarm's events, only the selected object's when one is selected."""
        from swarmtui.ui.screens.events_screen import EventsScreen

        chosen = None if whole_swarm else self.selected_object()
        if chosen is None:
            self.app.push_screen(EventsScreen())
        else:
            self.app.push_screen(EventsScreen(*chosen))

    def action_contexts(self) -> None:
        """`C`: docker contexts, configured hosts and machines' swarms; enter switches."""
        from swarmtui.ui.screens.contexts_screen import ContextsScreen

        self.app.push_screen(ContextsScreen())
