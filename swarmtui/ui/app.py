"""The swarmtui application: wiring only. The session owns the connection and every
write; the screens subscribe to it; the app opens the first screen, connects, and runs the
session's sync loops on worker threads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from swarmtui.core.errors import BackendError
from swarmtui.session.session import Connected, NeedsSwarm, Session, Unavailable
from swarmtui.ui.commands import SwarmCommands
from swarmtui.ui.key_gate import KeyGate
from swarmtui.ui.messages import ReconnectRequested
from swarmtui.ui.modals.create_machine_dialog import CreateMachineDialog
from swarmtui.ui.modals.object_modals import ObjectFormModal
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.screens.contexts_screen import ContextsScreen
from swarmtui.ui.screens.create_service_screen import CreateServiceScreen
from swarmtui.ui.screens.edit_service_screen import EditServiceScreen
from swarmtui.ui.screens.events_screen import EventsScreen
from swarmtui.ui.screens.help_screen import HelpScreen, binding_rows
from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen
from swarmtui.ui.screens.inspect_screen import InspectScreen
from swarmtui.ui.screens.join_screen import JoinTokensScreen
from swarmtui.ui.screens.journal_screen import JournalScreen
from swarmtui.ui.screens.log_screen import LogScreen
from swarmtui.ui.screens.machines_screen import MachinesScreen
from swarmtui.ui.screens.main_screen import USAGE_BINDINGS, MainScreen
from swarmtui.ui.screens.problem_screen import ProblemScreen
from swarmtui.ui.screens.rollout_screen import RolloutScreen
from swarmtui.ui.screens.top_screen import TopScreen
from swarmtui.ui.screens.why_screen import WhyScreen
from swarmtui.ui.session_access import SessionApp
from swarmtui.ui.styles import stylesheet
from swarmtui.ui.widgets.filter_bar import FilterBar
from swarmtui.ui.widgets.log_search_bar import LogSearchBar
from swarmtui.ui.widgets.log_view import LogView
from swarmtui.ui.widgets.object_panes import SecretsPane
from swarmtui.ui.widgets.panes import NodesPane, ServicesPane, StacksPane, TasksPane
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.widgets.virtual_table import VirtualTable

# The terminal's ctrl+z reaches the console as a key (Textual turns ISIG off): Textual's
# suspend_process gives the terminal back and stops the process; `fg` resumes and repaints.
SUSPEND_BINDING = Binding("ctrl+z", "suspend_process", "Suspend", show=False, id="suspend")


# Where the help starts on a modal screen (its own keys); the most specific first.
HELP_GROUPS: list[tuple[type[Screen[Any]], str]] = [
    (JoinTokensScreen, "join"),
    (CreateMachineDialog, "create machine"),
    (EditServiceScreen, "edit"),
    (CreateServiceScreen, "create"),
    (ObjectFormModal, "object forms"),
    (OperationModal, "modals"),
]


def help_group_of(screen: Screen[Any]) -> str | None:
    return next((group for kind, group in HELP_GROUPS if isinstance(screen, kind)), None)


class SwarmTuiApp(SessionApp):
    CSS_PATH = str(stylesheet("app.tcss"))
    TITLE = "swarmtui"
    COMMANDS = App.COMMANDS | {SwarmCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", id="command_palette"),
        SUSPEND_BINDING,
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.main_screen = MainScreen()
        self.key_gate = KeyGate(self, super().on_event)
        if session.config.keys:
            self.set_keymap(dict(session.config.keys))

    # Input ------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if not self.key_gate.offer(event):
            await super().on_event(event)

    # Lifecycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        config = self.session.config
        if config.theme in self.available_themes:
            self.theme = config.theme
        self.push_screen(self.main_screen)
        if self.session.startup_error is not None:
            self.show_problem(self.session.startup_error)
        else:
            self._connect()

    def on_unmount(self) -> None:
        # Every way out (not only `q`): the sync threads must end or the process hangs.
        self.session.close()

    async def action_quit(self) -> None:
        self.session.close()
        self.exit()

    def action_reconnect(self) -> None:
        self.session.close()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self._connect()

    @on(ReconnectRequested)
    def _reconnect_requested(self, message: ReconnectRequested) -> None:
        self.action_reconnect()

    @work(thread=True, exclusive=True, group="connect")
    def _connect(self) -> None:
        outcome = self.session.connect()
        if isinstance(outcome, Unavailable):
            self.call_from_thread(self.show_problem, outcome.error)
        elif isinstance(outcome, NeedsSwarm):
            screen = InitSwarmScreen(outcome.endpoint, outcome.advertise_address)
            self.call_from_thread(self.push_screen, screen)
        elif isinstance(outcome, Connected):
            self.call_from_thread(self._start_sync)

    def _start_sync(self) -> None:
        for name, loop in self.session.sync_loops():
            self.run_worker(loop, thread=True, group=name, name=name)

    def show_problem(self, error: BackendError) -> None:
        self.push_screen(ProblemScreen(error, self.session.endpoint_label))

    def watch_theme(self, theme: str) -> None:
        if self.main_screen.is_mounted:
            for pane in self.main_screen.query(ResourceTable):
                pane.restyle()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        groups: list[tuple[str, Iterable[BindingType]]] = [
            ("global", [b for b in self.BINDINGS if b is not SUSPEND_BINDING]),
            ("main", [b for b in MainScreen.BINDINGS if b not in USAGE_BINDINGS]),
            ("panes", VirtualTable.BINDINGS),
            ("panes", ResourceTable.BINDINGS),
            ("nodes", NodesPane.BINDINGS),
            ("services", ServicesPane.BINDINGS),
            ("stacks", StacksPane.BINDINGS),
            ("objects", SecretsPane.BINDINGS),
            ("object forms", ObjectFormModal.BINDINGS),
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
            ("edit", EditServiceScreen.BINDINGS),
            ("rollout", RolloutScreen.BINDINGS),
            ("join", JoinTokensScreen.BINDINGS),
            ("journal", JournalScreen.BINDINGS),
            ("machines", MachinesScreen.BINDINGS),
            ("create machine", CreateMachineDialog.BINDINGS),
            ("main", USAGE_BINDINGS),  # later than the main screen's first keys
            ("top", TopScreen.BINDINGS),
            ("events", EventsScreen.BINDINGS),
            ("contexts", ContextsScreen.BINDINGS),
            ("why", WhyScreen.BINDINGS),
            ("global", [SUSPEND_BINDING]),  # last: the rows above keep their places
        ]
        config = self.session.config
        rows = binding_rows(groups, dict(config.keys))
        where = help_group_of(self.screen)
        first = next((i for i, row in enumerate(rows) if row[0] == where), 0)
        self.push_screen(HelpScreen(rows, str(config.path or "config.toml"), first))
