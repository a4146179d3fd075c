"""The swarmtui application: wiring only. The session owns the connection and every
write; the screens subscribe to it; the app opens the first screen, connects, and runs the
session's sync loops on worker threads."""

from __future__ import annotations

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver

from swarmtui.core.errors import BackendError
from swarmtui.session.session import Connected, NeedsSwarm, Session, Unavailable
from swarmtui.ui.commands import SwarmCommands
from swarmtui.ui.key_gate import KeyGate
from swarmtui.ui.messages import ReconnectRequested
from swarmtui.ui.screens.main_screen import MainScreen
from swarmtui.ui.session_access import SessionApp
from swarmtui.ui.styles import stylesheet
from swarmtui.ui.widgets.resource_table import ResourceTable
from swarmtui.ui.wire.driver import with_fewer_bytes

# The other screens and modals are imported where they are opened: the first paint waits
# for every module imported here.

# The terminal's ctrl+z reaches the console as a key (Textual turns ISIG off): Textual's
# suspend_process gives the terminal back and stops the process; `fg` resumes and repaints.
SUSPEND_BINDING = Binding("ctrl+z", "suspend_process", "Suspend", show=False, id="suspend")


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

    def get_driver_class(self) -> type[Driver]:
        return with_fewer_bytes(super().get_driver_class())

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
            from swarmtui.ui.screens.init_swarm_screen import InitSwarmScreen

            screen = InitSwarmScreen(outcome.endpoint, outcome.advertise_address)
            self.call_from_thread(self.push_screen, screen)
        elif isinstance(outcome, Connected):
            self.call_from_thread(self._start_sync)

    def _start_sync(self) -> None:
        for name, loop in self.session.sync_loops():
            self.run_worker(loop, thread=True, group=name, name=name)

    def show_problem(self, error: BackendError) -> None:
        from swarmtui.ui.screens.problem_screen import ProblemScreen

        self.push_screen(ProblemScreen(error, self.session.endpoint_label))

    def watch_theme(self, theme: str) -> None:
        if self.main_screen.is_mounted:
            for pane in self.main_screen.query(ResourceTable):
                pane.restyle()

    def action_help(self) -> None:
        from swarmtui.ui.help_groups import help_group_of, help_groups
        from swarmtui.ui.screens.help_screen import HelpScreen, binding_rows

        if isinstance(self.screen, HelpScreen):
            return
        groups = help_groups(self.BINDINGS, last=[SUSPEND_BINDING])
        config = self.session.config
        rows = binding_rows(groups, dict(config.keys))
        where = help_group_of(self.screen)
        first = next((i for i, row in enumerate(rows) if row[0] == where), 0)
        self.push_screen(HelpScreen(rows, str(config.path or "config.toml"), first))
