"""The swarmtui application: wiring between the sync layer, workers and screens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from textual import events, work
from textual.app import App
from textual.binding import Binding

from swarmtui.actions.journal import Journal
from swarmtui.actions.operations import Operation, OperationRefused
from swarmtui.core.addresses import default_advertise_address
from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import ClusterSnapshot, TaskScope
from swarmtui.machines.service import MachineService
from swarmtui.ports import ClusterBackend
from swarmtui.session.failover import Failover, FailoverPlan, ManagerDirectory, electing_error
from swarmtui.session.loops import EventPump, run_poll_loop
from swarmtui.session.refresher import Refresher, RefreshTimings
from swarmtui.ui.commands import SwarmCommands
from swarmtui.ui.key_gate import KeyGate
from swarmtui.ui.messages import EventsState, ManagerSwitched, SnapshotUpdated, SyncProblem
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.help_screen import HelpScreen, binding_rows
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.styles import stylesheet
from swarmtui.ui.widgets.cluster_header import ClusterHeader, data_age_text
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.log_search_bar import LogSearchBar
from swarmtui.ui.widgets.log_view import LogView
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import VirtualTable

Connector = Callable[[], ClusterBackend]
T = TypeVar("T")
AGE_CHECK_SECONDS = 1.0


class SwarmTuiApp(App[None]):
    CSS_PATH = str(stylesheet("app.tcss"))
    TITLE = "swarmtui"
    COMMANDS = App.COMMANDS | {SwarmCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", id="command_palette"),
    ]

    def __init__(
        self,
        connector: Connector,
        config: Config | None = None,
        endpoint_label: str = "",
        clock: Callable[[], datetime] | None = None,
        startup_error: BackendError | None = None,
        machines: MachineService | None = None,
        failover: FailoverPlan | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._connector = connector
        self._endpoint_label = endpoint_label
        self._clock = clock or (lambda: datetime.now(UTC))
        self._startup_error = startup_error
        self.machines = machines  # None: no machine management (issue 5)
        self._failover_plan = failover
        self._failover: Failover | None = None
        self._directory: ManagerDirectory | None = None
        self._backend: ClusterBackend | None = None
        self._refresher: Refresher | None = None
        self._pump: EventPump | None = None
        self._stop = threading.Event()
        self._events_ok = False
        self._sync_error: BackendError | None = None
        self.main_screen = MainScreen()
        self.journal = Journal()
        self.key_gate = KeyGate(self, super().on_event)
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))

    # Input ------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if not self.key_gate.offer(event):
            await super().on_event(event)

    # Lifecycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.push_screen(self.main_screen)
        self.set_interval(AGE_CHECK_SECONDS, self._update_age)
        if self._startup_error is not None:
            self.show_problem(self._startup_error)
        else:
            self._connect()

    def now(self) -> datetime:
        return self._clock()

    @property
    def refresher(self) -> Refresher | None:
        return self._refresher

    def _stop_sync(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.wake()  # the poll loop may sleep up to resync_interval
        if self._pump is not None:
            self._pump.close()
        if self._backend is not None:
            self._backend.close()
        self._pump = None
        self._refresher = None
        self._backend = None

    def on_unmount(self) -> None:
        # Every way out (not only `q`): the sync threads must end or the process hangs.
        self._stop_sync()

    async def action_quit(self) -> None:
        self._stop_sync()
        self.exit()

    def action_reconnect(self) -> None:
        self._stop_sync()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self._connect()

    # Connection -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="connect")
    def _connect(self) -> None:
        self._stop = threading.Event()
        try:
            backend = self._connector()
            info = backend.engine_info()
        except BackendError as exc:
            self.call_from_thread(self.show_problem, exc)
            return
        except Exception as exc:  # a bug or an unforeseen library error: still no traceback
            error = BackendError(ProblemKind.ENGINE_ERROR, f"{type(exc).__name__}: {exc}")
            self.call_from_thread(self.show_problem, error)
            return
        self._backend = backend
        if info.swarm_state != "active":
            address = default_advertise_address(backend.endpoint_display)
            self.call_from_thread(
                self.push_screen, InitSwarmScreen(backend.endpoint_display, address)
            )
            return
        if not info.is_manager:
            error = BackendError(
                ProblemKind.NOT_A_MANAGER,
                f"{backend.endpoint_display} is a swarm worker ({info.name}), not a manager.",
                "Workers cannot see the cluster. Connect to a manager: swarmtui --host URL.",
            )
            self.call_from_thread(self.show_problem, error)
            return
        timings = RefreshTimings(poll_interval=self.config.refresh_interval)
        self._refresher = Refresher(backend, timings, wallclock=self._clock)
        self._pump = EventPump(self._refresher, self._events_state_changed)
        plan = self._failover_plan
        if plan is not None:
            self._directory = ManagerDirectory(plan.endpoints)
            self._failover = Failover(
                self._refresher, self._pump, self._directory, plan.open_backend, self._switched
            )
        self.call_from_thread(self._start_sync)

    def _start_sync(self) -> None:
        if self._refresher is None or self._pump is None:
            return
        refresher, pump, stop = self._refresher, self._pump, self._stop
        failover = self._failover.handle if self._failover is not None else None
        self.run_worker(
            lambda: run_poll_loop(refresher, stop, self._publish, self._report, failover),
            thread=True,
            group="poll",
            name="poll-loop",
        )
        self.run_worker(lambda: pump.run(stop), thread=True, group="events", name="event-pump")

    def probe(self) -> bool:
        """Whether a manager answers now (from a worker thread); nothing is kept."""
        try:
            backend = self._connector()
        except Exception:
            return False
        try:
            info = backend.engine_info()
        except Exception:
            return False
        finally:
            backend.close()
        return info.swarm_state == "active" and info.is_manager

    def show_problem(self, error: BackendError) -> None:
        self.push_screen(ProblemScreen(error, self._endpoint_label))

    @property
    def read_only(self) -> bool:
        return self.config.read_only

    def execute(self, operation: Operation) -> None:
        """Run OPERATION (from a worker thread), journal it and refresh at once."""
        if self.read_only:
            raise OperationRefused("Read-only mode: swarmtui makes no changes.")
        try:
            self.backend_call(lambda b: operation.run(b.mutator()))
        except BackendError as exc:
            self.journal.record(self.now(), operation.command, False, exc.message)
            raise
        self.journal.record(self.now(), operation.command, True, "ok")
        self.refresh_now()

    def connected_backend(self) -> ClusterBackend | None:
        """The backend of the manager the console is connected to; None until it is."""
        return self._backend

    def backend_call(self, call: Callable[[ClusterBackend], T]) -> T:
        """Run CALL with the connected backend (from a worker thread)."""
        backend = self._backend
        if backend is None:
            raise BackendError(ProblemKind.UNREACHABLE, "Not connected.")
        return call(backend)

    # From worker threads ----------------------------------------------------------------

    def _publish(self, snapshot: ClusterSnapshot) -> None:
        if self._directory is not None:
            self._directory.learn(snapshot.nodes)
        self.post_message(SnapshotUpdated(snapshot))

    def _switched(self, old: str, new: str, electing: bool) -> None:
        self._backend = self._refresher.backend if self._refresher else self._backend
        self.post_message(ManagerSwitched(old, new, electing))

    def _report(self, error: BackendError | None) -> None:
        self.post_message(SyncProblem(error))

    def _events_state_changed(self, connected: bool) -> None:
        self.post_message(EventsState(connected))

    # Messages ---------------------------------------------------------------------------

    def on_snapshot_updated(self, message: SnapshotUpdated) -> None:
        if not self.is_running:  # shutting down: the panes may already be gone
            return
        self.main_screen.apply_snapshot(message.snapshot, self.now())
        self._update_age()

    def on_manager_switched(self, message: ManagerSwitched) -> None:
        self.main_screen.query_one(ClusterHeader).show_switch(message.old, message.new)
        self.notify(f"Manager {message.old} is gone: switched to {message.new}", timeout=8)
        if message.electing:  # until the new manager answers (or says otherwise)
            self._sync_error = electing_error(message.new)
        self._update_age()

    def on_sync_problem(self, message: SyncProblem) -> None:
        self._sync_error = message.error
        self._update_age()

    def on_events_state(self, message: EventsState) -> None:
        self._events_ok = message.connected
        self._update_age()

    def _update_age(self) -> None:
        refresher = self._refresher
        if refresher is None or not self.is_running or not self.main_screen.is_mounted:
            return
        age = None
        if refresher.last_success is not None:
            age = max(0.0, refresher.seconds_since_success())
        text = data_age_text(age, self.config.refresh_interval)
        error = self._sync_error.message if self._sync_error else ""
        electing = self._sync_error is not None and self._sync_error.kind is ProblemKind.ELECTING
        header = self.main_screen.query_one(ClusterHeader)
        header.show_state(text, self._events_ok, error, electing=electing)

    def watch_theme(self, theme: str) -> None:
        if self.main_screen.is_mounted:
            for pane in self.main_screen.query(ResourceTable):
                pane.restyle()

    # Actions ----------------------------------------------------------------------------

    def refresh_now(self) -> None:
        if self._refresher is not None:
            self._refresher.request()

    def set_task_scope(self, scope: TaskScope) -> None:
        if self._refresher is not None:
            self._refresher.set_scope(scope)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        groups = [
            ("global", self.BINDINGS),
            ("main", MainScreen.BINDINGS),
            ("panes", VirtualTable.BINDINGS),
            ("panes", ResourceTable.BINDINGS),
            ("nodes", NodesPane.BINDINGS),
            ("services", ServicesPane.BINDINGS),
            ("tasks", TasksPane.BINDINGS),
            ("modals", OperationModal.BINDINGS),
            ("filter", FilterBar.BINDINGS),
            ("inspect", InspectScreen.BINDINGS),
            ("logs", LogScreen.BINDINGS),
            ("logs", LogView.BINDINGS),
            ("log search", LogSearchBar.BINDINGS),
            ("help", HelpScreen.BINDINGS),
            ("problem", ProblemScreen.BINDINGS),
            ("init", InitSwarmScreen.BINDINGS),
            ("create", CreateServiceScreen.BINDINGS),
            ("rollout", RolloutScreen.BINDINGS),
            ("join", JoinTokensScreen.BINDINGS),
            ("journal", JournalScreen.BINDINGS),
            ("machines", MachinesScreen.BINDINGS),
            ("create machine", CreateMachineDialog.BINDINGS),
        ]
        rows = binding_rows(groups, dict(self.config.keys))
        self.push_screen(HelpScreen(rows, str(self.config.path or "config.toml")))
